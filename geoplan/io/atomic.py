"""Atomic writes: a file appears whole under its final name or not at all."""

from __future__ import annotations

import contextlib
import glob
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from ..errors import InputError


@contextlib.contextmanager
def atomic_output(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success it replaces ``path``, on failure it is removed.

    An interrupted export therefore never leaves a half-written file under the final name.
    """
    final = Path(path)
    if not final.parent.is_dir():
        raise InputError(f"the output folder '{final.parent}' does not exist", field="--out")
    fd, tmp_name = tempfile.mkstemp(prefix=f".{final.name}.", suffix=".part" + final.suffix, dir=final.parent)
    os.close(fd)
    os.unlink(tmp_name)  # GDAL wants to create the file itself
    tmp = Path(tmp_name)
    try:
        yield tmp
        os.replace(tmp, final)
    finally:
        for leftover in (tmp, *final.parent.glob(glob.escape(tmp.name) + "-*")):  # -wal / -journal of SQLite
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()
