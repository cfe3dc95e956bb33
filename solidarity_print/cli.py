"""The command line: the only place that turns errors into messages and exit codes."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from click.core import ParameterSource

from .build import BuildOptions, build
from .cli_report import EXIT_PROBLEMS, build_summary, reporting
from .errors import OptionError
from .inputs.config import load_campaign
from .inputs.roster import load_roster
from .inputs.scaffold import new_campaign
from .inputs.template_check import check_templates
from .inputs.translate import translate
from .inputs.translation_check import pending as pending_translations
from .pdf.packet import PacketOptions
from .pipeline.cache import default_folder
from .pipeline.cluster import dask_executor
from .pipeline.plan import KIND_ALIASES, KINDS, PAPERS
from .pipeline.progress import ProgressLine


def _csv_choice(choices: tuple[str, ...], aliases: dict[str, str]):
    def convert(ctx, param, value):
        if value is None:
            return None
        items = tuple(aliases.get(v, v) for v in (v.strip() for v in value.split(",")) if v)
        bad = [v for v in items if choices and v not in choices]
        if bad or not items:
            raise click.BadParameter(f"{value!r}: choose from {', '.join(choices)}")
        return tuple(dict.fromkeys(items))
    return convert


def _campaign_here(campaign_file: Path | None) -> Path | None:
    """--campaign if given, else ./campaign.toml if there is one (as mkdocs reads ./mkdocs.yml), else
    None: the built-in campaign."""
    if campaign_file is None and Path("campaign.toml").is_file():
        return Path("campaign.toml")
    return campaign_file


def _usage_mistakes(action):
    """`action`, with an option the library finds naming nothing or doing nothing reported as a usage mistake (exit 2)."""
    def run():
        try:
            return action()
        except OptionError as exc:
            raise click.UsageError(str(exc), ctx=click.get_current_context(silent=True)) from None
    return run


def _languages(ctx, param, value):
    if value is None:
        return None
    items = tuple(v.strip() for v in value.split(",") if v.strip())
    if not items:
        raise click.BadParameter("give language codes like en,es")
    return items


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="solidarity-print")
def cli():
    """Print-ready, accessible Solidarity Week posters, flyers, guides and school packets."""


@cli.command("build")
@click.option("--campaign", "campaign_file", type=click.Path(path_type=Path),
              help="campaign.toml, or its folder, to build (default: ./campaign.toml if there is one, "
                   "else the built-in Solidarity Week 2023 campaign).")
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), default=Path("dist"), show_default=True,
              help="Folder to write the PDFs and manifest.json into.")
@click.option("--lang", "languages", callback=_languages, help="Languages to build, e.g. en,es (default: all).")
@click.option("--only", callback=_csv_choice(KINDS, KIND_ALIASES),
              help=f"Materials to build: {','.join(KINDS)} (default: all; 'guide' means guides).")
@click.option("--paper", type=click.Choice(sorted(PAPERS)),
              help="Poster paper (default: tabloid; with --roster, each school's poster_paper, else A3 for A4 "
                   "schools and tabloid for the others); flyers and guides use letter, or A4 with a4/a3 posters.")
@click.option("--print-shop", is_flag=True,
              help="Also write a print-shop file (PDF/X-4, bleed, crop marks) of every poster, flyer and packet, "
                   "and print/job-ticket.csv and .json listing what to print and how many.")
@click.option("--tile", type=click.Choice(["letter", "a4"]),
              help="Also write each tabloid or A3 poster tiled on letter or A4 sheets, under print/.")
@click.option("--overlap", type=float, metavar="INCHES", help="How far the tiles of --tile overlap (default: 0.5).")
@click.option("--booklet", is_flag=True,
              help="Also write each guide, excerpt and packet guide as a booklet to print double-sided and fold.")
@click.option("--ink", type=click.Choice(["color", "black"]), default="color", show_default=True,
              help="black: also a black-and-white twin of every poster and flyer for office printers, "
                   "print/…-black.pdf (patterns instead of colour fills).")
@click.option("--handouts", type=click.Choice(["2", "4"]),
              help="Also each day's hand-out under print/…/handouts/: 2 = half-letter/A5 flyer, 4 = quarter-letter/A6 "
                   "card, alone (tagged) and 2 or 4 to a letter/A4 sheet with cut marks.")
@click.option("--roster", type=click.Path(path_type=Path, dir_okay=False),
              help="schools.csv: build each school's posters, flyers and packets instead.")
@click.option("--school", "schools", multiple=True, metavar="SLUG", help="Only this school of the roster (repeatable).")
@click.option("--duplex", is_flag=True, help="Start every packet piece on a right-hand page, for double-sided printing.")
@click.option("--posters", "poster_mode", type=click.Choice(["own", "fit"]), default="own", show_default=True,
              help="In packets, keep posters at their own size, or draw them on the packet's paper.")
@click.option("--workers", type=click.IntRange(min=1), help="Rendering processes (default: one per core).")
@click.option("--cache", "cache_folder", type=click.Path(path_type=Path, file_okay=False), default=default_folder,
              show_default="~/.cache/solidarity-print", help="Keep finished files here and reuse them in later builds.")
@click.option("--no-cache", is_flag=True, help="Render everything afresh and leave the cache alone.")
@click.option("--cache-cap", metavar="SIZE", help="Largest size of the cache, e.g. 500MB (default: "
                                                  "$SOLIDARITY_PRINT_CACHE_CAP, else 2GB); least recently used files go first.")
@click.option("--scheduler", metavar="tcp://HOST:PORT", help="Render on a Dask distributed cluster instead of local processes.")
@click.option("--preflight", "run_preflight", is_flag=True,
              help="Then check every file written, as `solidarity-print preflight OUT` does (exit 1 on errors).")
def build_command(campaign_file, out, languages, only, paper, print_shop, tile, overlap, booklet, ink, handouts, roster,
                  schools, duplex, poster_mode, workers, cache_folder, no_cache, cache_cap, scheduler, run_preflight):
    """Build every poster, flyer and guide of a campaign, or every school's packet with --roster."""
    if workers and scheduler:
        raise click.UsageError("--workers does nothing with --scheduler: the cluster's workers render")
    if no_cache and click.get_current_context().get_parameter_source("cache_folder") != ParameterSource.DEFAULT:
        raise click.UsageError("--cache does nothing with --no-cache: give one of them")
    campaign_file = _campaign_here(campaign_file)
    options = BuildOptions(languages=languages, only=only or KINDS, paper=paper, roster=roster, schools=schools,
                           packets=PacketOptions(duplex=duplex, posters=poster_mode), workers=workers,
                           cache=None if no_cache else cache_folder, cache_cap=cache_cap, print_shop=print_shop,
                           tile=tile, overlap=overlap, booklet=booklet, ink=ink,
                           handouts=int(handouts) if handouts else None)

    def progress(finished, total):
        with ProgressLine(finished.tally, sys.stderr):
            yield from finished

    def run():
        if not scheduler:
            return build(campaign_file, out, options, progress=progress)
        with dask_executor(scheduler) as executor:
            return build(campaign_file, out, options, progress=progress, executor=executor)

    result = reporting(_usage_mistakes(run))
    click.echo(build_summary(result))
    if run_preflight:
        _preflight(out, workers, as_json=False)


