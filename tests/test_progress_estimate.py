"""Time left is told only once the build's own speed is measured, never from the files that waited for shared renders."""
from __future__ import annotations

from types import SimpleNamespace

from solidarity_print.pipeline.progress import Tally


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def kit(schools: int, per_school: int = 12) -> list:
    return [SimpleNamespace(school=SimpleNamespace(slug=f"s{n}"), path=f"s{n}/{k}.pdf")
            for n in range(schools) for k in range(per_school)]


def test_no_time_left_right_after_the_shared_renders_then_the_real_speed():
    clock, work = Clock(), kit(1000)
    tally = Tally(work, shared=24, clock=clock)
    for item in work[:24]:  # the shared renders take 16 s, their files finish one by one
        clock.now += 16.5 / 24
        tally.count(item)
    clock.now += 0.1
    words = tally.words()
    assert words.startswith("2 of 1,000 schools, 24 of 12,000 files, "), words
    assert "left" not in words and "measuring speed" in words, words
    for item in work[24:2024]:  # then 400 files a second for 5 s (392 counting the pause before them)
        clock.now += 1 / 400
        tally.count(item)
    words = tally.words()
    assert words == "168 of 1,000 schools, 2,024 of 12,000 files, 392 files/s, 25 s left", words


def test_a_pause_counts_against_the_speed_and_old_files_leave_the_window():
    clock, work = Clock(), kit(100)
    tally = Tally(work, shared=0, clock=clock)
    for item in work[:600]:  # 100 files a second for 6 s
        clock.now += 0.01
        tally.count(item)
    assert "100 files/s" in tally.words()
    clock.now += 6  # nothing finishes for 6 s: half the speed over the last 12 s
    assert "50 files/s" in tally.words()
    clock.now += 60  # all of that is older than the window: no speed to tell
    assert "measuring speed" in tally.words()


def test_a_build_without_shared_renders_waits_a_few_seconds_before_guessing():
    clock, work = Clock(), kit(10)
    tally = Tally(work, shared=0, clock=clock)
    clock.now += 0.5
    for item in work[:3]:
        tally.count(item)
    assert tally.words() == "0 of 10 schools, 3 of 120 files, measuring speed"
    clock.now += 4
    assert tally.words() == "0 of 10 schools, 3 of 120 files, measuring speed"  # too few files to tell
    for item in work[3:12]:
        tally.count(item)
    assert tally.words() == "1 of 10 schools, 12 of 120 files, 3 files/s, 40 s left"
