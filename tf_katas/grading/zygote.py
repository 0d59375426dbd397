"""A fork server for sandboxes: TensorFlow is imported once, each kata's sandbox is forked.

Importing TensorFlow costs seconds; a grade starts one sandbox per kata. The judge starts
this process before any submission code exists, it imports the heavy libraries (and runs
no TensorFlow op, so no thread pool exists to be broken by fork), then forks one child per
request. The child becomes a sandbox exactly as `python -m tf_katas.grading.sandbox` would: own
session, own log, own folder and environment, limits and user applied before the kata is
imported.

Started as `python -I -m tf_katas.grading.zygote FD [--user=UID] MODULE...` (isolated mode,
from a folder of root's: nothing on sys.path the submission could have planted), FD a
SOCK_SEQPACKET socket to the judge, UID the user to become before anything else (in a
bubblewrap sandbox, started as root), MODULEs the libraries to import ahead (those of
PRELOAD the katas import). Each request carries the sandbox's socket and the judge's log
file for it: the fork server opens no file.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import sys

PRELOAD = ("numpy", "tensorflow", "keras", "cv2", "matplotlib", "matplotlib.pyplot")


def become_user(uid: int) -> None:
    """Root in a bubblewrap sandbox becomes `uid`, for good: no groups, no capabilities,
    no way back through a set-user-ID program."""
    from tf_katas.grading.procs import no_new_privileges

    no_new_privileges()
    os.setgroups([])
    os.setgid(uid)
    os.setuid(uid)
    if os.getuid() != uid or os.geteuid() != uid:
        raise SystemExit("could not drop privileges")


def _become_sandbox(config: dict, fd: int, log: int) -> None:
    try:
        os.setsid()
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.dup2(log, 1)
        os.dup2(log, 2)
        os.close(log)
        sys.stdout.reconfigure(write_through=True)
        os.makedirs(config["cwd"], mode=0o700, exist_ok=True)
        os.chdir(config["cwd"])
        os.environ.clear()
        os.environ.update(config["env"])
        from tf_katas.grading.sandbox import serve

        serve(config, socket.socket(fileno=fd))
    finally:
        os._exit(0)


def main() -> None:
    control = socket.socket(fileno=int(sys.argv[1]))
    modules = sys.argv[2:]
    if modules and modules[0].startswith("--user="):
        become_user(int(modules.pop(0).removeprefix("--user=")))
    if sys.path and sys.path[0] in ("", os.getcwd()):
        sys.path.pop(0)  # the folder it was started in is no place to import from
    os.environ.setdefault("MPLBACKEND", "Agg")
    for name in modules:
        if name in PRELOAD:
            __import__(name)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the kernel
    control.send(b'{"ready": true}')
    while True:
        message, fds, _, _ = socket.recv_fds(control, 1 << 16, 2)
        if not message:
            return
        pid = os.fork()
        if pid == 0:
            control.close()
            _become_sandbox(json.loads(message), fds[0], fds[1])
        for fd in fds:
            os.close(fd)
        control.send(json.dumps({"pid": pid}).encode())


if __name__ == "__main__":
    main()
