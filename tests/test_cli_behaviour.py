"""What a new user meets first: which campaign is built, stale files, options that do nothing, exit codes."""
from __future__ import annotations

import json
import shutil
import tomllib
from pathlib import Path

import pikepdf
import pytest
from click.testing import CliRunner
from conftest import pdf_text

from solidarity_print.build import BuildOptions, build
from solidarity_print.cli import cli
from solidarity_print.errors import InputError, OptionError

ROOT = Path(__file__).resolve().parent.parent
ROSTER = "name,slug,languages\nLincoln High,,en\nEscuela José Martí,,en\nRosa Parks Middle,,en\n"


def run(*args: str):
    return CliRunner().invoke(cli, [str(arg) for arg in args])


def manifest_of(out: Path) -> list[dict]:
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))["files"]


def new_campaign(folder: Path, name: str = "Our Solidarity Week 2023") -> Path:
    """A campaign made by `solidarity-print new`, renamed so that its files cannot pass for the built-in one's."""
    assert run("new", folder).exit_code == 0
    toml = folder / "campaign.toml"
    text = toml.read_text(encoding="utf-8")
    assert 'en = "Solidarity Week 2023"' in text
    toml.write_text(text.replace('en = "Solidarity Week 2023"', f'en = "{name}"'), encoding="utf-8")
    return toml


# 1. The campaign in the current folder


def test_build_and_check_use_the_campaign_in_the_current_folder_and_say_so(tmp_path, monkeypatch):
    new_campaign(tmp_path / "mine")
    monkeypatch.chdir(tmp_path / "mine")
    result = run("build", "--lang", "en", "--only", "flyers")
    assert result.exit_code == 0, result.output
    assert 'Built "Our Solidarity Week 2023" (campaign.toml)' in result.output
    flyer = tmp_path / "mine" / "dist" / "en" / "flyers" / "black-lgbtq.pdf"
    assert "OUR SOLIDARITY WEEK 2023" in " ".join(pdf_text(flyer).upper().split())
    checked = run("check")
    assert checked.exit_code == 0 and str(tmp_path / "mine" / "campaign.toml") in checked.output


