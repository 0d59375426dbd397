"""A fork server for sandboxes: TensorFlow is imported once, each kata's sandbox is forked.

Importing TensorFlow costs seconds; a grade starts one sandbox per kata. The judge starts
this process before any submission code exists, it imports the heavy libraries (and runs
no TensorFlow op, so no thread pool exists to be broken by fork), then forks one child per
request. The child becomes a sandbox exactly as `python -m tf_katas.grading.sandbox` would: own
session, own log, own folder and environment, limits and user applied before the kata is
imported.

Started as `python -m tf_katas.grading.zygote FD MODULE...`, FD a SOCK_SEQPACKET socket to the
judge, MODULEs the libraries to import ahead (those of PRELOAD the katas import).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import sys

PRELOAD = ("numpy", "tensorflow", "keras", "cv2", "matplotlib", "matplotlib.pyplot")


def _become_sandbox(config: dict, fd: int) -> None:
    try:
        os.setsid()
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        log = os.open(config["log"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.dup2(log, 1)
        os.dup2(log, 2)
        sys.stdout.reconfigure(write_through=True)
        os.chdir(config["cwd"])
        os.environ.clear()
        os.environ.update(config["env"])
        from tf_katas.grading.sandbox import serve

        serve(config, socket.socket(fileno=fd))
    finally:
        os._exit(0)


def main() -> None:
    control = socket.socket(fileno=int(sys.argv[1]))
    if sys.path and sys.path[0] in ("", os.getcwd()):
        sys.path.pop(0)  # the folder it was started in is no place to import from
    os.environ.setdefault("MPLBACKEND", "Agg")
    for name in sys.argv[2:]:
        if name in PRELOAD:
            __import__(name)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the kernel
    control.send(b'{"ready": true}')
    while True:
        message, fds, _, _ = socket.recv_fds(control, 1 << 16, 1)
        if not message:
            return
        pid = os.fork()
        if pid == 0:
            control.close()
            _become_sandbox(json.loads(message), fds[0])
        os.close(fds[0])
        control.send(json.dumps({"pid": pid}).encode())


if __name__ == "__main__":
    main()
