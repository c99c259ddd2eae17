"""Publishing a built site: one build at a time writes to the output folder (a lock), each
audience is built in a staging folder and swapped in whole, and a build that was killed is
cleaned up after by the next.

Each audience is built in ``out/.staging/<audience>/site`` and swapped in as ``out/<audience>``.
Where the system can exchange two paths in one step (Linux renameat2 RENAME_EXCHANGE, macOS
renamex_np RENAME_SWAP), the swap is that single step: at any moment ``out/<audience>`` is
the whole previous site or the whole new one, and the old one is left in the staging folder,
which the build (or the next one, after a kill) deletes. Elsewhere the swap is two renames,
and a build killed between them is finished by ``recover`` at the next build.
"""

from __future__ import annotations

import errno
import os
import shutil
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from scorecard.audience import AUDIENCES
from scorecard.site.report import KEPT, BuildError

LOCK_FILE = ".lock"
STAGING = ".staging"
LAST_DOCS = ".last-docs"  # the docs folders of the last build, when it was asked to keep them


def _exchange_function() -> Callable[[bytes, bytes], int] | None:
    """The system's atomic exchange of two paths, where it has one."""
    import ctypes

    if sys.platform.startswith("linux"):
        name, args = "renameat2", True
    elif sys.platform == "darwin":
        name, args = "renamex_np", False
    else:
        return None
    try:
        func = getattr(ctypes.CDLL(None, use_errno=True), name)
    except (OSError, AttributeError):
        return None
    func.restype = ctypes.c_int
    if args:  # renameat2(AT_FDCWD, old, AT_FDCWD, new, RENAME_EXCHANGE)
        path, fd = ctypes.c_char_p, ctypes.c_int
        func.argtypes = [fd, path, fd, path, ctypes.c_uint]
        return lambda a, b: int(func(-100, a, -100, b, 2))
    func.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_uint]  # RENAME_SWAP
    return lambda a, b: int(func(a, b, 2))


_EXCHANGE = _exchange_function()


def exchange(a: Path, b: Path) -> bool:
    """Swap two existing paths in one step; False where the system or file system cannot."""
    import ctypes

    if _EXCHANGE is None:
        return False
    if _EXCHANGE(os.fsencode(a), os.fsencode(b)) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(a), None, str(b))


def _remove(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.exists():
        shutil.rmtree(path)


def recover(out: Path) -> None:
    """Clean up after a build that was killed: staging folders go, a half swap is finished."""
    if not out.is_dir():
        return
    _remove(out / STAGING)
    for audience in AUDIENCES:
        old, target = out / f".old-{audience}", out / audience
        if not old.exists():
            continue
        if not target.exists() and not target.is_symlink():
            old.rename(target)
        else:
            _remove(old)


def swap_in(new_site: Path, target: Path) -> None:
    """Replace ``target`` with ``new_site`` in one step where the system allows (see above);
    ``new_site``'s path then holds the previous site, for the caller to delete."""
    if not target.exists() and not target.is_symlink():
        new_site.rename(target)
        return
    if exchange(new_site, target):
        return
    old = target.parent / f".old-{target.name}"
    _remove(old)
    target.rename(old)
    new_site.rename(target)
    _remove(old)


@contextmanager
def build_lock(out: Path) -> Iterator[None]:
    """One build at a time writes to ``out``: a lock on ``out/.lock``, freed when the build
    ends in any way, a kill included.

    The lock is a POSIX record lock (``lockf``), which belongs to this process alone: worker
    processes forked while it is held do not hold it (as they would a ``flock`` on a file
    they inherited), so a build that is killed frees it at once, whatever its workers do in
    the moment before they end with it (`scorecard.parallel`).
    """
    if sys.platform == "win32":  # pragma: no cover - no lockf; builds are not serialised
        yield
        return
    import fcntl

    with (out / LOCK_FILE).open("a") as handle:
        try:
            fcntl.lockf(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as err:
            if err.errno not in (errno.EACCES, errno.EAGAIN):
                raise
            raise BuildError(
                f"another build is writing to {out}; wait for it or use --out"
            ) from None
        try:
            yield
        finally:
            fcntl.lockf(handle, fcntl.LOCK_UN)


def io_problem(err: OSError, out: Path) -> str:
    """What went wrong writing the site, in words, and what to do."""
    where = err.filename or out
    kept = KEPT
    if err.errno == errno.ENOSPC:
        return f"no space left on the device that holds {out}; free some space; {kept}"
    if err.errno == errno.EDQUOT:
        return f"disk quota exceeded writing {where}; free some space; {kept}"
    if err.errno == errno.EROFS:
        return f"{where} is on a read-only file system; choose another folder with --out; {kept}"
    if err.errno in (errno.EACCES, errno.EPERM):
        return f"no permission to write {where}; choose another folder with --out; {kept}"
    if err.errno in (errno.ENOTDIR, errno.EEXIST):
        return f"{where} (or a folder above it) is not a folder; choose another --out; {kept}"
    return f"cannot write {where}: {err.strerror or err}; {kept}"
