"""Child processes that end with careersite and never hold its locks.

Ctrl-C signals a whole process group, but `kill PID`, a CI step's timeout or
the out-of-memory killer end careersite's own process alone. A worker left
behind would live on with parent 1, blocked on a pipe, holding by fork the
locks of write.one_build_at_a_time: every later build would wait for it
forever. So on Linux each child asks the kernel to kill it when its parent
ends (PR_SET_PDEATHSIG; the signal follows the thread that started the
child, which here always outlives it), a forked child closes the locks'
descriptors at once, and SIGTERM ends the main process as Ctrl-C does.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal
import sys
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from types import FrameType

_PR_SET_PDEATHSIG = 1
_private: set[int] = set()  # descriptors no child may keep: the build's locks

# Run by an exec'd child before the program: die with the parent, or go at once
# when the parent is gone already (it may end between the fork and the prctl).
_LAUNCH = (
    "import ctypes, os, sys\n"
    f"ctypes.CDLL(None).prctl({_PR_SET_PDEATHSIG}, {int(signal.SIGKILL)})\n"
    "if os.getppid() != int(sys.argv[1]):\n"
    "    os._exit(1)\n"
    "os.execv(sys.argv[2], sys.argv[2:])\n"
)


def private(handle: int) -> int:
    """handle, which no forked child keeps open (a lock must end with this process)."""
    _private.add(handle)
    return handle


def close(handle: int) -> None:
    _private.discard(handle)
    os.close(handle)


def _after_fork() -> None:
    for handle in _private:
        with contextlib.suppress(OSError):
            os.close(handle)  # not flock(LOCK_UN): that would free the parent's lock too
    _private.clear()
    with contextlib.suppress(ValueError):  # the main process's handler is not the child's
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork)


def die_with(parent: int) -> None:
    """In a new child of parent: be killed when parent ends."""
    if sys.platform == "linux":
        ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:
        os._exit(1)


def command(argv: list[str]) -> list[str]:
    """argv to run a program (argv[0], a path) as a child that dies with this process."""
    if sys.platform != "linux":
        return argv
    return [sys.executable, "-I", "-S", "-c", _LAUNCH, str(os.getpid()), *argv]


@contextlib.contextmanager
def pool(count: int) -> Iterator[ProcessPoolExecutor]:
    """count worker processes that die with this one, forked where fork exists.

    When the block raises (an error, Ctrl-C, SIGTERM), the workers are killed
    rather than waited for: what they would finish is of no use any more.
    """
    context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
    executor = ProcessPoolExecutor(
        count, mp_context=context, initializer=die_with, initargs=(os.getpid(),)
    )
    try:
        yield executor
    except BaseException:
        for worker in list((executor._processes or {}).values()):
            with contextlib.suppress(OSError):
                worker.kill()
        executor.shutdown(cancel_futures=True)
        raise
    executor.shutdown()


class Terminated(SystemExit):
    """SIGTERM reached the main process; it ends with status 143, as a shell reports it."""


def _terminate(signum: int, frame: FrameType | None) -> None:
    raise Terminated(128 + signum)


@contextlib.contextmanager
def terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM raises Terminated here, so that the build cleans up as after Ctrl-C."""
    try:
        before = signal.signal(signal.SIGTERM, _terminate)
    except ValueError:  # not the main thread: leave the signal alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, before)
