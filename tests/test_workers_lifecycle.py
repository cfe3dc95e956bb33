"""Rendering processes: a missing HarfBuzz-subset only slows a build, a killed build takes its workers
along, and a time-out always reaches the user as a render error."""
from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest
import weasyprint.pdf.fonts
from pypdf import PdfReader

from solidarity_print.build import BuildOptions, build
from solidarity_print.inputs.config import load_campaign
from solidarity_print.pdf.packet import PacketOptions
from solidarity_print.pipeline import workers
from solidarity_print.pipeline.plan import plan_campaign

ROOT = Path(__file__).resolve().parents[1]


def test_a_build_without_harfbuzz_subset_warns_once_and_writes_every_file(tmp_path, monkeypatch):
    # What WeasyPrint checks before subsetting a font; a forked worker inherits the change.
    monkeypatch.setattr(weasyprint.pdf.fonts, "harfbuzz_subset", None)
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork")) as executor:
        result = build(None, tmp_path / "out", BuildOptions(languages=("en",), only=("flyers",)), executor=executor)
    assert len(result.entries) == 5
    notes = [str(w) for w in result.warnings if "HarfBuzz" in w.message]
    assert len(notes) == 1, result.warnings
    assert "libharfbuzz-subset0" in notes[0] and "slower" in notes[0]
    text = PdfReader(tmp_path / "out" / result.entries[0].path).pages[0].extract_text()
    assert "Solidarity" in text


def test_other_weasyprint_warnings_still_fail_the_render():
    from solidarity_print.errors import RenderError
    from solidarity_print.render.render import Renderer
    with pytest.raises(RenderError, match="nowhere.png"):
        Renderer().render('<img src="nowhere.png" alt="x">', template="t.html", created=__import__("datetime").date(2024, 1, 1))


def _descendants(pid: int) -> list[int]:
    """The living processes below `pid` (zombies count as gone)."""
    try:
        import psutil
    except ImportError:
        psutil = None
    if psutil:
        try:
            found = psutil.Process(pid).children(recursive=True)
        except psutil.NoSuchProcess:
            return []
        return [p.pid for p in found if _alive(p.pid)]
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if fields[0] != "Z":
                parents[int(entry.name)] = int(fields[1])
    found, frontier = [], {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier}
        found += frontier
    return found


def _command(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except OSError:  # ended meanwhile
        return ""


def _alive(pid: int) -> bool:
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc")
def test_a_killed_build_takes_its_forkserver_and_workers_along(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    build_process = subprocess.Popen([sys.executable, "-m", "solidarity_print", "build", "--no-cache", "--workers", "2",
                                      "--out", str(tmp_path / "out")], env=env, cwd=tmp_path,
                                     stdout=subprocess.DEVNULL, stderr=(tmp_path / "stderr").open("wb"))
    try:
        deadline = time.monotonic() + 120
        started: list[int] = []
        # The forkserver and two workers below it: the build is rendering.
        while time.monotonic() < deadline and build_process.poll() is None:
            started = [pid for pid in _descendants(build_process.pid) if "forkserver" in _command(pid)]
            if len(started) >= 3:
                break
            time.sleep(0.2)
        assert len(started) >= 3, f"the build never started its workers: {(tmp_path / 'stderr').read_text()[-2000:]}"
        os.kill(build_process.pid, signal.SIGKILL)
        build_process.wait()
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and any(map(_alive, started)):
            time.sleep(0.1)
        assert not [pid for pid in started if _alive(pid)], "workers outlived their build"
    finally:
        if build_process.poll() is None:
            build_process.kill()
            build_process.wait()


def test_an_alarm_during_the_cleanup_becomes_the_items_time_out(monkeypatch):
    campaign = load_campaign(None)
    job = plan_campaign(campaign, languages=("en",), only=("flyers",))[0]
    setup = workers.WorkerSetup(campaign=campaign, extra_folders=(), packets=PacketOptions(), limits=workers.Limits(),
                                key="cleanup-race", isolate=True)
    monkeypatch.setattr(workers, "_limited", True)  # keep this test process's memory uncapped
    real_setitimer, fired = signal.setitimer, []

    def setitimer(which, seconds, interval=0.0):
        if seconds == 0 and not fired:  # the deadline passes just as the render is over
            fired.append(True)
            workers._alarm(signal.SIGALRM, None)
        return real_setitimer(which, seconds, interval)

    monkeypatch.setattr(signal, "setitimer", setitimer)
    before = signal.getsignal(signal.SIGALRM)
    outcome = workers.render_work(setup, workers.Work(job.path, job))
    assert fired
    assert outcome.data is None and outcome.error[0] == "flyer.html"
    assert "took longer than 180 s to render" in outcome.error[1]
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGALRM) is before


FROM_A_THREAD = """
import multiprocessing.forkserver, os, sys, threading, time
from pathlib import Path
from solidarity_print.build import BuildOptions, build

out, options = Path(sys.argv[1]), BuildOptions(languages=("en",), only=("flyers",), workers=1)
tasks = lambda: len(os.listdir("/proc/self/task"))
before = tasks()
thread = threading.Thread(target=build, args=(None, out / "first", options))
thread.start()
thread.join()
deadline = time.monotonic() + 10
while tasks() > before and time.monotonic() < deadline:  # until the thread has ended in the kernel too
    time.sleep(0.05)
forkserver = multiprocessing.forkserver._forkserver._forkserver_pid
time.sleep(0.5)  # the forkserver has had its parent-death signal
build(None, out / "second", options)
print(forkserver, multiprocessing.forkserver._forkserver._forkserver_pid)
"""


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="counts threads in /proc")
def test_the_forkserver_outlives_the_thread_that_started_it(tmp_path):
    # Linux sends the parent-death signal when the parent *thread* ends; a library user's build
    # thread may end while the process builds on.
    run = subprocess.run([sys.executable, "-c", FROM_A_THREAD, str(tmp_path)], env=dict(os.environ, PYTHONPATH=str(ROOT)),
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    first, second = run.stdout.split()
    assert first == second  # the second build used the same forkserver: it was not killed
    assert len(list((tmp_path / "second").rglob("*.pdf"))) == 5
