"""Incremental updates: a PDF plus only the objects that changed, instead of a rewrite of the whole file."""
from __future__ import annotations

import hashlib
import re
import struct
import zlib

import pikepdf

STARTXREF_RE = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*$")


def append_update(base: bytes, pdf: pikepdf.Pdf, changed: list[pikepdf.Object]) -> bytes:
    """`base` (the file `pdf` was opened from) followed by the `changed` indirect objects (new or
    modified) and a cross-reference stream pointing back at the base's, as PDF 1.5 allows.

    Personalising a packet changes a few dozen of its thousand-odd objects; writing just those
    makes the per-school cost independent of the size of the shared pages."""
    match = STARTXREF_RE.search(base[-64:])
    if match is None:
        raise ValueError("the base PDF has no startxref")
    previous = int(match.group(1))
    out = bytearray(base if base.endswith(b"\n") else base + b"\n")
    objects = sorted({o.objgen: o for o in changed}.values(), key=lambda o: o.objgen)
    entries: dict[int, tuple[int, int, int]] = {}  # number -> (type, field 2, field 3) of its xref row
    for obj in (o for o in objects if isinstance(o, pikepdf.Stream)):
        number, generation = obj.objgen
        entries[number] = (1, len(out), generation)
        raw = obj.read_raw_bytes()
        header = re.sub(rb"/Length \d+", b"/Length %d" % len(raw), obj.stream_dict.unparse(resolved=True), count=1)
        out += b"%d %d obj\n" % (number, generation) + header + b"\nstream\n" + raw + b"\nendstream\nendobj\n"
    # The other objects (structure elements, pages, the parent tree) go compressed into one object stream.
    plain = [o for o in objects if not isinstance(o, pikepdf.Stream)]
    numbers_seen = [n for n in entries] + [o.objgen[0] for o in plain]
    next_number = max(int(pdf.trailer.Size), max(numbers_seen, default=0) + 1)
    if plain:
        container = next_number
        next_number += 1
        bodies, index = [], []
        position = 0
        for order, obj in enumerate(plain):
            body = obj.unparse(resolved=True) + b"\n"
            index.append(b"%d %d" % (obj.objgen[0], position))
            bodies.append(body)
            position += len(body)
            entries[obj.objgen[0]] = (2, container, order)
        head = b" ".join(index) + b"\n"
        packed = zlib.compress(head + b"".join(bodies), 6)
        entries[container] = (1, len(out), 0)
        out += (b"%d 0 obj\n<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>\nstream\n"
                % (container, len(plain), len(head), len(packed))) + packed + b"\nendstream\nendobj\n"
    xref_number = next_number
    xref_offset = len(out)
    entries[xref_number] = (1, xref_offset, 0)
    numbers = sorted(entries)
    rows = b"".join(struct.pack(">BIH", *entries[n]) for n in numbers)
    index_text = " ".join(f"{n} 1" for n in numbers)
    first_id = bytes(pdf.trailer.ID[0]) if "/ID" in pdf.trailer else b""
    new_id = hashlib.md5(bytes(out[len(base):])).hexdigest()
    trailer = (f"<< /Type /XRef /Size {xref_number + 1} /W [1 4 2] /Index [{index_text}] /Prev {previous} "
               f"/Root {pdf.Root.objgen[0]} 0 R /Info {pdf.trailer.Info.objgen[0]} 0 R "
               f"/ID [<{first_id.hex()}> <{new_id}>] /Length {len(rows)} >>").encode("ascii")
    out += b"%d 0 obj\n" % xref_number + trailer + b"\nstream\n" + rows + b"\nendstream\nendobj\n"
    out += b"startxref\n%d\n%%%%EOF\n" % xref_offset
    return bytes(out)
