"""Load benchmark of the web page: simulated organizers against a real `solidarity-print serve` on loopback.

    python bench/serve_load.py [--organizers 20] [--edits 25] [--max-seconds 600]

Starts the server on 127.0.0.1 (a free port, its own temporary folder), waits until its /healthz says
the warm-up is done (reported apart: its time and CPU), times the first preview after that, then runs the organizers at once, each changing their school name `--edits` times: every edit is a
POST /school/preview followed by the GETs of the preview images it names, as the page's script does.
Reports preview latency (POST and images) p50/p95 under that load and for one organizer alone, the
previews served per second, the time to make and download one school's ZIP,
errors, and the server's RSS (its own and with its render workers) before and after the load. Every
request goes to 127.0.0.1 only; the run is bounded by the request count and by --max-seconds.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

PREVIEW_IMAGE_RE = re.compile(r"/school/preview/[0-9a-f]{64}\.jpg")
DOWNLOAD_RE = re.compile(r"/school/kit/[A-Za-z0-9_\-]+/download")
REQUEST_TIMEOUT = 300.0  # seconds: the first preview pays the shared renders on a busy machine
ALONE_EDITS = 10


def school_form(name: str) -> dict[str, str]:
    """The school form as an organizer fills it in (field names are the roster's columns)."""
    return {"name": name, "club": "Gender & Sexuality Alliance", "contact_name": "Alex Rivera",
            "contact_email": "arivera@example.org", "meeting": "Room 204, Tuesdays at lunch",
            "languages": "en", "paper": "letter", "audience": "both", "grade_band": "high"}


def multipart(fields: dict[str, str]) -> tuple[bytes, str]:
    """A multipart/form-data body (what a browser sends for a form with a file input) and its content type."""
    boundary = uuid.uuid4().hex
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
             for key, value in fields.items()]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="logo"; filename=""\r\n'
                 "Content-Type: application/octet-stream\r\n\r\n\r\n".encode())
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class Client:
    """Counts every request and error; urllib over loopback, one connection per request."""

    def __init__(self, base: str):
        self.base = base
        self.requests = 0
        self.errors: list[str] = []
        self.lock = threading.Lock()

    def request(self, path: str, fields: dict[str, str] | None = None) -> bytes | None:
        """The response body, or None after recording the error (status >= 400 or no answer)."""
        data, headers = None, {}
        if fields is not None:
            data, headers["Content-Type"] = multipart(fields)
        try:
            with urllib.request.urlopen(urllib.request.Request(self.base + path, data=data, headers=headers),
                                        timeout=REQUEST_TIMEOUT) as response:
                body = response.read()
            error = None
        except urllib.error.HTTPError as exc:
            body, error = None, f"{exc.code} on {path.split('/kit/')[0]}"
        except (OSError, http.client.HTTPException) as exc:  # refused, reset, or cut off mid-body
            body, error = None, f"{type(exc).__name__} on {path.split('/kit/')[0]}"
        with self.lock:
            self.requests += 1
            if error:
                self.errors.append(error)
        return body

    def preview(self, name: str) -> float | None:
        """Seconds for one edit: the preview POST and the images it names; None if any of it failed."""
        start = time.perf_counter()
        body = self.request("/school/preview", school_form(name))
        if body is None:
            return None
        images = list(dict.fromkeys(PREVIEW_IMAGE_RE.findall(body.decode("utf-8", "replace"))))
        if not images:
            with self.lock:
                self.errors.append("a preview response that names no image")
            return None
        for image in images:
            if self.request(image) is None:
                return None
        return time.perf_counter() - start


def rss_mb(pid: int) -> tuple[float, float]:
    """Resident memory of the process and of it with all its descendants, in MB (from /proc)."""
    def own(p: int) -> int:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
        except OSError:
            pass
        return 0

    def children(p: int) -> list[int]:
        found = []
        for task in Path(f"/proc/{p}/task").glob("*"):
            try:
                found += [int(c) for c in (task / "children").read_text().split()]
            except OSError:
                pass
        return found

    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        total += own(p)
        stack += children(p)
    return own(pid) / 2**20, total / 2**20


def cpu_seconds(pid: int) -> tuple[float, float]:
    """User + system CPU seconds of the process alone, and with its live descendants and reaped children."""
    total, stack, tick, own = 0.0, [pid], os.sysconf("SC_CLK_TCK"), None
    while stack:
        p = stack.pop()
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # fields[11:15]: utime, stime, cutime, cstime (man 5 proc, counted after the command name)
        total += sum(int(v) for v in fields[11:15]) / tick
        own = sum(int(v) for v in fields[11:13]) / tick if own is None else own
        for task in Path(f"/proc/{p}/task").glob("*"):
            try:
                stack += [int(c) for c in (task / "children").read_text().split()]
            except OSError:
                pass
    return own or 0.0, total