def test_summary_names_the_built_in_campaign(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("build", "--lang", "en", "--only", "flyers", "--out", tmp_path / "o")
    assert result.exit_code == 0, result.output
    assert 'Built the built-in campaign "Solidarity Week 2023": 5 PDFs' in result.output
    assert "removed 0 stale files" in result.output


# 2. Stale files


@pytest.fixture(scope="module")
def roster_build(tmp_path_factory) -> dict:
    """A campaign, a three-school roster and a full roster build of it, to copy from."""
    root = tmp_path_factory.mktemp("roster")
    campaign = new_campaign(root / "campaign")
    roster = root / "schools.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    result = run("build", "--campaign", campaign, "--roster", roster, "--out", root / "out")
    assert result.exit_code == 0, result.output
    return {"campaign": campaign, "roster": roster, "out": root / "out"}


@pytest.fixture
def built(roster_build, tmp_path) -> dict:
    """A fresh copy of the roster build's output folder, with a file of the user's own beside it."""
    out = tmp_path / "out"
    shutil.copytree(roster_build["out"], out)
    (out / "print-shop-notes.txt").write_text("mine", encoding="utf-8")
    roster = tmp_path / "schools.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    return dict(roster_build, out=out, roster=roster)


def paths_of(entries: list[dict], school: str | None = None) -> set[str]:
    return {e["path"] for e in entries if school is None or e["school"] == school}


def test_a_school_removed_from_the_roster_loses_its_files_and_nothing_else(built):
    out, before = built["out"], manifest_of(built["out"])
    gone = paths_of(before, "escuela-jose-marti")
    assert len(gone) == 12  # 6 posters, 5 flyers, 1 packet
    (out / "escuela-jose-marti" / "en" / "handout-notes.txt").write_text("mine too", encoding="utf-8")
    (out / "escuela-jose-marti" / "en" / "flyers" / "extra.pdf").write_bytes(b"%PDF-1.7 not ours")
    built["roster"].write_text(ROSTER.replace("Escuela José Martí,,en\n", ""), encoding="utf-8")
    result = run("build", "--campaign", built["campaign"], "--roster", built["roster"], "--out", out)
    assert result.exit_code == 0, result.output
    assert "removed 12 stale files" in result.output
    assert not any((out / path).exists() for path in gone)
    after = manifest_of(out)
    assert paths_of(after) == paths_of(before) - gone
    assert all((out / path).is_file() for path in paths_of(after))
    # Files the manifest never listed stay, and so do the folders that still hold them.
    assert (out / "print-shop-notes.txt").read_text(encoding="utf-8") == "mine"
    assert (out / "escuela-jose-marti" / "en" / "handout-notes.txt").is_file()
    assert (out / "escuela-jose-marti" / "en" / "flyers" / "extra.pdf").is_file()
    assert not (out / "escuela-jose-marti" / "en" / "posters").exists()  # emptied, so removed


def test_a_changed_slug_leaves_no_old_folder(built):
    out = built["out"]
    built["roster"].write_text(ROSTER.replace("Rosa Parks Middle,,en", "Rosa Parks Middle,parks,en"), encoding="utf-8")
    result = run("build", "--campaign", built["campaign"], "--roster", built["roster"], "--out", out)
    assert result.exit_code == 0, result.output
    assert not (out / "rosa-parks-middle").exists()
    assert (out / "parks" / "en" / "packet.pdf").is_file()
    assert not paths_of(manifest_of(out), "rosa-parks-middle") and len(paths_of(manifest_of(out), "parks")) == 12


def test_a_school_build_keeps_the_manifest_whole(built):
    out, before = built["out"], manifest_of(built["out"])
    others = {path: (out / path).read_bytes() for path in paths_of(before) - paths_of(before, "rosa-parks-middle")}
    # Lincoln leaves the roster, but a --school build answers only for the school it names.
    built["roster"].write_text(ROSTER.replace("Lincoln High,,en\n", ""), encoding="utf-8")
    result = run("build", "--campaign", built["campaign"], "--roster", built["roster"], "--out", out,
                 "--school", "rosa-parks-middle")
    assert result.exit_code == 0, result.output
    assert "12 PDFs" in result.output and "removed 0 stale files" in result.output
    after = manifest_of(out)
    assert paths_of(after) == paths_of(before)
    assert {path: (out / path).read_bytes() for path in others} == others
    assert all((out / path).is_file() for path in paths_of(after))


def test_a_filtered_build_replaces_only_what_it_selects(built):
    out, before = built["out"], manifest_of(built["out"])
    result = run("build", "--campaign", built["campaign"], "--roster", built["roster"], "--out", out,
                 "--school", "lincoln-high", "--only", "flyers")
    assert result.exit_code == 0, result.output
    after = manifest_of(out)
    assert paths_of(after) == paths_of(before)
    assert "Built" in result.output and "5 PDFs" in result.output and "kept 31 files of earlier builds" in result.output


def test_a_campaign_build_in_a_roster_folder_keeps_the_schools(built):
    out, before = built["out"], manifest_of(built["out"])
    result = run("build", "--campaign", built["campaign"], "--out", out, "--lang", "en", "--only", "flyers")
    assert result.exit_code == 0, result.output
    after = manifest_of(out)
    assert paths_of(after) == paths_of(before) | {f"en/flyers/{e['focus_day']}.pdf" for e in before
                                                   if e["kind"] == "flyer"}


def test_a_failed_build_removes_nothing(built):
    out, before = built["out"], (built["out"] / "manifest.json").read_bytes()
    files = sorted(p.relative_to(out) for p in out.rglob("*"))
    built["roster"].write_text(ROSTER.replace("Escuela José Martí,,en\n", ""), encoding="utf-8")
    broken = built["campaign"].parent / "overrides" / "templates" / "flyer.html"
    broken.write_text("{{ no_such_value }}", encoding="utf-8")
    try:
        result = run("build", "--campaign", built["campaign"], "--roster", built["roster"], "--out", out)
    finally:
        broken.unlink()
    assert result.exit_code == 1 and "no_such_value" in result.output
    assert sorted(p.relative_to(out) for p in out.rglob("*")) == files
    assert (out / "manifest.json").read_bytes() == before


def test_a_manifest_path_outside_the_folder_is_never_removed(tmp_path):
    out, victim = tmp_path / "out", tmp_path / "victim.pdf"
    out.mkdir()
    victim.write_bytes(b"keep me")
    entry = dict(path="../victim.pdf", kind="flyer", lang="en", focus_day="x", school=None, paper="letter",
                 pages=1, sha256="0", title="x")
    (out / "manifest.json").write_text(json.dumps({"files": [entry]}), encoding="utf-8")
    result = build(None, out, BuildOptions(languages=("en",), only=("flyers",)))
    assert victim.read_bytes() == b"keep me" and result.removed == 0
    assert "../victim.pdf" not in paths_of(manifest_of(out))


# 3 and 4. Usage mistakes: exit 2, naming the option, writing nothing


@pytest.mark.parametrize("args, option", [
    (["--only", "packets"], "--only"),
    (["--only", "posters,packets"], "--only"),
    (["--duplex"], "--duplex"),
    (["--posters", "fit"], "--posters"),
    (["--lang", "de"], "--lang"),
    (["--only", "excerpts"], "--only"),  # the campaign declares no excerpts
    (["ROSTER", "--only", "excerpts"], "--only"),
    (["ROSTER", "--only", "guides"], "--only"),
    (["ROSTER", "--only", "posters", "--duplex"], "--duplex"),
    (["ROSTER", "--only", "flyers", "--posters", "fit"], "--posters"),
    (["ROSTER", "--school", "nosuch"], "--school"),
    (["--school", "lincoln-high"], "--school"),  # a school, but no roster to pick it from
    (["ROSTER", "--lang", "es"], "--lang"),  # every school of the roster is English-only
    (["--workers", "2", "--scheduler", "tcp://127.0.0.1:9"], "--workers"),
    (["--no-cache", "--cache", "CACHE"], "--cache"),
])
def test_options_that_do_nothing_are_usage_mistakes(tmp_path, args, option):
    roster = tmp_path / "schools.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    args = [{"ROSTER": ["--roster", str(roster)], "CACHE": [str(tmp_path / "cache")]}.get(arg, [arg]) for arg in args]
    result = run("build", "--out", tmp_path / "out", *(a for arg in args for a in arg))
    assert result.exit_code == 2, result.output
    assert f"Error: {option}" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_the_library_raises_option_errors_that_are_input_errors(tmp_path):
    with pytest.raises(OptionError, match="de is not a language") as caught:
        build(None, tmp_path / "out", BuildOptions(languages=("de",)))
    assert isinstance(caught.value, InputError) and caught.value.option == "--lang"


# 6. --only guides


@pytest.mark.parametrize("name", ["guides", "guide"])
def test_only_guides_and_guide_build_the_guides(tmp_path, name):
    result = run("build", "--out", tmp_path / "o", "--lang", "en", "--only", name)
    assert result.exit_code == 0, result.output
    assert paths_of(manifest_of(tmp_path / "o")) == {"en/guides/student-guide.pdf", "en/guides/educator-guide.pdf"}
    assert {e["kind"] for e in manifest_of(tmp_path / "o")} == {"guide"}


def test_help_lists_guides():
    assert "posters,flyers,guides,excerpts,packets" in run("build", "--help").output


# 5. Dependencies


def test_every_runtime_dependency_is_imported_by_the_package():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    source = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "solidarity_print").rglob("*.py"))
    modules = {"markdown-it-py": "markdown_it", "mdit-py-plugins": "mdit_py_plugins", "zxing-cpp": "zxingcpp"}
    # Starlette imports python-multipart to read the web page's uploaded forms; uvicorn loads httptools
    # as its HTTP parser (`serve` asks for it by name: http="httptools").
    used_by_others = {"python-multipart", "httptools"}
    for requirement in project["dependencies"]:
        name = requirement.split(">")[0].split("=")[0].split("<")[0].strip()
        if name in used_by_others:
            continue
        module = modules.get(name, name.replace("-", "_"))
        assert f"import {module}" in source or f"from {module}" in source, f"{name} is never imported"
    assert "pypdf" in " ".join(project["optional-dependencies"]["test"])


