"""The real web application, `solidarity-print serve` under uvicorn, in a subprocess on a free loopback port."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

START_TIMEOUT = 90.0  # seconds: the first start imports WeasyPrint and may warm the render workers


@dataclass(frozen=True)
class Server:
    """A running server: its base URL, its process and the file its output goes to."""

    url: str
    process: subprocess.Popen
    log: Path

    def output(self) -> str:
        """What the server printed so far (stdout and stderr)."""
        return self.log.read_text(encoding="utf-8", errors="replace")


def free_port() -> int:
    """A TCP port nothing listens on at the moment, on 127.0.0.1."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def running_server(work: Path, *serve_args: str) -> Iterator[Server]:
    """Start `solidarity-print serve` on 127.0.0.1 with `work` as its folder (and its TMPDIR, so every
    upload and job folder lands inside it), wait until /healthz answers, and stop it afterwards."""
    work.mkdir(parents=True, exist_ok=True)
    (work / "tmp").mkdir(exist_ok=True)
    port = free_port()
    log = work / "server.log"
    env = dict(os.environ, TMPDIR=str(work / "tmp"), PYTHONUNBUFFERED="1")
    # The package is imported from wherever the tests import it, so a worktree's code is what runs.
    package_root = str(Path(__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH", "")) if p)
    command = [sys.executable, "-m", "solidarity_print", "serve", "--host", "127.0.0.1", "--port", str(port),
               *serve_args]
    with log.open("wb") as sink:
        process = subprocess.Popen(command, cwd=work, env=env, stdout=sink, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    server = Server(f"http://127.0.0.1:{port}", process, log)
    try:
        _wait_healthy(server)
        yield server
    finally:
        _stop(process)


def _wait_healthy(server: Server) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        if server.process.poll() is not None:
            raise RuntimeError(f"the server exited with {server.process.returncode} before answering "
                               f"/healthz:\n{server.output()[-4000:]}")
        try:
            with urllib.request.urlopen(server.url + "/healthz", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"the server did not answer /healthz within {START_TIMEOUT:.0f} s:\n"
                               f"{server.output()[-4000:]}")
        time.sleep(0.2)


def _stop(process: subprocess.Popen) -> None:
    """Ctrl-C as a person would (the server deletes its uploads at shutdown), then harder if it hangs."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)  # its render workers too: the session is its own
        process.wait(timeout=10)
