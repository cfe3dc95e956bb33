"""A content-addressed cache of finished files that survives between builds (and killed builds)."""
from __future__ import annotations

import hashlib
import json
import os
import pickle
from dataclasses import asdict
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path

from .output import ManifestEntry, write_atomic
from .resources import ASSETS, TEMPLATES

FORMAT = "2"  # bump when what is stored changes shape


def default_folder() -> Path:
    """$XDG_CACHE_HOME/solidarity-print, or ~/.cache/solidarity-print."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "solidarity-print"


class Cache:
    """Finished PDFs and their manifest entries under a key that names every input they came from."""

    def __init__(self, folder: Path):
        self.folder = folder

    def get(self, key: str) -> tuple[bytes, ManifestEntry] | None:
        """The stored file and entry for `key`, or None (a damaged entry counts as missing)."""
        try:
            stored = self._path(key).read_bytes()
            header, data = stored.split(b"\n", 1)
            entry = ManifestEntry(**json.loads(header))
        except (OSError, ValueError, TypeError):
            return None
        return (data, entry) if hashlib.sha256(data).hexdigest() == entry.sha256 else None

    def put(self, key: str, data: bytes, entry: ManifestEntry) -> None:
        """Store a finished file (one line of JSON for its entry, then the PDF); failures to write
        the cache never fail a build."""
        header = json.dumps(asdict(entry), ensure_ascii=False).encode("utf-8")
        try:
            # No fsync: a torn entry fails its checksum and is rendered again.
            write_atomic(self._path(key), header + b"\n" + data, durable=False)
        except Exception:  # noqa: BLE001 - a full disk or read-only cache only costs speed
            pass

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / key


def inputs_fingerprint(campaign, options) -> str:
    """A hash of everything a build's output depends on besides the school: tool and WeasyPrint
    versions, the campaign (its words, dates, guide), the build options, every theme and override
    file, and the user PDFs it excerpts."""
    digest = hashlib.sha256()
    digest.update(f"{FORMAT}|{version('solidarity-print')}|{version('weasyprint')}|{version('pikepdf')}".encode())
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
