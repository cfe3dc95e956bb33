"""`solidarity-print new DIR`: an editable campaign folder to start from."""
from __future__ import annotations

import shutil
from pathlib import Path

from .errors import OutputError
from .resources import DEFAULT_CAMPAIGN

SAMPLE_ROSTER = """name,slug,club,contact_name,contact_email,meeting,languages,paper,audience,grade_band
Lincoln High School,lincoln-high,Lincoln GSA,Alex Rivera,arivera@example.org,Room 204 on Tuesdays at lunch,en;es,letter,both,high
Escuela Secundaria José Martí,jose-marti,Club de Solidaridad,María López,mlopez@example.org,Biblioteca los jueves 15:30,es;en,letter,student,middle
"""

OVERRIDES_README = """Files here replace the built-in theme files of the same name.

  templates/poster.html        replaces the focus-day poster template
  templates/strings/es.toml    changes individual Spanish theme words
  assets/css/poster.css        replaces the poster stylesheet

To change one block and keep the rest, start a template with
  {% extends "!default/poster.html" %}
and override only the block you need, e.g. {% block headline %}…{% endblock %}.
"""


def new_campaign(folder: Path) -> list[Path]:
    """Create `folder` with campaign.toml, the guide sections, a sample schools.csv and overrides/."""
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise OutputError(f"{folder} already exists and is not empty; choose a new folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy(DEFAULT_CAMPAIGN / "campaign.toml", folder / "campaign.toml")
        shutil.copytree(DEFAULT_CAMPAIGN / "guide", folder / "guide")
        (folder / "schools.csv").write_text(SAMPLE_ROSTER, encoding="utf-8")
        for sub in ("templates", "assets"):
            (folder / "overrides" / sub).mkdir(parents=True, exist_ok=True)
        (folder / "overrides" / "README.txt").write_text(OVERRIDES_README, encoding="utf-8")
    except OSError as exc:
        raise OutputError(f"cannot create {folder}: {exc.strerror or exc}") from None
    return sorted(p for p in folder.rglob("*") if p.is_file())
