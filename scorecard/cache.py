"""The cache folder: what takes long to make, kept between runs of scorecard.

It is never inside the project, where a change under review could plant a cache for the build
to load. A cache that cannot be read or written only costs time: no error comes of it.
"""

from __future__ import annotations

import contextlib
import os
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO, TypeVar

T = TypeVar("T")


def cache_folder() -> Path | None:
    """``SCORECARD_CACHE_DIR``, else the user's cache folder; none when ``SCORECARD_CACHE_DIR``
    is empty or 0."""
    chosen = os.environ.get("SCORECARD_CACHE_DIR")
    if chosen is not None:
        return Path(chosen) if chosen not in ("", "0") else None
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "scorecard"


def fetch(name: str, read: Callable[[BinaryIO], T]) -> T | None:
    """What ``read`` makes of the file kept under ``name``; None when there is none, or when
    it cannot be read (``read`` may raise ValueError, or an error of pickle, for that)."""
    folder = cache_folder()
    if folder is None:
        return None
    try:
        with (folder / name).open("rb") as handle:
            return read(handle)
    except (OSError, EOFError, ValueError, TypeError, pickle.UnpicklingError):
        return None


def keep(name: str, write: Callable[[BinaryIO], object]) -> None:
    """Keep under ``name`` what ``write`` writes to the handle it is given; the file appears
    whole or not at all, so a run stopped midway leaves no half cache for the next."""
    folder = cache_folder()
    if folder is None:
        return
    target = folder / name
    part = target.with_name(f"{target.name}.{os.getpid()}.part")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with part.open("wb") as handle:
            write(handle)
        os.replace(part, target)
    except OSError:
        with contextlib.suppress(OSError):  # a folder we may not write to: nothing to tidy
            part.unlink(missing_ok=True)
