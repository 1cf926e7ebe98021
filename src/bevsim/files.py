"""Reading input files with a size limit; writing output files atomically (a failed command
never leaves a partial file)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path

from bevsim.errors import BevsimError


def read_bounded_text(
    path: Path, what: str, error: type[BevsimError], max_bytes: int, encoding: str = "utf-8"
) -> str:
    """The text of ``path`` (a ``what``), refused with ``error`` when larger than ``max_bytes``.

    The size is checked before reading, and the file is read no further than ``max_bytes`` + 1
    bytes, so a special file of unknown size (a pipe, /dev/zero) is cut off too. Messages name
    the file and the limit, never the content.
    """
    limit = f"the {what} may be at most {max_bytes / 1e6:g} MB"
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise error(f"{path}: file is {size / 1e6:.1f} MB; {limit}")
        with open(path, "rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise error(f"{path}: cannot read {what}: {exc.strerror or exc}") from None
    if len(data) > max_bytes:
        raise error(f"{path}: file is larger than {max_bytes / 1e6:g} MB; {limit}")
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        raise error(f"{path}: cannot read {what}: not {encoding.upper()} text") from None


def write_atomically(path: str | Path, write: Callable[[Path], None]) -> Path:
    """Call ``write(tmp_path)`` then move the finished file onto ``path``; clean up on failure.

    The temporary file sits in the target's folder (same file system, so the rename is atomic)
    and keeps the target's suffix, so writers that pick a format from the suffix still work.
    """
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise FileNotFoundError(f"{target}: folder {folder} does not exist")
    handle, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=target.suffix, dir=folder)
    os.close(handle)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the usual new-file mode
        os.replace(tmp, target)
    finally:
        with suppress(FileNotFoundError):
            tmp.unlink()
    return target


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
