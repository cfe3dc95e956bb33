"""`solidarity-print new DIR`: an editable campaign folder to start from."""
from __future__ import annotations

import shutil
from pathlib import Path

from ..errors import OutputError
from ..resources import DEFAULT_CAMPAIGN

SAMPLE_ROSTER = """name,slug,club,contact_name,contact_email,meeting,languages,paper,audience,grade_band
Lincoln High School,lincoln-high,Lincoln GSA,Alex Rivera,arivera@example.org,Room 204 on Tuesdays at lunch,en;es,letter,both,high
Escuela Secundaria José Martí,jose-marti,Club de Solidaridad,María López,mlopez@example.org,Biblioteca los jueves 15:30,es;en,letter,student,middle
"""

OVERRIDES_README = """Change the design here; the package itself stays as it is. `solidarity-print theme` lists
every built-in template with its blocks, the values it uses and the theme's words.

One rule, one change: put CSS in
  assets/css/extra.css         loaded after the built-in styles by every template, e.g.
                               .poster .kicker { text-transform: none; }
                               :root { --ink: #000000; }

One part of a page: start a template with {% extends "!default/NAME.html" %} and redefine one block.
  templates/poster.html        blocks kicker, date, headline, label, summary, actions, qr_footer
  templates/flyer.html         blocks kicker, headline, date, summary, why, actions, qr_footer
  templates/week.html          blocks headline, date, tagline, days, welcome, qr_footer
e.g. templates/poster.html:
  {% extends "!default/poster.html" %}
  {% block headline %}Our GSA stands with you{% endblock %}

Whole files: a file here replaces the built-in file of the same name.
  templates/partials/qr_footer.html   replaces the QR footer of posters and flyers
  templates/strings/es.toml    changes individual Spanish theme words (only the keys you list)
  assets/css/poster.css        replaces the whole poster stylesheet
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
