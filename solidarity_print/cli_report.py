"""How the command line reports: our errors as messages on stderr and exit code 1, a build as one line."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from .errors import InputError, SolidarityError
from .resources import DEFAULT_CAMPAIGN

EXIT_PROBLEMS = 1


def build_summary(result) -> str:
    """'Built the built-in campaign "Solidarity Week 2023": 26 PDFs (49 pages, 1.2 MB) in 5.2 s, 0 from
    the cache; removed 0 stale files; dist/manifest.json' (packets and schools counted with a roster)."""
    entries = result.entries
    pages = sum(entry.pages for entry in entries)
    packets = sum(entry.kind == "packet" for entry in entries)
    schools = len({entry.school for entry in entries if entry.school})
    size = sum((result.out / entry.path).stat().st_size for entry in entries) / 1e6
    packet_words = f", {packets} packet{'s' if packets != 1 else ''} for {schools} school{'s' if schools != 1 else ''}" if packets else ""
    kept = f", kept {result.kept} file{'s' if result.kept != 1 else ''} of earlier builds" if result.kept else ""
    return (f"Built {campaign_words(result.campaign)}: {len(entries)} PDF{'s' if len(entries) != 1 else ''} "
            f"({pages} pages{packet_words}, {size:.1f} MB) in {result.seconds:.1f} s, {result.cached} from the cache; "
            f"removed {result.removed} stale file{'s' if result.removed != 1 else ''}{kept}; {result.manifest}")


def campaign_words(campaign) -> str:
    """'the built-in campaign "Solidarity Week 2023"' or '"Our Week" (campaign.toml)': which campaign a build used."""
    name = campaign.name[campaign.languages[0]]
    if campaign.source == (DEFAULT_CAMPAIGN / "campaign.toml").resolve():
        return f'the built-in campaign "{name}"'
    try:
        where = campaign.source.relative_to(Path.cwd().resolve())
    except ValueError:
        where = campaign.source
    return f'"{name}" ({where})'


def reporting(action):
    """Run `action`; report our errors on stderr (every problem, one per line) and exit 1."""
    try:
        result = action()
    except InputError as exc:
        errors = [p for p in exc.problems if not p.warning]
        warnings = [p for p in exc.problems if p.warning]
        also = f" (and {len(warnings)} warning{'s' if len(warnings) != 1 else ''})" if warnings else ""
        click.echo(f"error: {len(errors)} problem{'s' if len(errors) != 1 else ''} found{also}:", err=True)
        for problem in errors + warnings:  # each warning's own text says "warning:"
            click.echo(f"  {problem}", err=True)
        sys.exit(EXIT_PROBLEMS)
    except SolidarityError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_PROBLEMS)
    for warning in getattr(result, "warnings", ()):
        click.echo(f"  {warning}", err=True)
    return result
