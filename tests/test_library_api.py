"""The package root is the library's face: its public names, and the README's example run as written."""
from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import solidarity_print

README = Path(__file__).resolve().parent.parent / "README.md"
PUBLIC = {"build", "BuildOptions", "BuildResult", "PacketOptions", "load_campaign", "load_roster", "ManifestEntry",
          "SolidarityError", "InputError", "OptionError", "OutputError", "RenderError", "Problem"}


def test_the_public_api_is_exported_from_the_root():
    from solidarity_print import (  # noqa: F401
        BuildOptions,
        BuildResult,
        InputError,
        ManifestEntry,
        OptionError,
        OutputError,
        PacketOptions,
        Problem,
        RenderError,
        SolidarityError,
        build,
        load_campaign,
        load_roster,
    )
    assert PUBLIC <= set(solidarity_print.__all__)
    assert all(hasattr(solidarity_print, name) for name in solidarity_print.__all__)
    assert callable(build) and BuildOptions().only == ("posters", "flyers", "guides", "excerpts", "packets")


def test_the_readme_library_example_runs(tmp_path, monkeypatch):
    section = README.read_text(encoding="utf-8").split("## Using it as a library", 1)[1].split("\n## ", 1)[0]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    assert 'languages=("en",)' in code and 'only=("flyers",)' in code
    monkeypatch.chdir(tmp_path)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(code, "README.md", "exec"), {"__name__": "__main__"})
    lines = printed.getvalue().splitlines()
    assert lines[0] == "5 files, 0 stale files removed"
    assert len(lines) == 6 and any(line.startswith("en/flyers/black-lgbtq.pdf flyer 1 ") for line in lines[1:])
    assert len(list((tmp_path / "dist" / "en" / "flyers").glob("*.pdf"))) == 5


def test_a_loaded_campaign_builds_as_its_file_does(tmp_path):
    """A server loads the campaign once and builds it again and again: the same files, and the same
    usage mistake for a language it lacks."""
    from concurrent.futures import ThreadPoolExecutor

    import pytest

    from solidarity_print import BuildOptions, OptionError, build, load_campaign
    options = BuildOptions(languages=("ES",), only=("flyers",))
    with ThreadPoolExecutor(1) as executor:
        loaded = build(load_campaign(None), tmp_path / "loaded", options, executor=executor)
        from_file = build(None, tmp_path / "file", options, executor=executor)
        with pytest.raises(OptionError, match="de is not a language of this campaign"):
            build(load_campaign(None), tmp_path / "de", BuildOptions(languages=("de",), only=("flyers",)), executor=executor)
    assert sorted((e.path, e.sha256) for e in loaded.entries) == sorted((e.path, e.sha256) for e in from_file.entries)
    assert len(loaded.entries) == 5 and all(e.lang == "es" for e in loaded.entries)
