"""Compare the two MS11 variants with a Tesla Model 3 on the Chinese, EU and US cycles.

python examples/compare_ms11.py
"""

import pandas as pd

import bevsim
from bevsim.procedures.cycle_run import LOSS_COLUMNS

VEHICLES = ["ms11-lfp", "ms11-naion", "tesla-model3-rwd-2022"]
CYCLES = ["cltc-p", "wltc-3b", "udds", "hwfet"]


def main() -> None:
    summary = pd.concat(
        [bevsim.simulate(VEHICLES, cycle).summary for cycle in CYCLES], ignore_index=True
    )
    table = summary.pivot(index="vehicle_id", columns="cycle", values="consumption_kwh_per_100km")
    print("Consumption at the battery terminals [kWh/100 km]")
    print(table[CYCLES].round(2).to_string())
    losses = summary[summary["cycle"] == "cltc-p"].set_index("vehicle_id")
    print("\nWhere the energy went on CLTC-P [kWh]")
    print(losses[list(LOSS_COLUMNS)].round(3).T.to_string())


if __name__ == "__main__":
    main()
