"""The web page's words in each campaign language: the theme's strings files (web_* keys), English where a language lacks one."""
from __future__ import annotations

import tomllib
from functools import lru_cache

from ..model import Campaign
from ..resources import TEMPLATES


@lru_cache(maxsize=1)
def _english() -> dict[str, str]:
    data = tomllib.loads((TEMPLATES / "strings" / "en.toml").read_text(encoding="utf-8"))
    return {key: value for key, value in data.items() if key.startswith("web_")}


def words(campaign: Campaign, lang: str) -> dict[str, str]:
    """Every web_* word for `lang`, with the prefix dropped: words(c, 'es')['submit']."""
    found = dict(_english())
    found.update({key: value for key, value in campaign.strings.get(lang, {}).items() if key.startswith("web_")})
    return {key[4:]: value for key, value in found.items()}


def page_language(campaign: Campaign, wanted: str | None) -> str:
    """The language asked for with ?lang= when the campaign has it, else the campaign's first."""
    return wanted if wanted in campaign.languages else campaign.languages[0]
