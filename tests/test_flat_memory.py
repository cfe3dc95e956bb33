"""Memory stays flat at scale: a bounded number of finished results is held at once, whatever the item count."""
from __future__ import annotations

import json
import threading
import weakref
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from solidarity_print.build import BuildOptions, build
from solidarity_print.pipeline import pool
from solidarity_print.pipeline.output import ManifestEntry, sha256
from solidarity_print.pipeline.workers import Outcome


class CountingRenderer:
    """A stand-in for the renderer that makes 20 KB per file and counts the results still alive."""

    def __init__(self):
        self.alive = 0
        self.peak = 0
        self.lock = threading.Lock()

    def __call__(self, setup, item) -> Outcome:
        data = b"%PDF-1.7 stub " + item.path.encode() + bytes(20_000)
        outcome = Outcome(data, ManifestEntry(path=item.path, kind=item.kind, lang=item.lang, focus_day=None,
                                              school=item.school.slug, paper="letter", pages=1, sha256=sha256(data),
                                              title=item.path))
        with self.lock:
            self.alive += 1
            self.peak = max(self.peak, self.alive)
        weakref.finalize(outcome, self.released)
        return outcome

    def released(self) -> None:
        with self.lock:
            self.alive -= 1


def build_with_stub(tmp_path: Path, monkeypatch, schools: int) -> tuple[CountingRenderer, object]:
    roster = tmp_path / f"schools-{schools}.csv"
    roster.write_text("name,slug,languages\n" + "".join(f"School {n},school-{n},en\n" for n in range(schools)),
                      encoding="utf-8")
    renderer = CountingRenderer()
    monkeypatch.setattr(pool, "render_work", renderer)
    with ThreadPoolExecutor(max_workers=2) as executor:
        result = build(None, tmp_path / f"out-{schools}", BuildOptions(roster=roster, only=("flyers",)), executor=executor)
    return renderer, result


def test_results_held_at_once_do_not_grow_with_the_number_of_items(tmp_path, monkeypatch):
    small, small_result = build_with_stub(tmp_path, monkeypatch, 40)  # 200 flyers
    large, large_result = build_with_stub(tmp_path, monkeypatch, 160)  # 800 flyers
    assert len(small_result.entries) == 200 and len(large_result.entries) == 800
    assert small.peak < 100, f"{small.peak} of 200 results were held at once"
    assert large.peak <= small.peak + 4, f"4x the items held {large.peak} results at once, against {small.peak}"


def test_the_streamed_manifest_lists_every_file_in_path_order_and_each_file_holds_its_bytes(tmp_path, monkeypatch):
    _, result = build_with_stub(tmp_path, monkeypatch, 30)
    out = tmp_path / "out-30"
    files = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["files"]
    paths = [entry["path"] for entry in files]
    assert len(paths) == 150 == len(set(paths)) and paths == sorted(paths)
    assert sorted(entry.path for entry in result.entries) == paths
    for entry in files[::37]:
        data = (out / entry["path"]).read_bytes()
        assert data.startswith(b"%PDF-1.7 stub " + entry["path"].encode()) and sha256(data) == entry["sha256"]
    assert result.entries[3].path == list(result.entries)[3].path
    assert not list(out.glob(".staging-*"))
