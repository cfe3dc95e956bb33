"""Where the built-in templates, assets and default campaign live, installed or in a source checkout."""
from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def _shipped(name: str) -> Path:
    # A wheel carries templates/ and assets/ inside the package; a source checkout has them beside it.
    inside = PACKAGE / name
    return inside if inside.is_dir() else PACKAGE.parent / name


TEMPLATES = _shipped("templates")
ASSETS = _shipped("assets")
DEFAULT_CAMPAIGN = PACKAGE / "default_campaign"
