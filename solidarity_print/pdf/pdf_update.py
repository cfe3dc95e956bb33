"""Incremental updates written as bytes: a PDF, then only the objects that changed and a new cross-reference stream."""
from __future__ import annotations

import hashlib
import struct
import zlib
from dataclasses import dataclass


@dataclass(frozen=True)
class Trailer:
    """What an update must know of the file it extends (all objects generation 0)."""

    startxref: int  # where the file's last cross-reference section starts
    size: int  # its /Size: the first object number an update may add
    root: int
    info: int
    first_id: bytes  # the first half of /ID, which stays the same across updates


def pdf_text(text: str) -> bytes:
    """A PDF text string: literal when plain ASCII, else UTF-16BE with its byte-order mark."""
    if all(" " <= c <= "~" for c in text):
        return b"(" + text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)").encode("ascii") + b")"
    return b"<feff" + text.encode("utf-16-be").hex().encode("ascii") + b">"


def deflate(data: bytes, level: int = 6) -> bytes:
    """`data` zlib-compressed with a window no larger than it needs: zlib.compress sets up its full
    32 KB window and hash tables for every call, which costs ten times more than compressing the
    kilobyte or so a school's update streams hold (the output is as small)."""
    bits = max(9, min(15, len(data).bit_length()))
    compressor = zlib.compressobj(level, zlib.DEFLATED, bits, max(1, min(8, bits - 6)))
    return compressor.compress(data) + compressor.flush()


@dataclass(frozen=True)
class Packed:
    """Objects packed once into a compressed object stream numbered `container`, to be appended
    unchanged to many files: what every school's update of one shared render repeats."""

    container: int
    numbers: tuple[int, ...]
    body: bytes  # the object stream as written after "N 0 obj\n", its endobj line included


def pack(objects: dict[int, bytes], container: int) -> Packed:
    """`objects` (number -> body) as one object stream numbered `container`."""
    numbers, body = _object_stream(objects)
    return Packed(container, numbers, body)


def _object_stream(objects: dict[int, bytes]) -> tuple[tuple[int, ...], bytes]:
    """The numbers of `objects` in their order in the stream, and the stream after "N 0 obj\n"."""
    numbers = tuple(sorted(objects))
    index, bodies, position = [], [], 0
    for number in numbers:
        index.append(b"%d %d" % (number, position))
        bodies.append(objects[number])
        position += len(objects[number]) + 1
    head = b" ".join(index) + b"\n"
    packed = deflate(head + b"\n".join(bodies) + b"\n", 6)
    return numbers, (b"<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>\nstream\n"
                     % (len(numbers), len(head), len(packed))) + packed + b"\nendstream\nendobj\n"


@dataclass(frozen=True)
class Extension:
    """A file written as an update of a base file: the base, its first len(`head`) bytes replaced by
    `head`, then `tail`. Kept apart from the base so that the files made from one base (a school's
    print files from its poster) neither copy nor send nor cache the base's bytes once per file."""

    head: bytes
    tail: bytes

    def parts(self, base: bytes) -> tuple[bytes | memoryview, ...]:
        """The file's bytes in pieces, for writelines or a hash: none of them a copy of `base`."""
        return self.head, memoryview(base)[len(self.head):], self.tail

    def join(self, base: bytes) -> bytes:
        """The file's bytes."""
        return b"".join(self.parts(base))


def append_update(base: bytes, trailer: Trailer, objects: dict[int, bytes],
                  streams: dict[int, tuple[bytes, bytes]], packed: Packed | None = None) -> bytes:
    """`base` followed by an update: `objects` (number -> body, e.g. b"<< /S /P >>") packed into one
    compressed object stream, `streams` (number -> (dictionary entries but /Length, encoded data))
    written plainly, `packed` (objects packed before, none of them among `objects`) as it is, and a
    cross-reference stream pointing back at the base's, as PDF 1.5 allows.

    A school's packet changes a few dozen of the shared render's thousand-odd objects; writing only
    those keeps the per-school cost independent of the size of the shared pages."""
    return extend(base, trailer, objects, streams, packed).join(base)


def extend(base: bytes, trailer: Trailer, objects: dict[int, bytes], streams: dict[int, tuple[bytes, bytes]],
           packed: Packed | None = None, head: bytes = b"") -> Extension:
    """append_update of `base` (with `head` in place of its first bytes, which must leave every
    offset as it is) as an Extension: the update alone, written for a file that starts with `base`."""
    out = bytearray(b"" if base.endswith(b"\n") else b"\n")
    start = len(base)  # the file's offset of out[0]
    entries: dict[int, tuple[int, int, int]] = {}  # number -> its xref row (type, field 2, field 3)
    for number in sorted(streams):
        entries_text, data = streams[number]
        entries[number] = (1, start + len(out), 0)
        out += b"%d 0 obj\n<< %s /Length %d >>\nstream\n" % (number, entries_text, len(data))
        out += data + b"\nendstream\nendobj\n"
    next_number = max([trailer.size, *(n + 1 for n in objects), *(n + 1 for n in streams)])
    object_streams = []  # (number, its objects' numbers, body)
    if packed:
        object_streams.append((packed.container, packed.numbers, packed.body))
        next_number = max(next_number, packed.container + 1)
    if objects:
        object_streams.append((next_number, *_object_stream(objects)))
        next_number += 1
    for container, numbers, body in object_streams:
        entries[container] = (1, start + len(out), 0)
        out += b"%d 0 obj\n" % container + body
        entries.update((number, (2, container, order)) for order, number in enumerate(numbers))
    xref_number, xref_offset = next_number, start + len(out)
    entries[xref_number] = (1, xref_offset, 0)
    numbers = sorted(entries)
    rows = b"".join(struct.pack(">BIH", *entries[n]) for n in numbers)
    second_id = hashlib.md5(out).hexdigest().encode("ascii")
    out += (b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Index [%s] /Prev %d /Root %d 0 R /Info %d 0 R "
            b"/ID [<%s> <%s>] /Length %d >>\nstream\n"
            % (xref_number, xref_number + 1, _index(numbers), trailer.startxref, trailer.root, trailer.info,
               trailer.first_id.hex().encode("ascii"), second_id, len(rows)))
    out += rows + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref_offset
    return Extension(head, bytes(out))


def _index(numbers: list[int]) -> bytes:
    """The /Index of a cross-reference stream: runs of consecutive object numbers."""
    runs: list[list[int]] = []
    for number in numbers:
        if runs and runs[-1][0] + runs[-1][1] == number:
            runs[-1][1] += 1
        else:
            runs.append([number, 1])
    return b" ".join(b"%d %d" % (first, count) for first, count in runs)
