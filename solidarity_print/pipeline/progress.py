"""Where a running build stands, in words: schools and files done, files per second, time left."""
from __future__ import annotations

import time
from bisect import bisect_left
from collections import Counter, deque
from collections.abc import Callable, Collection, Iterable, Iterator
from itertools import islice

RATE_WINDOW = 30.0  # seconds of finished files the speed is measured over: recent, yet steady
# No time left is told before the speed has been measured this long and over this many files: the
# first files to finish are those that waited for the shared renders, and say nothing of the rest.
MEASURE_SECONDS = 3.0
MEASURE_FILES = 5


class Tally:
    """Counts a build's finished items; `words()` says where it stands at any moment, also while the
    shared renders every school's files are drawn onto are being made and no file finishes."""

    def __init__(self, items: Collection, shared: int = 0, clock: Callable[[], float] = time.monotonic):
        """`items` are the build's Work (a school's carry `school`), a list or a work_list.Plan (which
        counts a school's files when asked: files_of); the first `shared` of them each start a shared render."""
        self.clock = clock
        self.started = clock()
        self.files = len(items)
        self.shared = shared
        self.leaders = {item.path for item in islice(items, shared)}  # what a shared render waits for
        self.files_of = getattr(items, "files_of", None)
        if self.files_of is None:  # a list: counted here
            counts = Counter(item.school.slug for item in items if item.school is not None)
            self.files_of, self.schools = (lambda school: counts[school.slug]), len(counts)
        else:
            self.schools = items.schools
        self.left_per_school: dict[str, int] = {}  # the schools with files still to finish, once one has
        self.done = self.schools_done = self.shared_done = 0
        self.recent: deque[float] = deque()  # when each of the recent files finished
        self.measured_from = self.started  # speed counts from here: the start, or the end of the shared renders

    def count(self, item) -> None:
        """One more item finished."""
        now = self.clock()
        self.done += 1
        if item.path in self.leaders:
            self.shared_done += 1
            if self.shared_done == self.shared:  # from now on files finish at the build's own pace
                self.recent.clear()
                self.measured_from = now
                self._count_school(item)
                return
        self._count_school(item)
        self.recent.append(now)
        while self.recent and now - self.recent[0] > RATE_WINDOW:
            self.recent.popleft()

    def _count_school(self, item) -> None:
        if item.school is not None:
            if item.school.slug not in self.left_per_school:
                self.left_per_school[item.school.slug] = self.files_of(item.school)
            self.left_per_school[item.school.slug] -= 1
            if not self.left_per_school[item.school.slug]:
                self.schools_done += 1
                del self.left_per_school[item.school.slug]

    def rate(self) -> float:
        """Files per second over the last RATE_WINDOW seconds since the shared renders were done; 0
        until it has been measured for MEASURE_SECONDS and over MEASURE_FILES files."""
        recent = list(self.recent)  # a copy made in one step: the build's thread appends while a display reads
        now = max(self.clock(), recent[-1] if recent else 0.0)
        since = max(self.measured_from, now - RATE_WINDOW)
        finished = len(recent) - bisect_left(recent, since)
        if now - self.measured_from < MEASURE_SECONDS or finished < MEASURE_FILES:
            return 0.0
        return finished / (now - since)

    def words(self) -> str:
        """'1,204 of 5,000 schools, 14,448 of 60,000 files, 310 files/s, 2 min 27 s left'."""
        elapsed = self.clock() - self.started
        if self.shared_done < self.shared:
            return (f"making the {self.shared} shared renders every school's files are drawn onto: "
                    f"{self.shared_done} of {self.shared} done, {_duration(elapsed)} so far")
        parts = [f"{self.schools_done:,} of {self.schools:,} schools"] if self.schools else []
        parts.append(f"{self.done:,} of {self.files:,} files")
        rate = self.rate()
        if self.done < self.files:
            parts.append(f"{rate:,.0f} files/s, {_duration((self.files - self.done) / rate)} left" if rate
                         else "measuring speed")
        else:
            parts.append(f"{_duration(elapsed)}")
        return ", ".join(parts)

    def track(self, finished: Iterable) -> Iterator:
        """`finished` ((item, outcome) pairs), counted as they pass."""
        for pair in finished:
            self.count(pair[0])
            yield pair


class Tracked:
    """The finished items of a build, with their Tally (what a progress display reads)."""

    def __init__(self, finished: Iterable, tally: Tally):
        self.tally = tally
        self._pairs = tally.track(finished)

    def __iter__(self) -> Iterator:
        return self._pairs


def _duration(seconds: float) -> str:
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60} min"


class ProgressLine:
    """Redraws a Tally's words on a terminal every second (one line, rewritten in place), or prints
    them every ten seconds to a log; a thread keeps it moving while no file finishes."""

    def __init__(self, tally: Tally, stream, every: float | None = None):
        import threading
        self.tally, self.stream = tally, stream
        self.live = getattr(stream, "isatty", lambda: False)()
        self.every = every or (1.0 if self.live else 10.0)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.width = 0

    def _show(self, end: str = "") -> None:
        words = f"Rendering: {self.tally.words()}"
        if self.live:
            self.stream.write("\r" + words.ljust(self.width) + end)
            self.width = len(words)
        else:
            self.stream.write(words + "\n")
        self.stream.flush()

    def _run(self) -> None:
        while not self.stop.wait(self.every):
            self._show()

    def __enter__(self) -> "ProgressLine":
        self.thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop.set()
        self.thread.join()
        self._show("\n")
