"""Process trees on Linux, read from /proc: find, measure and kill every descendant."""

from __future__ import annotations

import ctypes
import os
import signal
from pathlib import Path

PR_SET_PDEATHSIG = 1
PR_SET_CHILD_SUBREAPER = 36
PR_SET_NO_NEW_PRIVS = 38


def _prctl(option: int, value: int) -> bool:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(option, value, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def become_subreaper() -> bool:
    """Orphaned descendants (a double fork, a setsid) are re-parented to this process
    instead of init, so they can still be found and killed. False where unsupported."""
    return _prctl(PR_SET_CHILD_SUBREAPER, 1)


def no_new_privileges() -> bool:
    """No set-user-ID program run from here on gains privileges (bubblewrap sets it too)."""
    return _prctl(PR_SET_NO_NEW_PRIVS, 1)


def die_with_parent() -> None:
    """SIGKILL this process when its parent dies (a sandbox whose judge or fork server was
    killed must not live on as an orphan). Changing user clears it: call it afterwards."""
    parent = os.getppid()
    _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the setting took
        os._exit(1)


def _parents() -> dict[int, int]:
    parents = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name (2nd field) may hold spaces and parentheses: split after the last ')'.
        fields = stat.rsplit(")", 1)[1].split()
        parents[int(entry.name)] = int(fields[1])
    return parents


def descendants(pid: int) -> list[int]:
    parents = _parents()
    children: dict[int, list[int]] = {}
    for child, parent in parents.items():
        children.setdefault(parent, []).append(child)
    found, stack = [], list(children.get(pid, []))
    while stack:
        current = stack.pop()
        found.append(current)
        stack.extend(children.get(current, []))
    return found


def children(pid: int) -> list[int]:
    return [child for child, parent in _parents().items() if parent == pid]


def rss_bytes(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
                    break
        except OSError:
            continue
    return total


def kill_tree(pid: int) -> None:
    """SIGKILL `pid`, its process group and every descendant; SIGKILL cannot be ignored."""
    if pid <= 1:  # kill(-1) would be every process of the user; 0 our own group; 1 init
        return
    for _ in range(3):  # a forking process may add children while we kill
        victims = [pid, *descendants(pid)]
        try:
            os.killpg(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        for victim in victims:
            try:
                os.kill(victim, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        if not descendants(pid):
            break


def reap_orphans(keep: set[int], rounds: int = 1) -> int:
    """Kill and reap this process's children other than `keep`: for a subreaper, those are
    orphans that escaped their own tree (and zombies of them). One reading of /proc per
    round, every member of every escaped tree killed at once, so that a chain forking and
    exiting faster than a round cannot outrun it, nor zombies pile up. With `rounds` > 1,
    goes on until a round finds nothing. Returns how many were killed."""
    killed = 0
    me = os.getpid()
    for _ in range(rounds):
        parents = _parents()
        tree: dict[int, list[int]] = {}
        for child, parent in parents.items():
            tree.setdefault(parent, []).append(child)
        orphans = [c for c in tree.get(me, []) if c not in keep]
        if not orphans:
            break
        victims, stack = [], list(orphans)
        while stack:
            current = stack.pop()
            victims.append(current)
            stack.extend(tree.get(current, []))
        for victim in victims:
            try:
                os.kill(victim, signal.SIGKILL)
                killed += 1
            except (ProcessLookupError, PermissionError):
                pass
        for orphan in orphans:
            try:
                os.waitpid(orphan, 0)
            except ChildProcessError:
                pass
    return killed


def real_uid(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("Uid:"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return None


def kill_user(uid: int, rounds: int = 50) -> int:
    """SIGKILL every process whose real user is `uid` (a user of the grade's own, never 0),
    until none is left: a chain that forks, setsids and exits cannot outrun it, since each
    round kills every member seen at once. Returns how many were killed."""
    if uid == 0 or uid == os.getuid():
        raise ValueError("refusing to kill every process of the grader's own user")
    killed = 0
    for _ in range(rounds):
        victims = [p for p in _parents() if real_uid(p) == uid]
        if not victims:
            break
        for victim in victims:
            try:
                os.kill(victim, signal.SIGKILL)
                killed += 1
            except (ProcessLookupError, PermissionError):
                pass
    return killed


def outer_pid(ancestor: int, inner: int) -> int | None:
    """The pid, as this process sees it, of the descendant of `ancestor` that is `inner` in
    its own PID namespace (the last entry of its NSpid line)."""
    for pid in descendants(ancestor):
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("NSpid:"):
                    if int(line.split()[-1]) == inner:
                        return pid
                    break
        except (OSError, ValueError):
            continue
    return None
