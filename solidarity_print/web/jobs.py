"""Token folders (kits and district jobs), a bounded queue of jobs, and deletion when their time is up."""
from __future__ import annotations

import os
import re
import secrets
import shutil
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{32}$")
MEASURE_SECONDS = 2.0  # the data folder's size is measured again at most this often


class Full(Exception):
    """No room for another kit or job: too many live tokens, or too many bytes under the data folder."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason  # "tokens" or "disk"


@dataclass
class Entry:
    """One token's folder: a school kit or a district job, and how far its build is."""

    token: str
    folder: Path
    kind: str  # "kit" | "job"
    created: float = field(default_factory=time.monotonic)
    state: str = "ready"  # kit: ready; job: queued, running, done, failed
    schools: int = 0
    files_total: int = 0
    files_done: int = 0
    started: float | None = None
    finished: float | None = None
    message: str = ""
    files: list[str] = field(default_factory=list)  # the built files, relative to folder/out
    details: dict = field(default_factory=dict)

    @property
    def out(self) -> Path:
        return self.folder / "out"

    def rate(self) -> float:
        """Files per second since the build started."""
        if not self.started or not self.files_done:
            return 0.0
        return self.files_done / max((self.finished or time.monotonic()) - self.started, 1e-6)

    def seconds_left(self) -> float | None:
        rate = self.rate()
        return (self.files_total - self.files_done) / rate if rate else None

    def schools_done(self) -> int:
        """Schools finished, counted from the files (every school has about as many)."""
        if self.state == "done":
            return self.schools
        return self.schools * self.files_done // self.files_total if self.files_total else 0


class Tokens:
    """Every live token folder under `root`: made with secrets.token_urlsafe, found only by exact token,
    deleted after `lifetime` seconds (not while its job runs) and all of them at close."""

    def __init__(self, root: Path, lifetime: float, most: int = 0, data: Path | None = None, max_bytes: int = 0):
        """At most `most` live tokens and `max_bytes` under the `data` folder (0: no limit)."""
        self.root = root
        self.lifetime = lifetime
        self.most, self.data, self.max_bytes = most, data or root, max_bytes
        self._entries: dict[str, Entry] = {}
        self._lock = threading.Lock()
        self._measured: tuple[float, int] | None = None

    def new(self, kind: str) -> Entry:
        """A new token and its folder; Full when the server has no room for it (before any work starts)."""
        if self.most and len(self._entries) >= self.most:
            self.sweep()  # expired ones not swept yet make room
            if len(self._entries) >= self.most:
                raise Full("tokens")
        if self.max_bytes and self.used_bytes() >= self.max_bytes:
            raise Full("disk")
        token = secrets.token_urlsafe(24)  # 32 characters, 192 random bits
        folder = self.root / token
        folder.mkdir(parents=True)
        entry = Entry(token, folder, kind)
        with self._lock:
            self._entries[token] = entry
        return entry

    def get(self, token: str, kind: str) -> Entry | None:
        """The entry of `token` if it is live and of this kind; None for anything else."""
        if not TOKEN_RE.match(token):
            return None
        with self._lock:
            entry = self._entries.get(token)
        if entry is None or entry.kind != kind or self._expired(entry):
            return None
        return entry

    def drop(self, entry: Entry) -> None:
        with self._lock:
            self._entries.pop(entry.token, None)
        shutil.rmtree(entry.folder, ignore_errors=True)

    def sweep(self) -> int:
        """Delete every expired entry; returns how many."""
        with self._lock:
            old = [e for e in self._entries.values() if self._expired(e)]
        for entry in old:
            self.drop(entry)
        return len(old)

    def close(self) -> None:
        with self._lock:
            entries = list(self._entries.values())
        for entry in entries:
            self.drop(entry)

    def used_bytes(self) -> int:
        """Bytes of the files under the data folder (uploads, kits, jobs and the render cache)."""
        now = time.monotonic()
        if self._measured is None or now - self._measured[0] > MEASURE_SECONDS:
            total = 0
            for folder, _, files in os.walk(self.data):
                for name in files:
                    try:
                        total += os.lstat(os.path.join(folder, name)).st_size
                    except OSError:  # deleted meanwhile
                        pass
            self._measured = (now, total)
        return self._measured[1]

    def _expired(self, entry: Entry) -> bool:
        return entry.state not in ("queued", "running") and time.monotonic() - entry.created > self.lifetime


class Queue:
    """Runs at most `at_once` jobs; the rest wait in order, each knowing its place."""

    def __init__(self, at_once: int, waiting: int):
        self.waiting = waiting
        self._pool = ThreadPoolExecutor(max_workers=at_once, thread_name_prefix="district-job")
        self._queued: list[Entry] = []
        self._lock = threading.Lock()

    def submit(self, entry: Entry, run: Callable[[Entry], None]) -> bool:
        """Queue `entry` to be run by `run`; False when the queue is full."""
        with self._lock:
            if len(self._queued) >= self.waiting:
                return False
            entry.state = "queued"
            self._queued.append(entry)
        self._pool.submit(self._run, entry, run)
        return True

    def position(self, entry: Entry) -> int:
        """1 for the next job to start; 0 when it is not waiting."""
        with self._lock:
            return self._queued.index(entry) + 1 if entry in self._queued else 0

    def _run(self, entry: Entry, run: Callable[[Entry], None]) -> None:
        with self._lock:
            self._queued.remove(entry)
        entry.state, entry.started = "running", time.monotonic()
        try:
            run(entry)
            entry.state = "done"
        except Exception as exc:  # noqa: BLE001 - the page shows the message; nothing else may see it
            entry.state, entry.message = "failed", str(exc)
        finally:
            entry.finished = time.monotonic()
            entry.created = entry.finished  # its lifetime counts from the end of the build

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
