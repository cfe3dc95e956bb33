"""Writing results: atomic files (never a half-written PDF at a final path) and manifest.json."""
from __future__ import annotations

import hashlib
import heapq
import json
import os
import shutil
import tempfile
import threading
import weakref
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, fields
from itertools import islice
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
    purpose: str = "screen"  # "print" for files made for a printer or print shop (press/), beside the accessible one
    extra: dict = field(default_factory=dict)
    trim: list[float] | None = None  # print-shop files: the trim size in points
    bleed: float | None = None  # print-shop files: the bleed on each side in points

    def as_json(self) -> dict:
        """The manifest's JSON object for this file (trim and bleed only where a file has them)."""
        data = {key: value for key, value in vars(self).items()
                if key != "extra" and not (key in ("trim", "bleed") and value is None)}
        data.update(self.extra)
        return data

    @classmethod
    def from_json(cls, data: dict) -> "ManifestEntry":
        """The entry a manifest's JSON object describes (keys it does not know go to `extra`)."""
        names = {f.name for f in fields(cls)} - {"extra"}
        return cls(**{name: data.get(name) for name in names},
                   extra={key: value for key, value in data.items() if key not in names})


def safe_join(out: Path, relative: str) -> Path:
    """`out / relative`, refusing anything that would land outside `out`."""
    rel = PurePosixPath(relative)
    if rel.is_absolute() or ".." in rel.parts or not rel.parts:
        raise OutputError(f"refusing to write outside the output folder: {relative}")
    return out.joinpath(*rel.parts)


def output_path(out: Path, relative: str) -> str:
    """safe_join as a string, without pathlib for the plain relative paths a build makes (a build
    checks every path it plans, and pathlib costs more than the rest of the check)."""
    parts = relative.split("/")
    if "" in parts or "." in parts or ".." in parts or "\\" in relative:
        return str(safe_join(out, relative))  # an unusual spelling: the careful check
    return os.path.join(out, relative)


def check_unique_paths(paths: list[str]) -> None:
    """Two outputs claiming one path would silently overwrite each other: that is an error."""
    seen: dict[str, str] = {}
    for path in paths:
        key = path.casefold()  # one file on case-insensitive file systems (macOS, Windows)
        if key in seen:
            raise OutputError(f"two outputs would be written to the same file: {seen[key]} and {path}")
        seen[key] = path


