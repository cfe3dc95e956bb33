"""A content-addressed cache of finished files that survives between builds (and killed builds)."""
from __future__ import annotations

import fcntl
import hashlib
import json
import os
import pickle
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path

from ..resources import ASSETS, TEMPLATES
from .output import ManifestEntry, write_atomic

FORMAT = "2"  # bump when what is stored changes shape
PACKAGE = Path(__file__).resolve().parents[1]  # its code: a checkout changes it without a new version


def default_folder() -> Path:
    """$XDG_CACHE_HOME/solidarity-print, or ~/.cache/solidarity-print."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "solidarity-print"


class Cache:
    """Finished PDFs and their manifest entries under a key that names every input they came from."""

    def __init__(self, folder: Path):
        self.folder = folder

    def get(self, key: str) -> tuple[bytes, ManifestEntry] | None:
        """The stored file and entry for `key`, or None."""
        record = self.get_record(key)
        if record is None:
            return None
        details, data = record
        try:
            return data, ManifestEntry(**details)
        except TypeError:
            return None

    def put(self, key: str, data: bytes, entry: ManifestEntry) -> None:
        """Store a finished file with its manifest entry."""
        self.put_record(key, dict(vars(entry)), data, digest=entry.sha256)

    def get_record(self, key: str) -> tuple[dict, bytes] | None:
        """The details and bytes stored under `key`, or None (a damaged record counts as missing)."""
        path = self._file(key)
        try:
            with open(path, "rb") as handle:
                stored = handle.read()
            header, data = stored.split(b"\n", 1)
            details = json.loads(header)
        except (OSError, ValueError):
            return None
        if not isinstance(details, dict) or hashlib.sha256(data).hexdigest() != details.get("sha256"):
            return None
        try:
            os.utime(path)  # its modification time says when it was last used (cache_cap.trim)
        except OSError:
            pass
        return details, data

    def put_record(self, key: str, details: dict, data: bytes | Sequence[bytes], digest: str | None = None) -> None:
        """Store `data` (bytes, or pieces stored one after another) with its details (one line of
        JSON, with the data's SHA-256, then the bytes); `digest` is that SHA-256 when the caller has
        it already. Failures to write the cache never fail a build."""
        pieces = [data] if isinstance(data, bytes) else data
        if digest is None:
            hashed = hashlib.sha256()
            for piece in pieces:
                hashed.update(piece)
            digest = hashed.hexdigest()
        header = json.dumps(dict(details, sha256=digest), ensure_ascii=False).encode("utf-8")
        try:
            # No fsync: a torn record fails its checksum and is made again.
            write_atomic(self._file(key), [header, b"\n", *pieces], durable=False)
        except Exception:  # noqa: BLE001 - a full disk or read-only cache only costs speed
            pass

    @contextmanager
    def locked(self, key: str) -> Iterator[None]:
        """Hold `key` against other processes (on this machine or a shared file system), so that one
        makes what every other one waits for and then reads; without a lock it only costs time."""
        try:
            self._path(key).parent.mkdir(parents=True, exist_ok=True)
            handle = open(self._path(key).with_suffix(".lock"), "a+b")
        except OSError:
            yield
            return
        with handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX)
            except OSError:
                pass
            yield  # closing the file releases the lock

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / key

    def _file(self, key: str) -> str:
        """_path as a string: a build looks up and stores tens of thousands of records, and pathlib
        costs more than the lookup itself."""
        return os.path.join(self.folder, key[:2], key)


def shared_key(fingerprint: str, *parts: object) -> str:
    """The key of something a build shares between schools (a render every school's packet starts from)."""
    return hashlib.sha256("|".join([fingerprint, "shared", *map(str, parts)]).encode()).hexdigest()


@lru_cache(maxsize=1)
def _tool_versions() -> str:
    """The versions and code that change output (read once: importlib.metadata scans the installed
    packages). The package's own files count too: in a git checkout or an editable install the
    code changes while the version stays, and a cache would hand back files the old code made."""
    return f"{FORMAT}|{version('solidarity-print')}|{version('weasyprint')}|{version('pikepdf')}|{_tree_hash(PACKAGE)}"


def inputs_fingerprint(campaign, options) -> str:
    """A hash of everything a build's output depends on besides the school: tool and WeasyPrint
    versions, the campaign (its words, dates, guide), the build options, every theme and override
    file, and the user PDFs it excerpts."""
    digest = hashlib.sha256()
    digest.update(_tool_versions().encode())
    digest.update(pickle.dumps((campaign, options)))
    folders = [TEMPLATES, ASSETS, campaign.folder / "overrides"]
    for folder in folders:
        digest.update(_tree_hash(folder).encode())
    for excerpt in campaign.excerpts:
        digest.update(file_hash(excerpt.source).encode())
    return digest.hexdigest()


def item_key(fingerprint: str, path: str, school) -> str:
    """The key of one output file: the build's inputs, the file's path, and its school's row (with
    the logo's bytes, which the row only names)."""
    digest = hashlib.sha256(f"{fingerprint}|{path}".encode())
    if school is not None:
        digest.update(pickle.dumps(school))
        if school.logo:
            digest.update(file_hash(school.logo).encode())
    return digest.hexdigest()


@lru_cache(maxsize=4096)
def _cached_file_hash(path: str, size: int, mtime_ns: int) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def file_hash(path: Path) -> str:
    """SHA-256 of a file, remembered while its size and modification time stay the same."""
    stat = path.stat()
    return _cached_file_hash(str(path), stat.st_size, stat.st_mtime_ns)


def _tree_hash(folder: Path) -> str:
    if not folder.is_dir():
        return "-"
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(f"{path.relative_to(folder).as_posix()}|{file_hash(path)}".encode())
    return digest.hexdigest()