def start_server(folder: Path) -> tuple[subprocess.Popen, str]:
    """`solidarity-print serve` on a free loopback port with `folder` as its TMPDIR; waits for /healthz."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = dict(os.environ, TMPDIR=str(folder))
    log = (folder / "server.log").open("wb")
    process = subprocess.Popen([sys.executable, "-m", "solidarity_print", "serve", "--host", "127.0.0.1",
                                "--port", str(port)], cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT,
                               start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=5):
                return process, base
        except OSError:
            time.sleep(0.2)
    stop_server(process)
    sys.exit(f"the server did not start; its output:\n{(folder / 'server.log').read_text()[-3000:]}")


def wait_warm(base: str) -> float:
    """Seconds until /healthz stops saying "warming" (the server's shared renders and workers ready)."""
    start = time.perf_counter()
    while time.perf_counter() - start < REQUEST_TIMEOUT:
        with urllib.request.urlopen(base + "/healthz", timeout=30) as response:
            if json.loads(response.read()).get("status") != "warming":
                break
        time.sleep(0.2)
    return time.perf_counter() - start


def stop_server(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def school_zip(client: Client) -> tuple[float, int]:
    """Seconds to submit the form (POST /school) and download the ZIP its page links to, and the ZIP's size."""
    start = time.perf_counter()
    page = client.request("/school", school_form("Lincoln High School"))
    link = DOWNLOAD_RE.search(page.decode("utf-8", "replace")) if page else None
    if not link:
        client.errors.append("the school page links no download")
        return float("nan"), 0
    data = client.request(link.group(0))
    return time.perf_counter() - start, len(data or b"")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--organizers", type=int, default=20)
    parser.add_argument("--edits", type=int, default=25)
    parser.add_argument("--max-seconds", type=float, default=600.0, help="stop the load after this long")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="serve-load-") as tmp:
        process, base = start_server(Path(tmp))
        try:
            client = Client(base)
            warming = wait_warm(base)
            warm_cpu = cpu_seconds(process.pid)[1]
            cold = client.preview("First Organizer School")  # the first visitor once the server is ready
            for n in range(3):
                client.preview(f"Warm-up School {n}")
            zip_seconds, zip_bytes = school_zip(client)
            alone = [client.preview(f"Lone Organizer High School, edit {n}") for n in range(ALONE_EDITS)]
            alone = [seconds for seconds in alone if seconds is not None]
            before = rss_mb(process.pid)
            cpu_before = cpu_seconds(process.pid)
            requests_before = client.requests
            latencies: list[float] = []
            deadline = time.monotonic() + args.max_seconds

            def organizer(number: int) -> None:
                for edit in range(args.edits):
                    if time.monotonic() > deadline:
                        return
                    seconds = client.preview(f"Organizer {number} High School, edit {edit}")
                    if seconds is not None:
                        with client.lock:
                            latencies.append(seconds)

            started = time.perf_counter()
            threads = [threading.Thread(target=organizer, args=(n,)) for n in range(args.organizers)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            load_seconds = time.perf_counter() - started
            cpu_after = cpu_seconds(process.pid)
            cpu_own, cpu_load = cpu_after[0] - cpu_before[0], cpu_after[1] - cpu_before[1]
            after = rss_mb(process.pid)
            warm_zip_seconds, _ = school_zip(client)
            exited = process.poll()
        finally:
            stop_server(process)
            server_log = (Path(tmp) / "server.log").read_text(errors="replace")

    load_requests = client.requests - requests_before
    print(f"{args.organizers} organizers x {args.edits} edits over loopback in {load_seconds:.1f} s "
          f"({len(latencies)} previews, {load_requests} requests), {os.cpu_count()} cores, "
          f"load average {os.getloadavg()[0]:.2f} at the end\n")
    print("| measure | value | target |")
    print("| --- | --- | --- |")
    print(f"| server warm-up after /healthz first answered (shared renders, one preview per worker) | {warming:.1f} s "
          f"(start and warm-up CPU {warm_cpu:.1f} s) | |")
    print(f"| first preview once /healthz says ok | {cold * 1000:.0f} ms | |" if cold else "| first preview | failed | |")
    if alone:
        print(f"| preview, one organizer alone, p50 / p95 | {statistics.median(alone) * 1000:.0f} / "
              f"{percentile(alone, 0.95) * 1000:.0f} ms | |")
    if latencies:
        print(f"| preview with {args.organizers} at once, p50 (POST + images) | "
              f"{statistics.median(latencies) * 1000:.0f} ms | |")
        print(f"| preview with {args.organizers} at once, p95 (POST + images) | "
              f"{percentile(latencies, 0.95) * 1000:.0f} ms | ≤ 500 ms |")
        print(f"| previews served per second under that load | {len(latencies) / load_seconds:.1f} | |")
        print(f"| server CPU per preview, with its render workers (the server alone) | "
              f"{cpu_load / len(latencies) * 1000:.0f} ms ({cpu_own / len(latencies) * 1000:.0f} ms) | |")
    print(f"| school ZIP (POST /school + download), warm | {warm_zip_seconds:.2f} s "
          f"(first {zip_seconds:.2f} s, {zip_bytes / 1e6:.1f} MB) | ≤ 1 s |")
    print(f"| errors | {len(client.errors)} of {client.requests} requests | 0 |")
    print(f"| server RSS before → after {load_requests} requests | {before[0]:.0f} → {after[0]:.0f} MB "
          f"(+{after[0] - before[0]:.0f}) | growth ≤ 50 MB |")
    print(f"| with its render workers | {before[1]:.0f} → {after[1]:.0f} MB (+{after[1] - before[1]:.0f}) | |")
    if exited is not None:
        print(f"\nthe server exited with {exited} during the run; the end of its output:\n{server_log[-3000:]}")
    if client.errors:
        print("\nerrors:", ", ".join(f"{e} x{client.errors.count(e)}" for e in dict.fromkeys(client.errors)))


if __name__ == "__main__":
    main()
