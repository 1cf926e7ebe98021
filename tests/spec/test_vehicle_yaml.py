"""Vehicle and chemistry YAML is read safely (issue 17, items 3 and 7).

Guards named after the bugs: a duplicated key silently won, a deeply nested file gave a
RecursionError traceback, a 50 MB file was parsed for 118 s before it was refused.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import bevsim
from bevsim.chemistry import load_chemistry
from bevsim.chemistry.loader import ChemistryError
from bevsim.errors import SpecError
from bevsim.spec import load_vehicle, read_vehicle_file
from bevsim.yamlfile import MAX_YAML_DEPTH, MAX_YAML_FILE_BYTES, MAX_YAML_NODES, read_yaml_file

LIBRARY_FILE = Path(bevsim.__file__).parent / "vehicles" / "ms11-lfp.yaml"


def refused(path: Path) -> str:
    with pytest.raises(SpecError) as info:
        read_vehicle_file(path)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: ")
    return message


def test_duplicated_key_is_refused_with_both_lines(tmp_path):
    """The issue's example: a second ``curb_kg`` silently won."""
    lines = LIBRARY_FILE.read_text(encoding="utf-8").splitlines()
    first = next(i for i, line in enumerate(lines) if line.strip().startswith("curb_kg:"))
    lines.insert(first + 1, "  curb_kg: 900")
    path = tmp_path / "dup.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    message = refused(path)
    assert f"line {first + 2}: duplicate key 'curb_kg' (first given on line {first + 1})" in message


def test_duplicated_top_level_section_is_refused(tmp_path):
    text = LIBRARY_FILE.read_text(encoding="utf-8") + "\nmass:\n  curb_kg: 900\n"
    path = tmp_path / "dup.yaml"
    path.write_text(text, encoding="utf-8")
    assert "duplicate key 'mass'" in refused(path)


@pytest.mark.parametrize("depth", [MAX_YAML_DEPTH + 1, 5_000])
def test_deep_nesting_is_refused_in_one_line(tmp_path, depth):
    """5000 levels used to give a RecursionError traceback."""
    path = tmp_path / "deep.yaml"
    path.write_text("name: x\nextra: " + "[" * depth + "]" * depth + "\n", encoding="utf-8")
    message = refused(path)
    assert f"nested deeper than {MAX_YAML_DEPTH} levels" in message
    assert "line 2" in message


def test_nesting_at_the_limit_is_parsed(tmp_path):
    path = tmp_path / "ok.yaml"
    depth = MAX_YAML_DEPTH - 1  # the top-level mapping is one level
    path.write_text("extra: " + "[" * depth + "]" * depth + "\n", encoding="utf-8")
    data = read_yaml_file(path, "vehicle file")
    node, levels = data["extra"], 1
    while node:
        node, levels = node[0], levels + 1
    assert levels == depth


def test_large_file_is_refused_before_parsing(tmp_path):
    """A 50 MB file under an unknown key took 118 s and 3.6 GB before it was refused."""
    path = tmp_path / "big.yaml"
    filler = "x" * 1000
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(LIBRARY_FILE.read_text(encoding="utf-8"))
        handle.write("junk:\n")
        for _ in range(50_000):
            handle.write(f"  - {filler}\n")
    start = time.perf_counter()
    message = refused(path)
    assert time.perf_counter() - start < 1.0
    size_mb = path.stat().st_size / 1e6
    assert f"file is {size_mb:.1f} MB; the vehicle file may be at most 1 MB" in message


def test_file_that_grows_past_the_limit_while_read_is_cut(tmp_path):
    """A file whose size is not known up front (a pipe, /dev/zero) is read no further."""
    with pytest.raises(SpecError, match="larger than 1 MB"):
        read_yaml_file(Path("/dev/zero"), "vehicle file", SpecError)
    assert MAX_YAML_FILE_BYTES == 1_000_000


def test_alias_expansion_bomb_is_refused(tmp_path):
    """Nine levels of nine aliases expand to 9^9 values from a 1 kB file."""
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    for k in range(1, 10):
        refs = ", ".join([f"*a{k - 1}"] * 9)
        lines.append(f"a{k}: &a{k} [{refs}]")
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    message = refused(path)
    assert f"more than {MAX_YAML_NODES:,} values once aliases are expanded" in message


def test_aliases_and_merge_keys_are_accepted(tmp_path):
    """``yaml.safe_dump`` writes anchors for shared objects, and a merge key can share a motor's
    figures; such files still load, as written."""
    data = yaml.safe_load(LIBRARY_FILE.read_text(encoding="utf-8"))
    rear = data["drive"].pop("motors")[0]
    data["drive"]["layout"] = "awd"
    text = yaml.safe_dump({**data, "id": "aliased"}, sort_keys=False)
    text = text.replace(
        "drive:\n",
        "drive:\n  motors:\n  - &rear "
        + yaml.safe_dump(rear, default_flow_style=True)
        + "  - <<: *rear\n    axle: front\n",
    )
    path = tmp_path / "aliased.yaml"
    path.write_text(text, encoding="utf-8")
    motors = load_vehicle(str(path)).drive.motors
    assert [m.axle for m in motors] == ["rear", "front"]
    assert motors[0].peak_power_kw == motors[1].peak_power_kw == rear["peak_power_kw"]
    shared = {"x": [1, 2]}
    path.write_text(yaml.safe_dump({"a": shared, "b": shared}), encoding="utf-8")
    assert "*id" in path.read_text(encoding="utf-8")
    assert read_yaml_file(path, "file") == {"a": {"x": [1, 2]}, "b": {"x": [1, 2]}}


def test_chemistry_file_gets_the_same_rules(tmp_path):
    path = tmp_path / "chem.yaml"
    path.write_text("id: x\nid: y\n", encoding="utf-8")
    with pytest.raises(ChemistryError, match=r"line 2: duplicate key 'id' \(first given on line 1"):
        load_chemistry(path)


KEYS = st.text(alphabet="abcdefgh_", min_size=1, max_size=6)


@settings(max_examples=60, deadline=None)
@given(keys=st.lists(KEYS, min_size=1, max_size=8), dup=st.integers(0, 7))
def test_duplicate_key_anywhere_is_found(tmp_path_factory, keys, dup):
    """Property: a mapping with a key listed twice is refused naming the first such key and its
    line; without one it loads as written."""
    path = tmp_path_factory.mktemp("dup") / "m.yaml"
    if len(set(keys)) == len(keys):
        path.write_text("".join(f"{k}: {i}\n" for i, k in enumerate(keys)), encoding="utf-8")
        assert read_yaml_file(path, "file") == {k: i for i, k in enumerate(keys)}
        keys = [*keys, keys[dup % len(keys)]]
    path.write_text("".join(f"{k}: {i}\n" for i, k in enumerate(keys)), encoding="utf-8")
    second = next(i for i, k in enumerate(keys) if k in keys[:i])
    first = keys.index(keys[second])
    with pytest.raises(SpecError) as info:
        read_yaml_file(path, "vehicle file", SpecError)
    expected = (
        f"line {second + 1}: duplicate key {keys[second]!r} (first given on line {first + 1})"
    )
    assert str(info.value) == f"{path}: {expected}"
