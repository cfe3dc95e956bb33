"""ZIPs in and out: a folder streamed to the client as a ZIP, and a logo ZIP unpacked without surprises."""
from __future__ import annotations

import stat
import struct
import zipfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

CHUNK = 256 * 1024
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")


class _Pipe:
    """A write-only file for zipfile whose bytes are taken away as they come (never the whole ZIP)."""

    def __init__(self):
        self.parts: list[bytes] = []
        self.offset = 0

    def write(self, data) -> int:
        self.parts.append(bytes(data))
        self.offset += len(data)
        return len(data)

    def tell(self) -> int:
        return self.offset

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data, self.parts = b"".join(self.parts), []
        return data


def stream_folder(folder: Path, files: list[str], prefix: str = "") -> Iterator[bytes]:
    """The ZIP of `files` (paths relative to `folder`) as chunks, each file read in CHUNK-sized parts.
    PDFs are compressed already, so entries are stored."""
    pipe = _Pipe()
    with zipfile.ZipFile(pipe, "w", compression=zipfile.ZIP_STORED) as archive:
        for name in files:
            with archive.open(prefix + name, "w", force_zip64=True) as target:
                offset = 0
                while chunk := _read_at(folder / name, offset):
                    offset += len(chunk)
                    target.write(chunk)
                    yield pipe.take()
            yield pipe.take()
    yield pipe.take()


def _read_at(path: Path, offset: int) -> bytes:
    """CHUNK bytes of `path` from `offset`, the file closed again before they are sent: a client that goes
    away leaves this generator suspended until it is collected, and it must not hold a file open meanwhile."""
    with path.open("rb") as source:
        source.seek(offset)
        return source.read(CHUNK)


class BadZip(Exception):
    """A logo ZIP that is not unpacked; the message says why, in words for the page."""


EOCD = b"PK\x05\x06"  # end of central directory record: 22 bytes and a comment of up to 65,535
ZIP64_LOCATOR = b"PK\x06\x07"  # 20 bytes just before it, pointing at the ZIP64 end record
ZIP64_EOCD = b"PK\x06\x06"


def check_directory(archive_path: Path, max_entries: int, max_directory_bytes: int) -> None:
    """Refuse (BadZip) a ZIP whose end record announces more than `max_entries` entries or a central
    directory over `max_directory_bytes`, reading only its tail: zipfile reads the whole central
    directory into memory before anyone can count it."""
    with archive_path.open("rb") as handle:
        size = handle.seek(0, 2)
        handle.seek(max(0, size - 22 - 65535 - 20))
        tail = handle.read()
        end = tail.rfind(EOCD)
        if end < 0 or len(tail) - end < 22:
            raise BadZip("the logos file is not a ZIP archive")
        entries, directory = struct.unpack("<HI", tail[end + 10:end + 16])
        locator = end - 20
        if locator >= 0 and tail[locator:locator + 4] == ZIP64_LOCATOR:
            (offset,) = struct.unpack("<Q", tail[locator + 8:locator + 16])
            handle.seek(offset)
            record = handle.read(56)
            if len(record) < 56 or record[:4] != ZIP64_EOCD:
                raise BadZip("the logos file is not a ZIP archive")
            entries, directory = struct.unpack("<QQ", record[32:48])
    if entries > max_entries:
        raise BadZip(f"the logos ZIP has {entries:,} entries; at most {max_entries:,} are accepted")
    if directory > max_directory_bytes:
        raise BadZip(f"the logos ZIP's list of files takes {directory:,} bytes; at most {max_directory_bytes:,} "
                     "are accepted")


def unpack_logos(archive_path: Path, folder: Path, max_entries: int, max_bytes: int) -> list[str]:
    """Unpack the images of a logo ZIP into `folder`, keeping their folders; refuses (BadZip) a ZIP with
    too many entries, paths leaving the folder, symbolic links, or more than `max_bytes` unpacked
    (counted while unpacking, not trusted from the header). Returns the names unpacked."""
    # A file name in a ZIP takes at most 65,535 bytes, but no logo needs more than 1 KB of name and header.
    check_directory(archive_path, max_entries, max_entries * 1024)
    try:
        archive = zipfile.ZipFile(archive_path)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise BadZip("the logos file is not a ZIP archive") from None
    with archive:
        entries = archive.infolist()
        if len(entries) > max_entries:
            raise BadZip(f"the logos ZIP has {len(entries):,} entries; at most {max_entries:,} are accepted")
        root = folder.resolve()
        for entry in entries:
            name = entry.filename
            path = PurePosixPath(name.replace("\\", "/"))
            if "\0" in name or path.is_absolute() or ".." in path.parts or ":" in name:
                raise BadZip(f"the logos ZIP has an entry whose path leaves its folder: {name[:80]!r}")
            if stat.S_ISLNK(entry.external_attr >> 16):
                raise BadZip(f"the logos ZIP has a symbolic link, which is not accepted: {name[:80]!r}")
        written, unpacked = 0, []
        for entry in entries:
            if entry.is_dir() or PurePosixPath(entry.filename).suffix.lower() not in IMAGE_SUFFIXES:
                continue
            target = (root / entry.filename.replace("\\", "/")).resolve()
            if not target.is_relative_to(root):
                raise BadZip(f"the logos ZIP has an entry whose path leaves its folder: {entry.filename[:80]!r}")
            try:  # a folder named like a file in the archive, or a name too long, fails here too
                target.parent.mkdir(parents=True, exist_ok=True)
                with archive.open(entry) as source, target.open("wb") as sink:
                    while chunk := source.read(CHUNK):
                        written += len(chunk)
                        if written > max_bytes:
                            raise BadZip(f"the logos ZIP unpacks to more than {max_bytes // 1024 // 1024} MB; "
                                         "is it really a folder of logos?")
                        sink.write(chunk)
            except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError) as exc:
                raise BadZip(f"the logos ZIP cannot be unpacked at {entry.filename[:80]!r}: {exc}") from None
            unpacked.append(entry.filename)
        return unpacked
