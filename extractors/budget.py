"""The time budget of one document: a hostile rule or input must stop, be reported, and let a batch go on.

In a process's main thread (the CLI, ingest workers, the benchmark) the budget is one interval timer: the
`regex` engine checks for signals while it matches, so the alarm stops even a runaway match, and ordinary
matches pay nothing for it. Elsewhere (Streamlit runs pages in a worker thread, Dask tasks run in threads)
signals cannot be used, so each match carries the time left as its own timeout instead.

>>> with Budget(5.0, "a.txt") as budget:
...     budget.match_timeout() is None or budget.match_timeout() > 0
True
"""

from __future__ import annotations

import signal
import threading
import time
from types import FrameType, TracebackType

from extractors.errors import BudgetExceeded


class Expired(BaseException):
    """Raised by the alarm. A BaseException, so that no `except Exception` on the way can swallow it."""


class Budget:
    """`with Budget(seconds, path) as budget:` around the work on one document."""

    def __init__(self, seconds: float, path: str) -> None:
        self.seconds = seconds
        self.path = path
        self.deadline = 0.0
        self.by_alarm = False
        self._armed = False
        self._previous: object = None

    def __enter__(self) -> Budget:
        self.deadline = time.monotonic() + self.seconds
        self.by_alarm = _alarm_is_free()
        if self.by_alarm:
            self._previous = signal.signal(signal.SIGALRM, self._ring)
            self._armed = True
            signal.setitimer(signal.ITIMER_REAL, self.seconds)
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if self.by_alarm:
            self._armed = False  # first: an alarm that still arrives now is ignored
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self._previous)  # type: ignore[arg-type]

    def _ring(self, signum: int, frame: FrameType | None) -> None:
        if self._armed:
            self._armed = False
            raise Expired

    def exceeded(self, what: str = "extraction") -> BudgetExceeded:
        return BudgetExceeded(f"{self.path}: {what} took longer than {self.seconds:g} s")

    def check(self) -> None:
        """Raise BudgetExceeded once the time is up (the cheap test between sentences)."""
        if time.monotonic() > self.deadline:
            raise self.exceeded()

    def match_timeout(self) -> float | None:
        """The timeout to pass to one `regex` match: None when the alarm guards the document."""
        if self.by_alarm:
            return None
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise self.exceeded()
        return remaining


def _alarm_is_free() -> bool:
    """Whether this thread may use SIGALRM: the main thread, on a system with it, with nobody else using it."""
    return (hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
            and signal.getsignal(signal.SIGALRM) in (signal.SIG_DFL, None)
            and signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0))
