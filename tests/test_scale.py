"""District-scale machinery: the cache makes rebuilds incremental, and a Dask cluster builds the same bytes."""
from __future__ import annotations

import io
import json
import shutil
from pathlib import Path
from types import SimpleNamespace

import page as page_validation
import pytest
from pypdf import PdfReader

from solidarity_print.build import BuildOptions, build

ROSTER = "name,slug,club,languages,audience\n" + "".join(
    f"School {n},school-{n},GSA {n},en,student\n" for n in range(1, 4))


def shas(out: Path) -> dict[str, str]:
    return {e["path"]: e["sha256"] for e in json.loads((out / "manifest.json").read_text())["files"]}


@pytest.fixture
def roster(tmp_path) -> Path:
    path = tmp_path / "schools.csv"
    path.write_text(ROSTER, encoding="utf-8")
    return path


def test_rebuild_reuses_everything_and_a_changed_school_renders_only_its_own_files(roster, tmp_path):
    cache = tmp_path / "cache"
    options = BuildOptions(roster=roster, cache=cache, only=("flyers", "packets"), workers=2)
    first = build(None, tmp_path / "a", options)
    assert first.cached == 0 and len(first.entries) == 3 * 6
    again = build(None, tmp_path / "b", options)
    assert again.cached == len(again.entries)
    assert shas(tmp_path / "a") == shas(tmp_path / "b")
    roster.write_text(ROSTER.replace("GSA 2", "Rainbow Club"), encoding="utf-8")
    changed = build(None, tmp_path / "c", options)
    assert changed.cached == len(changed.entries) - 6
    differing = {p for p, sha in shas(tmp_path / "c").items() if shas(tmp_path / "a")[p] != sha}
    assert differing and all(p.startswith("school-2/") for p in differing)


def test_dask_local_cluster_builds_the_same_bytes_as_local_processes(roster, tmp_path):
    distributed = pytest.importorskip("distributed")
    options = BuildOptions(roster=roster, schools=("school-1",), only=("flyers", "packets"))
    build(None, tmp_path / "local", options)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        build(None, tmp_path / "dask", options, executor=client.get_executor(pure=False))
    assert shas(tmp_path / "dask") == shas(tmp_path / "local")
    assert len(shas(tmp_path / "local")) == 6


@pytest.fixture
def counted(roster):
    """The roster's schools and a PacketMaker whose renderer counts its WeasyPrint layouts."""
    from solidarity_print.build import _overlay_characters
    from solidarity_print.inputs.config import load_campaign
    from solidarity_print.inputs.roster import load_roster
    from solidarity_print.pdf.packet import PacketMaker, PacketOptions
    from solidarity_print.render.documents import DocumentMaker

    campaign = load_campaign()
    schools, _ = load_roster(roster, campaign)
    maker = DocumentMaker(campaign, (roster.parent,))
    layouts = []
    original = maker.renderer.layout
    maker.renderer.layout = lambda html, **kw: layouts.append(kw["template"]) or original(html, **kw)
    main, fallback = _overlay_characters(campaign, schools)
    packets = PacketMaker(maker, PacketOptions(overlay_chars=main, overlay_fallback_chars=fallback))
    return SimpleNamespace(campaign=campaign, schools=schools, maker=maker, packets=packets, layouts=layouts)


def test_schools_share_one_render_and_personalised_packets_stay_small(counted):
    schools, packets = counted.schools, counted.packets
    first = packets.make(schools[0], "en")
    shared = len(counted.layouts)
    rest = [packets.make(school, "en") for school in schools[1:]]
    assert len(counted.layouts) == shared, "the second and third school needed no WeasyPrint layout"
    full = packets._render(schools[0], "en")
    assert len(first.data) <= 1.2 * len(full.data)
    for packet, school in zip([first, *rest], schools):
        assert packet.title.endswith(school.name) and packet.pages == full.pages
        assert page_validation.validate_pdf_bytes(packet.data, profile="ua1").is_compliant


def test_a_schools_own_posters_and_flyers_are_its_line_drawn_onto_one_shared_render(counted):
    from solidarity_print.pipeline.plan import plan_campaign

    jobs = [plan_campaign(counted.campaign, languages=("en",), only=("posters", "flyers"), school=school,
                          handout=school.paper) for school in counted.schools[:2]]
    for job in jobs[0]:
        counted.packets.make_document(job)
    shared = len(counted.layouts)
    second = [counted.packets.make_document(job) for job in jobs[1]]
    assert len(counted.layouts) == shared >= len(jobs[1]) == 11, "the second school's eleven files needed no layout"
    whole, _ = counted.maker.make(jobs[1][-1])  # its last flyer, rendered whole for comparison
    for (data, pages), job in zip(second, jobs[1]):
        text = " ".join(PdfReader(io.BytesIO(data)).pages[0].extract_text().split())
        assert pages == 1 and "GSA 2 · School 2" in text and "School 1" not in text
        assert page_validation.validate_pdf_bytes(data, profile="ua1").is_compliant
    words = lambda data: sorted(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())
    assert words(second[-1][0]) == words(whole)


def test_a_theme_that_prints_the_school_itself_gets_whole_renders_never_the_placeholder(tmp_path):
    from solidarity_print.resources import DEFAULT_CAMPAIGN

    campaign = tmp_path / "campaign"
    shutil.copytree(DEFAULT_CAMPAIGN, campaign)
    (campaign / "overrides" / "templates").mkdir(parents=True)
    (campaign / "overrides" / "templates" / "flyer.html").write_text(
        '{% extends "!default/flyer.html" %}{% block body %}<p>Brought to you by {{ school.club if school else "" }}</p>'
        '{{ super() }}{% endblock %}', encoding="utf-8")
    roster = tmp_path / "schools.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    result = build(campaign / "campaign.toml", tmp_path / "out",
                   BuildOptions(roster=roster, only=("flyers",), schools=("school-2",), cache=tmp_path / "cache"))
    flyers = [e for e in result.entries if e.kind == "flyer"]
    assert len(flyers) == 5
    for entry in flyers:
        text = " ".join(PdfReader(tmp_path / "out" / entry.path).pages[0].extract_text().split())
        assert "Brought to you by GSA 2" in text and "SOLIDARITY-PRINT" not in text
