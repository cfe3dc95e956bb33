"""The command line: the only place that turns errors into messages and exit codes."""
from __future__ import annotations

import sys
import time
from pathlib import Path

import click
from click.core import ParameterSource

from .build import BuildOptions, build
from .errors import InputError, OptionError, SolidarityError
from .inputs.config import load_campaign
from .inputs.roster import load_roster
from .inputs.scaffold import new_campaign
from .inputs.template_check import check_templates
from .pdf.packet import PacketOptions
from .pipeline.cache import default_folder
from .pipeline.cluster import dask_executor
from .pipeline.plan import KIND_ALIASES, KINDS, PAPERS
from .resources import DEFAULT_CAMPAIGN

EXIT_PROBLEMS = 1


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
@click.option("--scheduler", metavar="tcp://HOST:PORT", help="Render on a Dask distributed cluster instead of local processes.")
def build_command(campaign_file, out, languages, only, paper, ink, handouts, roster, schools, duplex, poster_mode, workers,
                  cache_folder, no_cache, scheduler):
    """Build every poster, flyer and guide of a campaign, or every school's packet with --roster."""
    if workers and scheduler:
        raise click.UsageError("--workers does nothing with --scheduler: the cluster's workers render")
    if no_cache and click.get_current_context().get_parameter_source("cache_folder") != ParameterSource.DEFAULT:
        raise click.UsageError("--cache does nothing with --no-cache: give one of them")
    campaign_file = _campaign_here(campaign_file)
    options = BuildOptions(languages=languages, only=only or KINDS, paper=paper, roster=roster, schools=schools,
                           packets=PacketOptions(duplex=duplex, posters=poster_mode), workers=workers,
                           cache=None if no_cache else cache_folder, ink=ink, handouts=int(handouts) if handouts else None)

    def progress(finished, total):
        started, count = time.monotonic(), 0

        def describe(done):
            if not done:
                return None
            rate = count / max(time.monotonic() - started, 1e-6)
            return f"{rate:.1f} files/s  {done[0].path}"

        with click.progressbar(finished, length=total, label="Rendering", file=sys.stderr, show_pos=True,
                               show_eta=True, item_show_func=describe) as bar:
            for done in bar:
                count += 1
                yield done

    def run():
        if not scheduler:
            return build(campaign_file, out, options, progress=progress)
        with dask_executor(scheduler) as executor:
            return build(campaign_file, out, options, progress=progress, executor=executor)

    result = _run(_usage_mistakes(run))
    click.echo(_summary(result))


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
    campaign = _run(_usage_mistakes(lambda: load_campaign(campaign_file, languages)))
    templates = _run(lambda: check_templates(campaign.folder))
    overrides = f", {templates.checked} override templates" if templates.checked else ""
    click.echo(f"{campaign.source}: OK ({len(campaign.days)} focus days, languages: {', '.join(campaign.languages)}{overrides})")
    if roster:
        schools, warnings = _run(lambda: load_roster(roster, campaign))
        for warning in warnings:
            click.echo(f"  {warning}", err=True)
        click.echo(f"{roster.resolve()}: OK ({len(schools)} school{'s' if len(schools) != 1 else ''})")


@cli.command("new")
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False))
def new_command(folder):
    """Create an editable campaign folder to start from."""
    files = _run(lambda: new_campaign(folder))
    click.echo(f"Created {folder} with {len(files)} files. Edit {folder / 'campaign.toml'} and "
               f"{folder / 'schools.csv'}, then run:\n"
               f"  solidarity-print build --campaign {folder / 'campaign.toml'}\n"
               f"  solidarity-print build --campaign {folder / 'campaign.toml'} --roster {folder / 'schools.csv'}")


@cli.command("theme")
def theme_command():
    """List each built-in template's blocks, variables and theme words, for overrides."""
    from .render.theme_reference import format_reference, reference, string_keys
    click.echo(_run(lambda: format_reference(reference(), string_keys())))


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
    app = _run(lambda: create_app(campaign_file, WebSettings(workers=workers)))
    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(f"warning: listening on {host}, not only this computer: anyone who can reach it can use "
                   "the page (put it behind HTTPS and a login if that is not what you want)", err=True)
    # No access log: its URLs carry the kit and job tokens, which are the only key to those files.
    uvicorn.run(app, host=host, port=port, log_level="info", server_header=False, access_log=False)


def _summary(result) -> str:
    """'Built the built-in campaign "Solidarity Week 2023": 26 PDFs (49 pages, 1.2 MB) in 5.2 s, 0 from
    the cache; removed 0 stale files; dist/manifest.json' (packets and schools counted with a roster)."""
    entries = result.entries
    pages = sum(entry.pages for entry in entries)
    packets = sum(entry.kind == "packet" for entry in entries)
    schools = len({entry.school for entry in entries if entry.school})
    size = sum((result.out / entry.path).stat().st_size for entry in entries) / 1e6
    packet_words = f", {packets} packet{'s' if packets != 1 else ''} for {schools} school{'s' if schools != 1 else ''}" if packets else ""
    kept = f", kept {result.kept} file{'s' if result.kept != 1 else ''} of earlier builds" if result.kept else ""
    return (f"Built {_campaign_words(result.campaign)}: {len(entries)} PDF{'s' if len(entries) != 1 else ''} "
            f"({pages} pages{packet_words}, {size:.1f} MB) in {result.seconds:.1f} s, {result.cached} from the cache; "
            f"removed {result.removed} stale file{'s' if result.removed != 1 else ''}{kept}; {result.manifest}")


def _campaign_words(campaign) -> str:
    """'the built-in campaign "Solidarity Week 2023"' or '"Our Week" (campaign.toml)': which campaign a build used."""
    name = campaign.name[campaign.languages[0]]
    if campaign.source == (DEFAULT_CAMPAIGN / "campaign.toml").resolve():
        return f'the built-in campaign "{name}"'
    try:
        where = campaign.source.relative_to(Path.cwd().resolve())
    except ValueError:
        where = campaign.source
    return f'"{name}" ({where})'


def _run(action):
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


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="solidarity-print")
