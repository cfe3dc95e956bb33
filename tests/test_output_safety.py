"""Output guarantees: nothing half-written at a final path, killed builds recover, clear output errors."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pikepdf
import pytest
from click.testing import CliRunner

from solidarity_print.build import BuildOptions, build
from solidarity_print.cli import cli
from solidarity_print.errors import OutputError
from solidarity_print.pipeline.output import check_unique_paths, safe_join

ROSTER = "name,languages\n" + "".join(f"School Number {n},en\n" for n in range(1, 5))


def final_pdfs(out: Path) -> list[Path]:
    return [p for p in out.rglob("*.pdf") if not any(part.startswith(".staging-") for part in p.relative_to(out).parts)]


def test_build_killed_with_sigkill_leaves_no_broken_pdf_and_a_rerun_completes(tmp_path):
    roster = tmp_path / "schools.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    out = tmp_path / "out"
    command = [sys.executable, "-m", "solidarity_print", "build", "--roster", str(roster), "--out", str(out)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not list(out.glob(".staging-*/**/*.pdf")):
        time.sleep(0.2)
    assert process.poll() is None, "the build finished before it could be killed"
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    for pdf in final_pdfs(out):
        with pikepdf.open(pdf):
            pass
    result = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    entries = json.loads((out / "manifest.json").read_text())["files"]
    assert sum(e["kind"] == "packet" for e in entries) == 4
    for entry in entries:
        with pikepdf.open(out / entry["path"]) as pdf:
            assert len(pdf.pages) == entry["pages"]
    assert not list(out.glob(".staging-*"))


def test_a_failed_render_writes_nothing_into_an_existing_folder(tmp_path):
    campaign = tmp_path / "c"
    assert CliRunner().invoke(cli, ["new", str(campaign)]).exit_code == 0
    (campaign / "overrides/templates/flyer.html").write_text("{{ no_such_value }}", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine", encoding="utf-8")
    result = CliRunner().invoke(cli, ["build", "--campaign", str(campaign / "campaign.toml"), "--out", str(out), "--lang", "en"])
    assert result.exit_code == 1 and "flyer.html" in result.output and "no_such_value" in result.output
    assert sorted(p.name for p in out.iterdir()) == ["keep.txt"]


def test_two_outputs_claiming_one_path_is_an_error():
    with pytest.raises(OutputError, match="same file"):
        check_unique_paths(["lincoln/en/packet.pdf", "Lincoln/en/packet.pdf"])
    with pytest.raises(OutputError, match="outside"):
        safe_join(Path("/tmp/out"), "../escape.pdf")


def test_unwritable_output_folder_is_a_clear_error(tmp_path):
    blocker = tmp_path / "file-not-folder"
    blocker.write_text("x", encoding="utf-8")
    result = CliRunner().invoke(cli, ["build", "--out", str(blocker / "dist"), "--lang", "en", "--only", "flyers"])
    assert result.exit_code == 1
    assert str(blocker) in result.output and "Traceback" not in result.output


def test_render_time_limit_stops_a_runaway_template(tmp_path):
    from solidarity_print.pipeline.workers import Limits
    campaign = tmp_path / "c"
    assert CliRunner().invoke(cli, ["new", str(campaign)]).exit_code == 0
    # Thousands of pages: legal, but far more work than one second allows.
    (campaign / "overrides/templates/guide.html").write_text(
        '{% extends "!default/guide.html" %}{% block body %}' + '<p style="break-after: page">x</p>' * 4000 + "{% endblock %}",
        encoding="utf-8")
    started = time.monotonic()
    with pytest.raises(Exception) as caught:
        build(campaign / "campaign.toml", tmp_path / "out", BuildOptions(languages=("en",), only=("guide",),
                                                                         limits=Limits(seconds=2), workers=1))
    assert time.monotonic() - started < 60
    assert "guide.html" in str(caught.value) and "longer than 2 s" in str(caught.value)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("headline, message", [
    ("<div>" * 3000 + "deep" + "</div>" * 3000, "nested too deeply"),
    ('<span style="font-size: 1e9px">huge</span>', "font size of 1e+09px"),
])
def test_hostile_override_ends_with_a_clear_error_in_bounded_time(tmp_path, headline, message):
    campaign = tmp_path / "c"
    assert CliRunner().invoke(cli, ["new", str(campaign)]).exit_code == 0
    (campaign / "overrides/templates/poster.html").write_text(
        '{% extends "!default/poster.html" %}{% block headline %}' + headline + "{% endblock %}", encoding="utf-8")
    out = tmp_path / "out"
    started = time.monotonic()
    result = CliRunner().invoke(cli, ["build", "--campaign", str(campaign), "--out", str(out), "--lang", "en",
                                      "--only", "posters", "--no-cache"])
    assert time.monotonic() - started < 120
    assert result.exit_code == 1 and "poster.html" in result.output and message in result.output, result.output
    assert "Traceback" not in result.output and not out.exists()


def test_svg_use_bomb_is_stopped_by_the_time_limit(tmp_path):
    from solidarity_print.pipeline.workers import Limits
    campaign = tmp_path / "c"
    assert CliRunner().invoke(cli, ["new", str(campaign)]).exit_code == 0
    levels = '<g id="a0"><rect width="1" height="1"/></g>' + "".join(
        f'<g id="a{i}">' + f'<use href="#a{i - 1}"/>' * 4 + "</g>" for i in range(1, 14))
    svg = f'<svg aria-label="pattern" width="100" height="100"><defs>{levels}</defs><use href="#a13"/></svg>'
    (campaign / "overrides/templates/poster.html").write_text(
        '{% extends "!default/poster.html" %}{% block headline %}' + svg + "{% endblock %}", encoding="utf-8")
    started = time.monotonic()
    with pytest.raises(Exception) as caught:
        build(campaign, tmp_path / "out", BuildOptions(languages=("en",), only=("posters",), limits=Limits(seconds=10)))
    assert time.monotonic() - started < 90
    assert "poster.html" in str(caught.value) and "longer than 10 s" in str(caught.value)
    assert not (tmp_path / "out").exists()
