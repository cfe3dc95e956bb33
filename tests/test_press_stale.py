"""Print files of earlier builds: hand-outs a roster's schools share go when the roster no longer needs them."""
from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from solidarity_print.cli import cli

DAY = "black-lgbtq"


def build_roster(folder: Path, paper: str) -> tuple[Path, list[str]]:
    """A one-school English roster on `paper`, its flyers and two-up hand-outs, built into folder/out."""
    roster = folder / "schools.csv"
    roster.write_text(f"name,slug,languages,paper\nLincoln High,lincoln,en,{paper}\n", encoding="utf-8")
    out = folder / "out"
    result = CliRunner().invoke(cli, ["build", "--roster", str(roster), "--only", "flyers", "--handouts", "2",
                                      "--out", str(out), "--no-cache"])
    assert result.exit_code == 0, result.output
    files = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["files"]
    return out, [entry["path"] for entry in files]


def test_shared_handouts_the_roster_no_longer_needs_are_removed_with_their_manifest_entries(tmp_path):
    out, listed = build_roster(tmp_path, "letter")
    letter = [f"print/en/handouts/{DAY}-half-letter.pdf", f"print/en/handouts/{DAY}-2up-letter.pdf"]
    assert set(letter) <= set(listed) and all((out / path).is_file() for path in letter)

    out, listed = build_roster(tmp_path, "a4")  # the school now prints on A4: A5 hand-outs, two to an A4 sheet
    a4 = [f"print/en/handouts/{DAY}-a5.pdf", f"print/en/handouts/{DAY}-2up-a4.pdf"]
    assert set(a4) <= set(listed) and all((out / path).is_file() for path in a4)
    assert not [path for path in listed if path.endswith(("-half-letter.pdf", "-2up-letter.pdf"))]
    assert not [path for path in letter if (out / path).exists()]
