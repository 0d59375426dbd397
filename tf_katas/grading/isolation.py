"""Where a submission's code runs: in a bubblewrap sandbox, or (fallback) in a plain process.

bubblewrap (`bwrap`, the sandbox Flatpak uses) gives the submission's processes new PID,
network, IPC and UTS namespaces and a mount namespace of their own: the system read-only,
a private writable /tmp, and of the project only what a kata needs (the interpreter, the
installed packages, the tool's package, the submission's staged modules and the tests'
temporary files). When the namespace's first process dies, every process of the
submission dies with it.

Run as root, bwrap creates the namespaces with root's privileges, and the fork server
inside drops to a user of the grade's own (one per submission graded at once), so the
code runs as a distinct user outside the sandbox too. Run by another user, bwrap adds a
user namespace and the code runs as that user.

Where bwrap cannot run (not installed, or user namespaces refused in a container), the
grader falls back to plain processes (tf_katas.grading.remote) and says so, loudly.
"""

from __future__ import annotations

import os
import shutil
import site
import stat
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

BUBBLEWRAP, PROCESS = "bubblewrap", "process"
# The users the submissions run as (root grading): far above any real account, and distinct
# per grader process and per submission graded at once, so that "every process of this
# user" is exactly "every process of this submission".
UID_BASE = 1_800_000_000
SLOTS_PER_GRADER = 64
PRIVATE_TMP_MB = 512  # the sandbox's /tmp lives in memory: bounded

NAMESPACES = (
    "--unshare-pid",
    "--unshare-net",
    "--unshare-ipc",
    "--unshare-uts",
    "--unshare-cgroup-try",
)


def sandbox_uid(slot: int, grader_pid: int | None = None) -> int:
    pid = os.getpid() if grader_pid is None else grader_pid
    return UID_BASE + (pid % 1_000_000) * SLOTS_PER_GRADER + slot % SLOTS_PER_GRADER


@dataclass(frozen=True)
class Isolation:
    """How the grade runs submissions: `kind` bubblewrap or process, and as which user
    (`uid` None: the grader's own user)."""

    kind: str
    uid: int | None

    @property
    def user(self) -> str:
        if self.uid is None:
            name = "root" if os.geteuid() == 0 else str(os.geteuid())
            return f"{name} (the grader's own user)"
        return f"uid {self.uid} (a user of this submission's own)"

    def options(self) -> tuple[str, ...]:
        """The judge's options (tf_katas.grading.judge) that carry this choice."""
        return (f"--isolation={self.kind}", f"--sandbox-uid={-1 if self.uid is None else self.uid}")


def bubblewrap_problem() -> str | None:
    """None when bwrap can build a sandbox here; otherwise why not."""
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        return "bubblewrap is not installed (apt-get install bubblewrap)"
    try:
        done = subprocess.run(
            bubblewrap_command(["true"], read_only=[], writable=[], hidden=[]),
            capture_output=True,
            text=True,
            timeout=30,
        )
    except (OSError, subprocess.TimeoutExpired) as err:
        return f"bwrap did not run: {err}"
    if done.returncode != 0:
        return f"bwrap refused to build a sandbox: {done.stderr.strip()[:300]}"
    return None


def _passable_by_others(folder: Path) -> bool:
    try:
        return bool(folder.stat().st_mode & stat.S_IXOTH)
    except OSError:
        return False


def readable_by_others(path: Path) -> bool:
    """Others may list `path` and pass through every folder above it."""
    path = path.resolve()
    try:
        if not path.stat().st_mode & stat.S_IROTH:
            return False
    except OSError:
        return False
    return all(_passable_by_others(folder) for folder in (path, *path.parents))


def _closed_ancestor(path: Path) -> Path | None:
    """The highest folder above `path` that others may not pass through (root's home, where
    pyenv installs Python), or None."""
    for folder in reversed(path.parents):
        if folder != Path("/") and not _passable_by_others(folder):
            return folder
    return None


def interpreter_paths() -> list[Path]:
    """What the interpreter and the installed packages need: the virtual environment, the
    Python it was made from, the site-packages and the tool's own package."""
    import tf_katas

    paths = {Path(sys.prefix), Path(sys.base_prefix), Path(tf_katas.__file__).parent}
    paths.update(Path(p) for p in site.getsitepackages())
    return sorted({p.resolve() for p in paths} | paths, key=lambda p: len(p.parts))


def bubblewrap_command(
    command: list[str],
    *,
    read_only: list[Path],
    writable: list[Path],
    hidden: list[Path],
    tmp_mb: int = PRIVATE_TMP_MB,
) -> list[str]:
    """`command` in a new sandbox. The system is read-only; /tmp is private; `hidden`
    folders (the project, the submissions, the reports) are covered by empty ones; folders
    others may not pass through are covered too, then `read_only` and `writable` paths are
    bound back in at their own place."""
    args = ["bwrap", *NAMESPACES, "--die-with-parent", "--new-session"]
    if os.geteuid() != 0:
        args.append("--unshare-user")
    args += ["--ro-bind", "/", "/", "--proc", "/proc", "--dev", "/dev"]
    args += ["--perms", "1777", "--size", str(tmp_mb * 2**20), "--tmpfs", "/tmp"]
    read_only = _outermost(read_only)
    writable = _outermost(writable)
    shown = read_only + writable
    covers = {Path(p) for p in hidden if Path(p).is_dir()}
    covers |= {c for c in map(_closed_ancestor, shown) if c is not None}
    covers = {c for c in covers if c != Path("/") and Path("/tmp") not in (c, *c.parents)}
    for folder in sorted(covers, key=lambda p: len(p.parts)):
        args += ["--perms", "0755", "--tmpfs", str(folder)]
    # The folders between a cover and what is bound back in must be passable by the
    # sandbox's user: made explicitly (bwrap would make them root's only).
    covered = covers | {Path("/tmp")}
    between: set[Path] = set()
    for path in shown:
        for cover in covered:
            if cover in path.parents:
                between.update(p for p in path.parents if cover in p.parents)
    for folder in sorted(between, key=lambda p: len(p.parts)):
        args += ["--perms", "0755", "--dir", str(folder)]
    for path in read_only:
        if path.exists():
            args += ["--ro-bind", str(path), str(path)]
    for path in writable:
        if path.exists():
            args += ["--bind", str(path), str(path)]
    return [*args, "--chdir", "/tmp", "--", *command]


def _outermost(paths: list[Path]) -> list[Path]:
    """`paths` without those inside another of them (bound with it already)."""
    paths = {Path(p) for p in paths}
    return sorted(
        (p for p in paths if not any(q in p.parents for q in paths)), key=lambda p: len(p.parts)
    )


def hidden_paths(root: Path) -> list[Path]:
    """What the sandbox must not see: the project, and the folders the grader names in
    KATA_HIDDEN (the submissions, the reports)."""
    import tf_katas

    extra = [Path(p) for p in os.environ.get("KATA_HIDDEN", "").split(os.pathsep) if p]
    tool_checkout = Path(tf_katas.__file__).resolve().parent.parent  # an editable install's
    checkouts = [tool_checkout] if (tool_checkout / "solutions").is_dir() else []
    return [root.resolve(), *checkouts, *extra]
