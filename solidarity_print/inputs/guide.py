"""Guide sections: Markdown files with TOML front matter, per language, to model and to safe HTML."""
from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

from markdown_it import MarkdownIt
from mdit_py_plugins.attrs import attrs_plugin

from ..errors import ProblemCollector
from ..model import GuideSection
from ..resources import DEFAULT_CAMPAIGN

SECTION_AUDIENCES = ("student", "educator", "both")
FENCE = "+++"


def guide_folder(campaign_folder: Path) -> Path:
    """The campaign's own guide/ folder, or the built-in guide when the campaign has none."""
    own = campaign_folder / "guide"
    return own if own.is_dir() else DEFAULT_CAMPAIGN / "guide"


def load_sections(campaign_folder: Path, languages: tuple[str, ...], problems: ProblemCollector) -> tuple[GuideSection, ...]:
    """Every guide section of every declared language; each language must have the same sections."""
    folder = guide_folder(campaign_folder)
    sections: list[GuideSection] = []
    names_by_lang = {}
    for lang in languages:
        files = sorted((folder / lang).glob("*.md"))
        if not files:
            problems.add("", f"no guide sections for declared language {lang!r}", file=f"{folder / lang}/")
            continue
        names_by_lang[lang] = {f.name for f in files}
        sections += [s for s in (_read_section(f, lang, problems) for f in files) if s]
    every = set().union(*names_by_lang.values()) if names_by_lang else set()
    for lang, names in names_by_lang.items():
        for name in sorted(every - names):
            problems.add("", f"missing: the section exists in another language but not in {lang!r}",
                         file=str(folder / lang / name))
    return tuple(sections)


def _read_section(path: Path, lang: str, problems: ProblemCollector) -> GuideSection | None:
    where = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        problems.add("", f"cannot be read as UTF-8 text: {exc}", file=where)
        return None
    lines = text.splitlines()
    if not lines or lines[0].strip() != FENCE or FENCE not in (l.strip() for l in lines[1:]):
        problems.add("", f"must start with front matter between {FENCE} lines (audience = \"student\")", file=where, line=1)
        return None
    close = 1 + [l.strip() for l in lines[1:]].index(FENCE)
    try:
        meta = tomllib.loads("\n".join(lines[1:close]))
    except tomllib.TOMLDecodeError as exc:
        problems.add("", f"front matter is not valid TOML: {exc}", file=where, line=2)
        return None
    audience = meta.get("audience")
    if audience not in SECTION_AUDIENCES or meta.keys() - {"audience"}:
        problems.add("", f"front matter must be only audience = one of {', '.join(SECTION_AUDIENCES)}", file=where, line=2)
        return None
    body = lines[close + 1:]
    heading = next((i for i, l in enumerate(body) if l.strip()), None)
    if heading is None or not body[heading].startswith("# "):
        problems.add("", "the section must open with a '# Title' heading", file=where, line=close + 2 + (heading or 0))
        return None
    return GuideSection(slug=path.stem, lang=lang, audience=audience, title=body[heading][2:].strip(),
                        markdown="\n".join(body[heading + 1:]), source=where)


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    # Raw HTML is off: guide text is data, and `[term]{lang="en"}` spans mark passages in another language.
    return MarkdownIt("commonmark", {"html": False}).use(attrs_plugin, spans=True, allowed=["lang"])


def to_html(markdown: str, shift: int = 1) -> str:
    """Markdown to HTML with headings pushed down `shift` levels (the section title sits above them)."""
    md = _markdown()
    tokens = md.parse(markdown)
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(6, int(token.tag[1]) + shift)}"
    return md.renderer.render(tokens, md.options, {})


def inline_to_html(markdown: str) -> str:
    """One line of Markdown (a heading's text) to inline HTML, keeping `{lang=…}` spans."""
    return _markdown().renderInline(markdown)