@cli.command("preflight")
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False), default=Path("dist"))
@click.option("--json", "as_json", is_flag=True, help="Print the findings as one JSON object (for CI and the web page).")
@click.option("--workers", type=click.IntRange(min=1), help="Checking processes (default: one per core).")
def preflight_command(folder, as_json, workers):
    """Check every file of a build (FOLDER/manifest.json, default dist) as a proofreader would: contrast,
    QR codes, missing glyphs, image resolution, unprintable margins, tags and reading order, overflow."""
    _preflight(folder, workers, as_json=as_json)


def _preflight(folder: Path, workers: int | None, *, as_json: bool) -> None:
    """Run preflight on `folder` and print its findings (errors, then warnings) or its JSON; exit 1 on an error."""
    import json

    from .preflight import preflight
    report = reporting(lambda: [preflight(folder, workers)])[0]  # listed here, not as reporting's warnings
    if as_json:
        click.echo(json.dumps(report.as_json(), ensure_ascii=False, indent=1))
    else:
        for finding in report.errors + report.warnings:
            click.echo(f"  {finding}")
        click.echo(report.summary())
    if report.errors:
        sys.exit(EXIT_PROBLEMS)


@cli.group("cache")
def cache_group():
    """See or empty the cache of finished files that later builds reuse."""


CACHE_FOLDER = click.option("--cache", "cache_folder", type=click.Path(path_type=Path, file_okay=False),
                            default=default_folder, show_default="~/.cache/solidarity-print", help="The cache folder.")


@cache_group.command("info")
@CACHE_FOLDER
def cache_info_command(cache_folder):
    """Where the cache is, its size and how many files it keeps, against its cap."""
    from .pipeline.cache_cap import cap_from_environment, info
    found, cap = info(cache_folder), reporting(cap_from_environment)
    click.echo(f"{cache_folder}: {found.size / 1e6:.1f} MB in {found.entries} file{'s' if found.entries != 1 else ''} "
               f"(cap {cap / 1e6:.0f} MB)")


