"""Finishing a composed packet with pikepdf: page labels, appended user pages and their bookmarks."""
from __future__ import annotations

import io
from dataclasses import dataclass

import pikepdf

from .model import Excerpt
from .user_pdf import open_user_pdf, strip_actions


@dataclass(frozen=True)
class Appendix:
    """Pages of a user's PDF to add at the end of a packet, with the bookmark title they get."""

    excerpt: Excerpt
    title: str


def finish_packet(data: bytes, *, front_pages: int, appendices: list[Appendix]) -> bytes:
    """Add page labels (roman for the `front_pages`, then 1…N) and append the user's pages.

    Appended pages come from untagged or foreign files: they keep their content but are not in the
    structure tree, and the caller reports them as untagged."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        sources = []
        try:
            with pdf.open_outline() as outline:
                for appendix in appendices:
                    source = open_user_pdf(appendix.excerpt.source)
                    sources.append(source)
                    first = len(pdf.pages)
                    for number in appendix.excerpt.pages:
                        pdf.pages.append(source.pages[number - 1])
                        strip_actions(pdf.pages[-1])
                    outline.root.append(pikepdf.OutlineItem(appendix.title, first))
            labels = [0, pikepdf.Dictionary(S=pikepdf.Name.r)] if front_pages else []
            labels += [front_pages, pikepdf.Dictionary(S=pikepdf.Name.D, St=1)]
            pdf.Root.PageLabels = pikepdf.Dictionary(Nums=pikepdf.Array(labels))
            buffer = io.BytesIO()
            # Object streams make the file smaller.
            pdf.save(buffer, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
        finally:
            for source in sources:
                source.close()
    return buffer.getvalue()