def test_a_stale_file_changed_by_hand_is_kept_with_a_warning(built):
    out = built["out"]
    fixed = out / "escuela-jose-marti" / "en" / "flyers" / "black-lgbtq.pdf"
    fixed.write_bytes(fixed.read_bytes() + b"\n% fixed by hand at the print shop\n")
    built["roster"].write_text(ROSTER.replace("Escuela José Martí,,en\n", ""), encoding="utf-8")
    result = run("build", "--campaign", built["campaign"], "--roster", built["roster"], "--out", out)
    assert result.exit_code == 0, result.output
    assert "removed 11 stale files" in result.output
    assert fixed.is_file() and "stale file kept: it was changed after the build" in result.output


def test_a_language_build_keeps_the_other_languages_excerpts(tmp_path):
    """`--lang ES` answers for the Spanish files only (in any case): the English excerpt stays."""
    campaign = new_campaign(tmp_path / "c")
    with pikepdf.new() as pdf:
        pdf.add_blank_page(page_size=(612, 792))
        pdf.save(campaign.parent / "handout.pdf")
    with campaign.open("a", encoding="utf-8") as toml:
        for lang, title in (("en", "Our handout"), ("es", "Nuestra hoja")):
            toml.write(f'\n[[excerpts]]\nsource = "handout.pdf"\npages = "1"\ntitle = "{title}"\n'
                       f'audience = "both"\nlang = "{lang}"\n')
    out = tmp_path / "out"
    assert run("build", "--campaign", campaign, "--only", "excerpts", "--out", out, "--no-cache").exit_code == 0
    result = run("build", "--campaign", campaign, "--only", "excerpts", "--lang", "ES", "--out", out, "--no-cache")
    assert result.exit_code == 0, result.output
    assert (out / "excerpts" / "our-handout.pdf").is_file() and "removed 0 stale files" in result.output
    assert sorted(e["lang"] for e in manifest_of(out)) == ["en", "es"]
