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
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{final.name[:80]}.", suffix=".part" + final.suffix[:20],
                                        dir=final.parent)
    except OSError as exc:  # read-only folder, no permission, name too long
        raise InputError(f"cannot write into the folder '{final.parent}': {exc.strerror}", field="--out") from None
    os.close(fd)
    os.unlink(tmp_name)  # GDAL wants to create the file itself
    tmp = Path(tmp_name)
    try:
        yield tmp
        os.replace(tmp, final)
    except OSError as exc:  # disk full, read-only, the target vanished …: nothing half-written stays
        raise InputError(f"cannot write '{final.name}': {exc.strerror or exc}", field="--out") from None
    finally:
        for leftover in (tmp, *final.parent.glob(glob.escape(tmp.name) + "-*")):  # -wal / -journal of SQLite
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()
