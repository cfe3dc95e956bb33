"""Rendering processes end with their build, however it ends (kill -9, the OOM killer, a CI time-out)."""
from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
import threading
from multiprocessing.connection import Connection

_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
# The forkserver's parent-death signal: one it handles, because it may only mean a thread has ended.
_FORKSERVER_SIGNAL = signal.SIGUSR1
EXIT_ORPHANED = 76


class Lifeline:
    """A pipe whose writing end only the build holds: when the build process is gone, however it
    ended, the kernel closes that end and every worker given `end` sees end-of-file and exits."""

    def __init__(self):
        self.end, self._held = multiprocessing.Pipe(duplex=False)

    def close(self) -> None:
        """The pool is shut down: let go of both ends."""
        self.end.close()
        self._held.close()


def hold(end: Connection) -> None:
    """In a worker: exit as soon as the build is gone. On Linux the forkserver's death kills the worker
    at once (its one thread forks every worker, so the signal cannot come from a mere thread's end);
    everywhere, a thread waits for end-of-file on the build's `end`."""
    signal.signal(_FORKSERVER_SIGNAL, signal.SIG_DFL)  # inherited from the forkserver: not ours to keep
    _set_parent_death_signal(signal.SIGKILL)
    threading.Thread(target=_exit_at_end_of_file, args=(end,), name="build-lifeline", daemon=True).start()


def tie_forkserver_to_build() -> None:
    """In the forkserver: exit when the build that started it is gone.

    Linux sends the parent-death signal when the *thread* that started a process ends, and a library
    user may build from a thread that ends while the build process lives on: the handler exits only
    once the forkserver has been re-parented. Elsewhere the forkserver stops by itself once its
    workers (see `hold`) and the build have closed its "alive" pipe."""
    parent, forkserver = os.getppid(), os.getpid()

    def parent_gone(signum, frame):
        if os.getpid() == forkserver and os.getppid() != parent:
            os._exit(EXIT_ORPHANED)

    signal.signal(_FORKSERVER_SIGNAL, parent_gone)
    if _set_parent_death_signal(_FORKSERVER_SIGNAL) and os.getppid() != parent:
        os._exit(EXIT_ORPHANED)  # the build died before the signal was set


def _set_parent_death_signal(signum: int) -> bool:
    """Ask Linux for `signum` when the parent (thread) ends; False where prctl is not to be had."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(_PR_SET_PDEATHSIG, int(signum), 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _exit_at_end_of_file(end: Connection) -> None:
    try:
        while True:
            end.recv_bytes()
    except (EOFError, OSError):
        os._exit(EXIT_ORPHANED)
