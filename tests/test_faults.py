"""Faults: a build killed at any moment, a full disk, a folder it may not write, two builds at
once. The last good site stays whole and unchanged; a failed build says why and leaves no half
site; the next build cleans up after a killed one."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import assert_clean_exit
from site_helpers import REPO, build, snapshot, write_tree

from scorecard.site import BuildError, build_site, publish, recover, swap_in

#: Two versions of a small project; every page of the site differs between them.
VERSIONS = {"A": ("Office of Wellbeing", 6.0), "B": ("Wellbeing Council", 5.0)}


def project_files(version: str) -> dict[str, Any]:
    auditor, hours = VERSIONS[version]
    return {
        "content/institutions/north-valley.yml": {
            "name": f"North Valley Hospital {version}",
            "kind": "community-hospital",
            "region": "US-VT",
            "peer_group": "community",
        },
        "content/audits/north-valley/2026-Q3.yml": {
            "audited": date(2026, 10, 15),
            "auditor": auditor,
            "metrics": {
                "admin.ehr_time_per_8h": {"value": hours},
                "safety.speak_up": {"positive": 132, "n": 210},
                "recognition.non_revenue_recognition": {"value": True},
            },
        },
    }


def leftovers(out: Path) -> list[str]:
    """What is in ``out`` besides the sites and the lock."""
    return sorted(p.name for p in out.iterdir() if p.name not in ("public", "internal", ".lock"))


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, bytes]]:
    """The public site of each version, built once: what a whole site is."""
    base = tmp_path_factory.mktemp("versions")
    found = {}
    for version in VERSIONS:
        root = write_tree(base / version, project_files(version))
        build_site(root, root / "out", ("public",))
        found[version] = snapshot(root / "out" / "public")
    assert found["A"] != found["B"]
    return found


# --- killed builds -------------------------------------------------------------------------


def _command(root: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "scorecard", "build", "--audience", "public"] + [
        "--project",
        str(root),
        "--out",
        str(out),
    ]


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO)}


@pytest.mark.timeout(180)
def test_a_build_killed_at_random_moments_keeps_a_whole_site(
    tmp_path: Path, sites: dict[str, dict[str, bytes]]
) -> None:
    """`scorecard build` in a subprocess, SIGKILLed after a random delay, ten times, the content
    switching between two versions: the site is always one whole version, byte for byte: the
    last good one, or the new one once its swap has happened."""
    root = write_tree(tmp_path / "project", project_files("A"))
    out = tmp_path / "out"
    started = time.monotonic()
    subprocess.run(_command(root, out), env=_env(), check=True, capture_output=True)
    seconds = time.monotonic() - started
    assert snapshot(out / "public") == sites["A"]

    rng = random.Random(20261015)
    last_good, rounds = "A", 10
    outcomes = []
    for index in range(rounds):
        target = "B" if last_good == "A" else "A"
        write_tree(root, project_files(target))
        process = subprocess.Popen(
            _command(root, out), env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        launched, wall = time.monotonic(), time.time()
        if index < rounds // 2:  # anywhere in the first part of a build: each in its own slice
            delay = seconds * 0.7 * (index + rng.random()) / (rounds // 2)
        else:  # once it writes: the docs, MkDocs, the checks, the swap, or just after
            while not _written_since(out / ".staging", wall) and process.poll() is None:
                time.sleep(0.005)
            delay = time.monotonic() - launched + rng.uniform(0, 0.4 * seconds)
        time.sleep(max(0.0, delay - (time.monotonic() - launched)))
        staging = (out / ".staging").exists()
        process.send_signal(signal.SIGKILL)
        code = process.wait()
        now = snapshot(out / "public")
        assert now in (sites[last_good], sites[target]), f"round {index}: a half site"
        if now == sites[target]:
            last_good = target
        outcomes.append((round(delay, 2), code, staging, now == sites[target]))
    # the next build finishes the job and cleans up whatever a kill left
    write_tree(root, project_files("A"))
    result = build(root, out, "public")
    assert result.exit_code == 0, result.output
    assert snapshot(out / "public") == sites["A"]
    assert leftovers(out) == [], outcomes
    assert any(staging for *_, staging, _swapped in outcomes), outcomes  # some died mid-write
    print("kill rounds (delay s, exit code, staging folder present, new site swapped in):")
    print(outcomes)


#: `scorecard build`, with every stage that can work on several cores doing so from a few
#: files on: the paths a national build takes, on a project small enough to build in seconds.
_EVERY_CORE = """
import sys
import scorecard.facts, scorecard.leaks, scorecard.project
import scorecard.site.docs, scorecard.site.parts
scorecard.project.CHUNK = 8
scorecard.facts.CHUNK = 8
scorecard.site.docs.RENDER_APART_FROM = 4
scorecard.leaks.SCAN_APART_FROM = 10
scorecard.site.parts.PARTS_FROM = 4
sys.argv = ["scorecard", *sys.argv[1:]]
from scorecard.cli import main
main()
"""


def _session(sid: int) -> list[int]:
    """The processes of a session that are still running (a zombie has ended)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text(encoding="ascii").rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields[0] != "Z" and int(fields[3]) == sid:  # state, ..., session
            found.append(int(stat.parent.name))
    return found


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc")
@pytest.mark.timeout(400)
def test_a_build_killed_or_terminated_leaves_no_process_and_the_next_build_succeeds(
    tmp_path: Path,
) -> None:
    """`scorecard build` on every core, sent SIGKILL or SIGTERM at 20 random moments: within
    5 s no process of it is left (its workers end with it, and none holds the lock), and the
    next build succeeds every time."""
    from scorecard.sample import write_sample_project

    root = tmp_path / "project"
    write_sample_project(root, institutions=16, periods=3, rich=False, first_period="2025-Q3")
    out = tmp_path / "out"
    command = [sys.executable, "-c", _EVERY_CORE, "build", "--audience", "public"]
    command += ["--project", str(root), "--out", str(out)]

    def run(kill_after: float | None, sig: signal.Signals = signal.SIGKILL) -> tuple[int, float]:
        started = time.monotonic()
        process = subprocess.Popen(
            command,
            env=_env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,  # the build and every process it starts: one session
        )
        if kill_after is not None:
            time.sleep(kill_after)
            process.send_signal(sig)
        _, stderr = process.communicate(timeout=120)
        ended = time.monotonic()
        while _session(process.pid) and time.monotonic() < ended + 5:
            time.sleep(0.05)
        left = _session(process.pid)
        assert left == [], f"processes of the build left after {sig!r}: {left}"
        if kill_after is None:
            assert process.returncode == 0, stderr.decode("utf-8", "replace")
        return process.returncode, ended - started

    _, seconds = run(None)
    rng = random.Random(20261203)
    outcomes = []
    for index in range(20):
        sig = signal.SIGKILL if index % 2 == 0 else signal.SIGTERM
        delay = rng.uniform(0.05, 0.95) * seconds
        code, _ = run(delay, sig)
        run(None)  # the next build succeeds: no lock held, no worker writing meanwhile
        outcomes.append((round(delay, 2), sig.name, code))
        assert leftovers(out) == [], outcomes
    assert any(code != 0 for *_, code in outcomes), outcomes  # most were stopped midway
    print("kills (delay s, signal, exit code):", outcomes)


