"""Finishing a composed packet with pikepdf: page labels, appended user pages and their bookmarks."""
from __future__ import annotations

import io
from dataclasses import dataclass

import pikepdf

from ..inputs.user_pdf import open_user_pdf, strip_actions
from ..model import Excerpt


@dataclass(frozen=True)
class Appendix:
    """Pages of a user's PDF to add at the end of a packet, with the bookmark title they get."""

    excerpt: Excerpt
    title: str
    at: int  # the 0-based page its first page becomes in the finished packet


@dataclass(frozen=True)
class Link:
    """Where a contents entry's link goes (a 0-based page of the finished packet), and its description."""

    page: int
    description: str


def finish_packet(data: bytes, *, front_pages: int, appendices: list[Appendix], links: dict[str, Link] | None = None) -> bytes:
    """Add page labels (roman for the `front_pages`, then 1…N), put the user's pages in their places
    (appendices in page order) and send the links named in `links` to their pages.

    Appended pages come from untagged or foreign files: they keep their content but are not in the
    structure tree, and the caller reports them as untagged."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        sources = []
        try:
            with pdf.open_outline() as outline:
                for appendix in appendices:
                    source = open_user_pdf(appendix.excerpt.source)
                    sources.append(source)
                    for at, number in enumerate(appendix.excerpt.pages, appendix.at):
                        pdf.pages.insert(at, source.pages[number - 1])
                        strip_actions(pdf.pages[at])
                for appendix in appendices:
                    outline.root.append(pikepdf.OutlineItem(appendix.title, appendix.at))
            _send_links(pdf, links or {})
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


def _send_links(pdf: pikepdf.Pdf, links: dict[str, Link]) -> None:
    """WeasyPrint tags each link (a Link structure element holding the annotation) but needs its target
    in the same render, and the user's pages are not: the contents' links point at themselves until
    here, where each gets its piece's page and a description for screen readers (PDF/UA 7.18.5)."""
    for page in pdf.pages:
        for annot in page.obj.get("/Annots", []):
            name = annot.get("/Dest")
            if isinstance(name, pikepdf.String) and str(name) in links:
                link = links[str(name)]
                annot.Dest = pikepdf.Array([pdf.pages[link.page].obj, pikepdf.Name.Fit])
                annot.Contents = pikepdf.String(link.description)
