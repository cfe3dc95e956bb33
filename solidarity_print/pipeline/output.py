"""Writing results: atomic files (never a half-written PDF at a final path) and manifest.json."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ..errors import OutputError

MANIFEST = "manifest.json"


@dataclass
class ManifestEntry:
    """One written file, as print shops and scripts see it."""

    path: str
    kind: str
    lang: str
    focus_day: str | None
    school: str | None
    paper: str
    pages: int
    sha256: str
    title: str
    tagged: bool = True
    purpose: str = "screen"  # "print": a file made for paper (press/), beside the accessible one
    extra: dict = field(default_factory=dict)

    def as_json(self) -> dict:
        """The manifest's JSON object for this file."""
        data = {key: value for key, value in vars(self).items() if key != "extra"}
        data.update(self.extra)
        return data


def safe_join(out: Path, relative: str) -> Path:
    """`out / relative`, refusing anything that would land outside `out`."""
    rel = PurePosixPath(relative)
    if rel.is_absolute() or ".." in rel.parts or not rel.parts:
        raise OutputError(f"refusing to write outside the output folder: {relative}")
    return out.joinpath(*rel.parts)


def check_unique_paths(paths: list[str]) -> None:
    """Two outputs claiming one path would silently overwrite each other: that is an error."""
    seen: dict[str, str] = {}
    for path in paths:
        key = path.casefold()  # one file on case-insensitive file systems (macOS, Windows)
        if key in seen:
            raise OutputError(f"two outputs would be written to the same file: {seen[key]} and {path}")
        seen[key] = path


def write_atomic(path: Path, data: bytes, durable: bool = True) -> None:
    """Write `data` to a temporary file beside `path`, flush it to disk (unless the caller syncs
    later, or does not need to), then rename it into place."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.part")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(tmp, "wb")
    except OSError as exc:
        raise OutputError(f"cannot write to {path.parent}: {exc.strerror or exc}") from None
    try:
        with handle:
            handle.write(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None


def sha256(data: bytes) -> str:
    """Hex SHA-256 of `data`."""
    return hashlib.sha256(data).hexdigest()


def write_manifest(out: Path, entries: list[ManifestEntry]) -> Path:
    """Write OUT/manifest.json listing every file of the build, sorted by path, one file per line."""
    files = [json.dumps(e.as_json(), ensure_ascii=False) for e in sorted(entries, key=lambda e: e.path)]
    path = out / MANIFEST
    write_atomic(path, ('{"files": [\n' + ",\n".join(files) + "\n]}\n").encode("utf-8"))
    return path


class Staging:
    """Collects a build's files beside their final place and moves them there only when all are made.

    Files are written under OUT/.staging-*/ as they finish, so memory stays flat however many
    schools there are; `commit` renames each into place (atomic on one file system); leaving the
    block without `commit` removes everything, so a failed build writes nothing."""

    def __init__(self, out: Path):
        self.out = out
        self.paths: list[str] = []

    def __enter__(self) -> "Staging":
        self.created_out = not self.out.exists()
        try:
            self.out.mkdir(parents=True, exist_ok=True)
            for stale in self.out.glob(".staging-*"):  # left by a build that was killed
                shutil.rmtree(stale, ignore_errors=True)
            self.folder = Path(tempfile.mkdtemp(prefix=".staging-", dir=self.out))
        except OSError as exc:
            raise OutputError(f"cannot write to {self.out}: {exc.strerror or exc}") from None
        return self

    def add(self, relative: str, data: bytes) -> None:
        """Stage one finished file (flat in the staging folder: one folder per school is made once, at commit)."""
        staged = self.folder / f"{len(self.paths)}-{PurePosixPath(relative).name}"
        try:
            staged.write_bytes(data)  # synced once, in commit
        except OSError as exc:
            raise OutputError(f"cannot write to {self.folder}: {exc.strerror or exc}") from None
        self.paths.append(relative)

    def commit(self) -> None:
        """Move every staged file to its final path, after one sync that puts them all on disk."""
        os.sync()
        folders: set[Path] = set()
        for index, relative in enumerate(self.paths):
            target = safe_join(self.out, relative)
            try:
                if target.parent not in folders:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    folders.add(target.parent)
                os.replace(self.folder / f"{index}-{target.name}", target)
            except OSError as exc:
                raise OutputError(f"cannot write {target}: {exc.strerror or exc}") from None
        self.committed = True

    def __exit__(self, *exc_info) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
        if not getattr(self, "committed", False) and self.created_out:
            shutil.rmtree(self.out, ignore_errors=True)
