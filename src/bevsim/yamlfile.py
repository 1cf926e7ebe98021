"""Reading user YAML files safely: bounded size, depth and expanded size; no duplicate keys.

Every YAML file bevsim reads from a user (vehicle files, chemistry files) goes through
``read_yaml_file``. It refuses, with one line naming the file (and the line where it applies):

- a file larger than ``max_bytes`` (MAX_YAML_FILE_BYTES, 1 MB: the largest shipped vehicle or
  chemistry file is under 10 kB), checked before anything is parsed and read no further;
- nesting deeper than MAX_YAML_DEPTH levels, checked while the document is composed (before a
  deep document can exhaust Python's recursion limit);
- a mapping key given twice (PyYAML would silently keep the last one);
- more than MAX_YAML_NODES values once aliases (``*a``) are expanded, counted while composing:
  aliases are allowed (``yaml.safe_dump`` writes them for shared lists), but cannot make a
  small file expand into a huge structure ("billion laughs").
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from bevsim.errors import BevsimError
from bevsim.files import read_bounded_text

MAX_YAML_FILE_BYTES = 1_000_000
MAX_YAML_DEPTH = 32
MAX_YAML_NODES = 100_000
MERGE_TAG = "tag:yaml.org,2002:merge"


class _RefusedYaml(yaml.YAMLError):
    """A well-formed YAML document that bevsim refuses; ``line`` is 1-based (0: no line)."""

    def __init__(self, line: int, problem: str) -> None:
        super().__init__(problem)
        self.line = line
        self.problem = problem


class StrictSafeLoader(yaml.SafeLoader):
    """PyYAML's SafeLoader that refuses duplicate keys, deep nesting and alias expansion."""

    max_depth = MAX_YAML_DEPTH
    max_nodes = MAX_YAML_NODES

    def __init__(self, stream) -> None:
        super().__init__(stream)
        self._depth = 0
        self._expanded: dict[int, int] = {}  # id(node) -> values in it, aliases expanded

    def compose_node(self, parent, index):
        """Compose one node, counting the nesting depth and the expanded size."""
        mark = self.peek_event().start_mark
        self._depth += 1
        try:
            if self._depth > self.max_depth:
                raise _RefusedYaml(mark.line + 1, f"nested deeper than {self.max_depth} levels")
            node = super().compose_node(parent, index)
        finally:
            self._depth -= 1
        size = self._expanded.get(id(node))
        if size is None:
            size = 1 + sum(self._expanded[id(child)] for child in _children(node))
            self._expanded[id(node)] = size
        if size > self.max_nodes:
            raise _RefusedYaml(
                mark.line + 1, f"more than {self.max_nodes:,} values once aliases are expanded"
            )
        return node

    def construct_mapping(self, node, deep=False):
        """Build a mapping, refusing a key that appears twice in it."""
        if isinstance(node, yaml.MappingNode):
            first_line: dict[Any, int] = {}
            for key_node, _ in node.value:
                if key_node.tag == MERGE_TAG:
                    continue
                key = self.construct_object(key_node, deep=True)
                line = key_node.start_mark.line + 1
                if not isinstance(key, str | int | float | bool | None):
                    raise _RefusedYaml(line, "mapping keys must be plain scalars")
                if key in first_line:
                    raise _RefusedYaml(
                        line, f"duplicate key {key!r} (first given on line {first_line[key]})"
                    )
                first_line[key] = line
        return super().construct_mapping(node, deep=deep)


def _children(node: yaml.Node) -> list[yaml.Node]:
    """The nodes directly inside ``node`` (keys and values of a mapping)."""
    if isinstance(node, yaml.SequenceNode):
        return node.value
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def read_yaml_file(
    path: Path,
    what: str,
    error: type[BevsimError] = BevsimError,
    max_bytes: int = MAX_YAML_FILE_BYTES,
) -> Any:
    """The parsed content of the YAML file ``path`` (a ``what``, e.g. "vehicle file").

    Raises ``error`` with one line ``path: [line N: ]problem`` for a file that cannot be read,
    is larger than ``max_bytes`` [bytes], is not valid YAML, or is refused (see the module).
    """
    text = read_bounded_text(path, what, error, max_bytes)
    try:
        return yaml.load(text, Loader=StrictSafeLoader)  # noqa: S506 - a SafeLoader subclass
    except _RefusedYaml as exc:
        where = f"line {exc.line}: " if exc.line else ""
        raise error(f"{path}: {where}{exc.problem}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        problem = getattr(exc, "problem", None) or "not a YAML document"
        raise error(f"{path}: {where}invalid YAML: {problem}") from None