def _written_since(folder: Path, moment: float) -> bool:
    """``folder`` exists and was written after ``moment`` (not a killed build's leftover)."""
    try:
        return folder.stat().st_mtime >= moment
    except FileNotFoundError:
        return False


#: the file operations of a swap, wrapped to count them and to die at one of them
_OPERATIONS = ["rename", "replace", "unlink", "rmdir"]


@contextmanager
def _dying_at(step: int, *, after: bool) -> Iterator[list[str]]:
    """Count the swap's file operations; SIGKILL this process at operation ``step``."""
    seen: list[str] = []
    saved: dict[str, Any] = {}

    def wrap(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            seen.append(name)
            if len(seen) == step and not after:
                os.kill(os.getpid(), signal.SIGKILL)
            result = func(*args, **kwargs)
            if len(seen) == step and after:
                os.kill(os.getpid(), signal.SIGKILL)
            return result

        return call

    for name in _OPERATIONS:
        saved[name] = getattr(os, name)
        setattr(os, name, wrap(name, saved[name]))
    saved["exchange"] = publish._EXCHANGE
    if publish._EXCHANGE is not None:
        publish._EXCHANGE = wrap("exchange", publish._EXCHANGE)
    try:
        yield seen
    finally:
        for name in _OPERATIONS:
            setattr(os, name, saved[name])
        publish._EXCHANGE = saved["exchange"]


def _in_child(func: Callable[[], int]) -> int:
    """Run ``func`` in a forked child; its exit code, or -9 when it was killed."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        code = 99
        try:
            code = func()
        finally:
            os._exit(code)
    _pid, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


def _swap_like_a_build(out: Path, staged: Path) -> int:
    """The end of build_site: swap the staged site in, then delete the staging folder."""
    swap_in(staged, out / "public")
    shutil.rmtree(out / ".staging")
    return 0


@pytest.mark.parametrize("exchange", [True, False], ids=["one-step-exchange", "two-renames"])
def test_a_swap_killed_at_each_of_its_steps_keeps_a_whole_site(
    tmp_path: Path, sites: dict[str, dict[str, bytes]], exchange: bool
) -> None:
    """Every file operation of the swap, a SIGKILL before and after it: the site is the old one
    or the new one, whole, at every moment; with the one-step exchange it is never missing, and
    after the two-rename fallback the next build's recovery brings it back."""
    if exchange and publish._EXCHANGE is None:
        pytest.skip("no atomic exchange on this system")

    def prepare() -> tuple[Path, Path]:
        shutil.rmtree(tmp_path / "out", ignore_errors=True)
        out = tmp_path / "out"
        for version, folder in (("A", out / "public"), ("B", out / ".staging/public/site")):
            for rel, content in sites[version].items():
                (folder / rel).parent.mkdir(parents=True, exist_ok=True)
                (folder / rel).write_bytes(content)
        return out, out / ".staging/public/site"

    saved = publish._EXCHANGE
    if not exchange:
        publish._EXCHANGE = None
    try:
        out, staged = prepare()
        with _dying_at(0, after=False) as seen:  # a whole run, counted
            swap_in(staged, out / "public")
            swapped = len(seen)
            shutil.rmtree(out / ".staging")
        total = len(seen)
        assert swapped >= (1 if exchange else 2), seen
        # every step of the swap itself; of the deletions after it, the first, middle and last
        steps = {*range(1, min(swapped, 4) + 1), swapped, swapped + 1, (swapped + total) // 2}
        for step in sorted(s for s in steps | {total} if 1 <= s <= total):
            for after in (False, True):
                out, staged = prepare()

                def run(
                    step: int = step, after: bool = after, out: Path = out, staged: Path = staged
                ) -> int:
                    with _dying_at(step, after=after):
                        return _swap_like_a_build(out, staged)

                assert _in_child(run) == -signal.SIGKILL
                public = out / "public"
                if exchange:
                    assert public.is_dir(), (step, after)
                if public.is_dir():
                    assert snapshot(public) in (sites["A"], sites["B"]), (step, after)
                recover(out)  # what the next build does first
                assert snapshot(out / "public") in (sites["A"], sites["B"]), (step, after)
                assert leftovers(out) == []
    finally:
        publish._EXCHANGE = saved


def test_the_next_build_recovers_from_leftovers(
    tmp_path: Path, sites: dict[str, dict[str, bytes]]
) -> None:
    """A build killed between the two renames of the fallback swap, and a killed MkDocs run."""
    root = write_tree(tmp_path / "project", project_files("B"))
    out = tmp_path / "out"
    for rel, content in sites["A"].items():  # the previous site, renamed away, not yet back
        (out / ".old-public" / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / ".old-public" / rel).write_bytes(content)
    (out / ".staging" / "public" / "docs").mkdir(parents=True)
    (out / ".staging" / "public" / "docs" / "half.md").write_text("# half", encoding="utf-8")
    recover(out)
    assert snapshot(out / "public") == sites["A"]
    assert leftovers(out) == []
    build_site(root, out, ("public",))
    assert snapshot(out / "public") == sites["B"]
    assert leftovers(out) == []


# --- a full disk, a folder that cannot be written ------------------------------------------


@contextmanager
def _mounted(*commands: list[str], target: Path) -> Iterator[None]:
    """Run mount commands (root with CAP_SYS_ADMIN only); skip the test where that fails."""
    for command in commands:
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode != 0:
            subprocess.run(["umount", "-l", str(target)], capture_output=True)
            pytest.skip(f"cannot mount here: {result.stderr.strip()}")
    try:
        yield
    finally:
        subprocess.run(["umount", "-l", str(target)], check=True)


def _assert_clean_failure(message: str, out: Path, before: dict[str, bytes]) -> None:
    assert "previous site was kept" in message
    assert snapshot(out / "public") == before
    assert leftovers(out) == []


@pytest.mark.skipif(sys.platform != "linux", reason="tmpfs is Linux")
def test_a_full_disk_is_a_clear_error_and_no_half_site(
    tmp_path: Path, sites: dict[str, dict[str, bytes]]
) -> None:
    root = write_tree(tmp_path / "project", project_files("B"))
    disk = tmp_path / "disk"
    disk.mkdir()
    size = sum(len(c) for c in sites["A"].values())
    command = ["mount", "-t", "tmpfs", "-o", f"size={3 * size}", "scorecard-test", str(disk)]
    with _mounted(command, target=disk):
        out = disk / "out"
        for rel, content in sites["A"].items():
            (out / "public" / rel).parent.mkdir(parents=True, exist_ok=True)
            (out / "public" / rel).write_bytes(content)
        free = shutil.disk_usage(disk).free
        (disk / "filler").write_bytes(b"\0" * (free - size // 2))  # room for half a site
        with pytest.raises(BuildError) as caught:
            build_site(root, out, ("public",))
        assert "no space left on the device" in str(caught.value)
        _assert_clean_failure(str(caught.value), out, sites["A"])
        (disk / "filler").unlink()
        build_site(root, out, ("public",))  # with room again, the build goes through
        assert snapshot(out / "public") == sites["B"]


@pytest.mark.skipif(sys.platform != "linux", reason="bind mounts are Linux")
def test_a_read_only_output_folder_is_a_clear_error(
    tmp_path: Path, sites: dict[str, dict[str, bytes]]
) -> None:
    root = write_tree(tmp_path / "project", project_files("B"))
    out = tmp_path / "out"
    for rel, content in sites["A"].items():
        (out / "public" / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / "public" / rel).write_bytes(content)
    bind = ["mount", "--bind", str(out), str(out)]
    read_only = ["mount", "-o", "remount,ro,bind", str(out)]
    with _mounted(bind, read_only, target=out):
        result = build(root, out, "public")
        assert_clean_exit(result, 1)
        assert "read-only file system" in result.output
        _assert_clean_failure(result.output, out, sites["A"])


def test_an_output_path_under_a_file_is_a_clear_error(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "project", project_files("A"))
    (tmp_path / "a-file").write_text("not a folder", encoding="utf-8")
    result = build(root, tmp_path / "a-file" / "site", "public")
    assert_clean_exit(result, 1)
    assert "is not a folder" in result.output


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to become another user")
def test_a_folder_the_user_may_not_write_is_a_clear_error(
    sites: dict[str, dict[str, bytes]],
) -> None:
    """As root, permissions do not stop writes: the build runs as `nobody` in a forked child."""
    base = Path(tempfile.mkdtemp(prefix="scorecard-perm-"))
    try:
        base.chmod(0o755)
        root = write_tree(base / "project", project_files("B"))
        out = base / "out"
        for rel, content in sites["A"].items():
            (out / "public" / rel).parent.mkdir(parents=True, exist_ok=True)
            (out / "public" / rel).write_bytes(content)
        for path in [base, *base.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
        message = base / "message.txt"
        message.touch()
        message.chmod(0o666)

        def as_nobody() -> int:
            os.setgroups([])
            os.setgid(65534)
            os.setuid(65534)
            try:
                build_site(root, out, ("public",))
            except BuildError as err:
                message.write_text(str(err), encoding="utf-8")
                return 1
            return 0

        assert _in_child(as_nobody) == 1
        text = message.read_text(encoding="utf-8")
        assert "no permission to write" in text
        _assert_clean_failure(text, out, sites["A"])
    finally:
        shutil.rmtree(base)


# --- two builds at once --------------------------------------------------------------------


_HOLD_LOCK = """
import fcntl, sys
with open(sys.argv[1], "a") as lock:
    fcntl.lockf(lock, fcntl.LOCK_EX)
    print("holding", flush=True)
    sys.stdin.read()
"""


def test_a_second_build_while_one_is_writing_exits_1_with_a_clear_message(
    tmp_path: Path, sites: dict[str, dict[str, bytes]]
) -> None:
    root = write_tree(tmp_path / "project", project_files("B"))
    out = tmp_path / "out"
    for rel, content in sites["A"].items():
        (out / "public" / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / "public" / rel).write_bytes(content)
    holder = subprocess.Popen(  # another build, writing: a lock belongs to its process
        [sys.executable, "-c", _HOLD_LOCK, str(out / ".lock")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "holding\n"
        result = build(root, out, "public")
    finally:
        holder.communicate("", timeout=30)
    assert_clean_exit(result, 1)
    assert f"another build is writing to {out.resolve()}; wait for it or use --out" in result.output
    assert snapshot(out / "public") == sites["A"]
    result = build(root, out, "public")  # the lock is free again
    assert result.exit_code == 0, result.output
    assert snapshot(out / "public") == sites["B"]


@pytest.mark.timeout(120)
def test_two_builds_started_at_once_do_not_corrupt_each_other(
    tmp_path: Path, sites: dict[str, dict[str, bytes]]
) -> None:
    """Two processes build the same project into the same folder at the same moment."""
    root = write_tree(tmp_path / "project", project_files("B"))
    out = tmp_path / "out"
    build_site(root, out, ("public",))  # warm: the children start where a build spends its time
    shutil.rmtree(out)
    go = tmp_path / "go"
    messages = [tmp_path / "first.txt", tmp_path / "second.txt"]

    def builder(message: Path) -> Callable[[], int]:
        def run() -> int:
            while not go.exists():
                time.sleep(0.001)
            try:
                build_site(root, out, ("public",))
            except BuildError as err:
                message.write_text(str(err), encoding="utf-8")
                return 1
            return 0

        return run

    pids = []
    for message in messages:
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child
            code = 99
            try:
                code = builder(message)()
            finally:
                os._exit(code)
        pids.append(pid)
    go.touch()
    codes = [os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) for pid in pids]
    assert sorted(codes) in ([0, 0], [0, 1]), codes
    print("two builds at once, exit codes:", codes)
    for code, message in zip(codes, messages, strict=True):
        if code == 1:
            assert "another build is writing to" in message.read_text(encoding="utf-8")
    assert snapshot(out / "public") == sites["B"]
    assert leftovers(out) == []