@cache_group.command("clear")
@CACHE_FOLDER
def cache_clear_command(cache_folder):
    """Remove every file of the cache."""
    from .pipeline.cache_cap import clear
    removed = clear(cache_folder)
    click.echo(f"{cache_folder}: removed {removed.entries} file{'s' if removed.entries != 1 else ''} "
               f"({removed.size / 1e6:.1f} MB)")


@cli.command("check")
@click.option("--campaign", "campaign_file", type=click.Path(path_type=Path),
              help="campaign.toml, or its folder, to check (default: ./campaign.toml if there is one, else the "
                   "built-in campaign).")
@click.option("--roster", type=click.Path(path_type=Path, dir_okay=False), help="schools.csv to check as well.")
@click.option("--lang", "languages", callback=_languages,
              help="Only these languages must be complete, e.g. en (default: all); the others' gaps are warnings.")
def check_command(campaign_file, roster, languages):
    """Validate a campaign (and a roster) and list every problem."""
    campaign_file = _campaign_here(campaign_file)
    left = {lang: problems for lang, problems in pending_translations(campaign_file, languages).items() if problems}
    for lang, problems in left.items():
        click.echo(f"{lang}: {len(problems)} thing{'s' if len(problems) != 1 else ''} left to translate:", err=True)
        for problem in problems:
            click.echo(f"  {problem}", err=True)
    if left and languages and set(map(str.casefold, languages)) <= set(map(str.casefold, left)):
        sys.exit(EXIT_PROBLEMS)  # the loader would list the same gaps again in its own words
    campaign = reporting(_usage_mistakes(lambda: load_campaign(campaign_file, languages)))
    templates = reporting(lambda: check_templates(campaign.folder))
    overrides = f", {templates.checked} override templates" if templates.checked else ""
    click.echo(f"{campaign.source}: OK ({len(campaign.days)} focus days, languages: {', '.join(campaign.languages)}{overrides})")
    if roster:
        schools, warnings = reporting(lambda: load_roster(roster, campaign))
        for warning in warnings:
            click.echo(f"  {warning}", err=True)
        click.echo(f"{roster.resolve()}: OK ({len(schools)} school{'s' if len(schools) != 1 else ''})")
    if left:
        sys.exit(EXIT_PROBLEMS)


@cli.command("translate")
@click.argument("lang")
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False), default=Path("."))
@click.option("--from", "source", default="en", show_default=True, help="The language to translate from.")
def translate_command(lang, folder, source):
    """Add language LANG to the campaign in FOLDER (default: here), with every text to translate
    written beside its source; then run `check` until it lists nothing."""
    written = reporting(_usage_mistakes(lambda: translate(folder, lang, source)))
    click.echo(f"Added {lang} to {folder / 'campaign.toml'}, translated from {source}. Write the {lang} text under "
               f"each '# {source}:' comment in:")
    for path in written:
        click.echo(f"  {path}")
    click.echo(f"Then run `solidarity-print check --campaign {folder} --lang {lang}` until it lists nothing; "
               f"meanwhile builds leave {lang} out.")


@cli.command("new")
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False))
def new_command(folder):
    """Create an editable campaign folder to start from."""
    files = reporting(lambda: new_campaign(folder))
    click.echo(f"Created {folder} with {len(files)} files. Edit {folder / 'campaign.toml'} and "
               f"{folder / 'schools.csv'}, then run:\n"
               f"  solidarity-print build --campaign {folder / 'campaign.toml'}\n"
               f"  solidarity-print build --campaign {folder / 'campaign.toml'} --roster {folder / 'schools.csv'}")


@cli.command("theme")
def theme_command():
    """List each built-in template's blocks, variables and theme words, for overrides."""
    from .render.theme_reference import format_reference, reference, string_keys
    click.echo(reporting(lambda: format_reference(reference(), string_keys())))


@cli.command("serve")
@click.option("--campaign", "campaign_file", type=click.Path(path_type=Path),
              help="campaign.toml, or its folder, to serve (default: ./campaign.toml if there is one, else the "
                   "built-in campaign).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port to listen on.")
@click.option("--workers", type=click.IntRange(min=1), help="Rendering processes (default: one per core).")
def serve_command(campaign_file, host, port, workers):
    """Start the web page where organizers make their school's kit or a whole district's."""
    import uvicorn

    from .web import WebSettings, create_app
    campaign_file = _campaign_here(campaign_file)
    app = reporting(lambda: create_app(campaign_file, WebSettings(workers=workers)))
    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(f"warning: listening on {host}, not only this computer: anyone who can reach it can use "
                   "the page (put it behind HTTPS and a login if that is not what you want)", err=True)
    # No access log: its URLs carry the kit and job tokens, which are the only key to those files.
    uvicorn.run(app, host=host, port=port, log_level="info", server_header=False, access_log=False, http="httptools")


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="solidarity-print")
