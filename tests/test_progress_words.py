"""Progress that tells the truth: shared renders while no file finishes, then schools, files per second and time left."""
from __future__ import annotations

from types import SimpleNamespace

from click.testing import CliRunner

from solidarity_print.cli import cli
from solidarity_print.pipeline.progress import Tally


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def items(schools: int, files: int) -> list:
    return [SimpleNamespace(school=SimpleNamespace(slug=f"s{n}"), path=f"s{n}/{k}.pdf")
            for n in range(schools) for k in range(files)]


def test_while_shared_renders_are_made_the_words_still_move():
    clock, work = Clock(), items(3, 4)
    tally = Tally(work, shared=2, clock=clock)
    clock.now += 12
    first = tally.words()
    clock.now += 10
    assert first != tally.words()
    assert tally.words() == "making the 2 shared renders every school's files are drawn onto: 0 of 2 done, 22 s so far"
    tally.count(work[5])  # not one that starts a shared render
    tally.count(work[0])
    assert "1 of 2 done" in tally.words()


def test_schools_files_speed_and_time_left_are_counted_from_what_finished():
    clock, work = Clock(), items(4, 5)
    tally = Tally(work, shared=1, clock=clock)
    for item in work[:10]:
        clock.now += 0.5
        tally.count(item)
    assert tally.words() == "2 of 4 schools, 10 of 20 files, 2 files/s, 5 s left"
    for item in work[10:]:
        tally.count(item)
    assert tally.words().startswith("4 of 4 schools, 20 of 20 files")


def test_a_roster_build_on_the_command_line_reports_schools_done(tmp_path):
    roster = tmp_path / "schools.csv"
    roster.write_text("name,slug,languages\nSchool A,a,en\nSchool B,b,en\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["build", "--no-cache", "--out", str(tmp_path / "out"), "--roster", str(roster),
                                      "--only", "flyers", "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert "Rendering: 2 of 2 schools, 10 of 10 files" in result.output