def write_atomic(path: Path | str, data: bytes | Iterable[bytes], durable: bool = True) -> None:
    """Write `data` (bytes, or pieces one after another) to a temporary file beside `path`, flush it
    to disk (unless the caller syncs later, or does not need to), then rename it into place."""
    folder, name = os.path.split(os.fspath(path))  # strings: pathlib costs more than a small file's write
    tmp = os.path.join(folder, f".{name}.{os.getpid()}.{threading.get_ident()}.part")
    try:
        try:
            handle = open(tmp, "wb")
        except FileNotFoundError:  # its folder is new: making it only then saves a call per file
            os.makedirs(folder, exist_ok=True)
            handle = open(tmp, "wb")
    except OSError as exc:
        raise OutputError(f"cannot write to {folder}: {exc.strerror or exc}") from None
    try:
        with handle:
            handle.write(data) if isinstance(data, bytes) else handle.writelines(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None


def sha256(data: bytes) -> str:
    """Hex SHA-256 of `data`."""
    return hashlib.sha256(data).hexdigest()


def write_manifest(out: Path, entries: Sequence[ManifestEntry], also: Iterable[ManifestEntry] = ()) -> Path:
    """Write OUT/manifest.json listing `entries` and `also`, sorted by path, one file per line; an
    EntryLog's entries are read back from its file one at a time, never all held at once."""
    if isinstance(entries, EntryLog):
        ordered = entries.in_path_order(also)
    else:
        ordered = iter(sorted([*entries, *also], key=lambda e: e.path))
    path = out / MANIFEST
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.part")
    try:
        with open(tmp, "w", encoding="utf-8") as handle:
            handle.write('{"files": [')
            for number, entry in enumerate(ordered):
                handle.write(("\n" if number == 0 else ",\n") + json.dumps(entry.as_json(), ensure_ascii=False))
            handle.write("\n]}\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
    return path


RUN = 4096  # entries sorted in memory at once when a manifest is put in path order


class EntryLog(Sequence):
    """A build's manifest entries in the order they finished, kept in an unnamed temporary file (one
    JSON line each) and read back on demand: what stays in memory is an offset (8 bytes) per file."""

    def __init__(self):
        self._file = tempfile.TemporaryFile()
        weakref.finalize(self, self._file.close)  # the file goes with the last reference to the entries
        self._offsets = array("q")
        self._end = 0

    def append(self, path: str, entry: ManifestEntry) -> None:
        """Add `entry` (whose path is `path`)."""
        line = entry_line(entry)
        self._file.seek(self._end)
        self._file.write(line)
        self._offsets.append(self._end)
        self._end += len(line)

    def __len__(self) -> int:
        return len(self._offsets)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        self._file.seek(self._offsets[index])
        return ManifestEntry(**json.loads(self._file.readline()))

    def __iter__(self) -> Iterator[ManifestEntry]:
        for index in range(len(self)):
            yield self[index]

    def lines(self) -> Iterator[bytes]:
        """Each entry as its JSON line, in the order they were added."""
        for offset in self._offsets:
            self._file.seek(offset)
            yield self._file.readline()

    def in_path_order(self, also: Iterable[ManifestEntry] = ()) -> Iterator[ManifestEntry]:
        """These entries and `also` (another EntryLog, or a list), merged in path order, sorted on disk."""
        others = also.lines() if isinstance(also, EntryLog) else map(entry_line, also)
        for line in heapq.merge(*(sorted_on_disk(lines, path_of) for lines in (self.lines(), others)), key=path_of):
            yield ManifestEntry(**json.loads(line))


def entry_line(entry: ManifestEntry) -> bytes:
    """`entry` as an EntryLog's line."""
    return json.dumps(vars(entry), ensure_ascii=False).encode("utf-8") + b"\n"


def path_of(line: bytes) -> str:
    """The path of an EntryLog line (its first key, as vars(ManifestEntry) orders them)."""
    return _DECODER.raw_decode(line.decode("utf-8"), len('{"path": '))[0]


_DECODER = json.JSONDecoder()


def sorted_on_disk(lines: Iterable[bytes], key: Callable[[bytes], str]) -> Iterator[bytes]:
    """`lines` (each ending in a newline) in `key` order: sorted RUN at a time into temporary files,
    then merged, so that no more than RUN lines are held at once."""
    runs, lines = [], iter(lines)
    while chunk := sorted(islice(lines, RUN), key=key):
        run = tempfile.TemporaryFile()
        run.writelines(chunk)
        run.seek(0)
        runs.append(run)
        del chunk  # before the next is read: one run in memory, not two
    return heapq.merge(*map(_lines_of, runs), key=key)


def _lines_of(run) -> Iterator[bytes]:
    with run:
        yield from run


class Staging:
    """Collects a build's files beside their final place and moves them there only when all are made.

    Files are written under OUT/.staging-*/ as they finish, so memory stays flat however many
    schools there are; `commit` renames each into place (atomic on one file system); leaving the
    block without `commit` removes everything, so a failed build writes nothing."""

    def __init__(self, out: Path):
        self.out = out
        self.count = 0  # files staged

    def __enter__(self) -> "Staging":
        self.created_out = not self.out.exists()
        try:
            self.out.mkdir(parents=True, exist_ok=True)
            for stale in self.out.glob(".staging-*"):  # left by a build that was killed
                shutil.rmtree(stale, ignore_errors=True)
            self.folder = Path(tempfile.mkdtemp(prefix=".staging-", dir=self.out))
            # Where each staged file goes, a line each in staging order: not a list that grows with the files.
            self.index = open(os.path.join(self.folder, ".index"), "w", encoding="utf-8", newline="\n")
        except OSError as exc:
            raise OutputError(f"cannot write to {self.out}: {exc.strerror or exc}") from None
        return self

    def add(self, relative: str, data: bytes | Iterable[bytes]) -> None:
        """Stage one finished file, its bytes whole or a piece at a time (flat in the staging folder:
        one folder per school is made once, at commit)."""
        staged = os.path.join(self.folder, f"{self.count}-{relative.rpartition('/')[2]}")
        if "\n" in relative:  # the index's separator
            raise OutputError(f"cannot write a file whose name holds a line break: {relative!r}")
        try:
            with open(staged, "wb") as handle:  # synced once, in commit
                handle.write(data) if isinstance(data, bytes) else handle.writelines(data)
            self.index.write(relative + "\n")
        except OSError as exc:
            raise OutputError(f"cannot write to {self.folder}: {exc.strerror or exc}") from None
        self.count += 1

    def commit(self) -> None:
        """Move every staged file to its final path, after one sync that puts them all on disk."""
        self.index.close()
        os.sync()
        with open(self.index.name, encoding="utf-8", newline="\n") as lines:
            self._move(lines)
        self.committed = True

    def _move(self, lines: Iterable[str]) -> None:
        folders: set[str] = set()  # made already: a school's files are staged close together
        for index, relative in enumerate(line[:-1] for line in lines):
            target = output_path(self.out, relative)
            parent, name = os.path.split(target)
            try:
                if parent not in folders:
                    os.makedirs(parent, exist_ok=True)
                    if len(folders) > 1024:  # those of schools long done
                        folders.clear()
                    folders.add(parent)
                os.replace(os.path.join(self.folder, f"{index}-{name}"), target)
            except OSError as exc:
                raise OutputError(f"cannot write {target}: {exc.strerror or exc}") from None

    def __exit__(self, *exc_info) -> None:
        self.index.close()
        shutil.rmtree(self.folder, ignore_errors=True)
        if not getattr(self, "committed", False) and self.created_out:
            shutil.rmtree(self.out, ignore_errors=True)
