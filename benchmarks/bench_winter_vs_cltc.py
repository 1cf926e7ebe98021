"""Winter procedure (-7 degC with its 23 degC reference) against CLTC on the same variants, one
process: rows per second of each and the time ratio. Issue 14's speed target compares winter
sweeps with an older checkout; run the same file against both, alternately:

    python benchmarks/bench_winter_vs_cltc.py --variants 1000
    PYTHONPATH=/path/to/old-checkout/src python benchmarks/bench_winter_vs_cltc.py --variants 1000

It uses only ``procedures.cltc.run`` and ``procedures.winter.winter_test``, which older checkouts
have too. The variants are ms11-lfp with curb masses 0.1 kg apart (one compiled batch).
"""

from __future__ import annotations

import argparse
import time

from bevsim.procedures import cltc
from bevsim.procedures.winter import winter_test
from bevsim.spec import load_vehicle


def variants(count: int) -> list:
    """ms11-lfp with curb masses from 1,800 kg in 0.1 kg steps."""
    base = load_vehicle("ms11-lfp")
    return [
        base.model_copy(
            update={"id": f"v{i}", "mass": base.mass.model_copy(update={"curb_kg": 1800 + 0.1 * i})}
        )
        for i in range(count)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", type=int, default=1000)
    count = parser.parse_args().variants
    warm = variants(8)
    winter_test(warm, temps_c=(-7.0,))
    cltc.run(warm)
    specs = variants(count)
    start = time.perf_counter()
    cltc.run(specs)
    cltc_s = time.perf_counter() - start
    start = time.perf_counter()
    winter_test(specs, temps_c=(-7.0,))
    winter_s = time.perf_counter() - start
    print(
        f"variants {count}: CLTC {count / cltc_s:.0f} rows/s, "
        f"winter {count / winter_s:.0f} rows/s, winter/CLTC time {winter_s / cltc_s:.2f}"
    )


if __name__ == "__main__":
    main()
