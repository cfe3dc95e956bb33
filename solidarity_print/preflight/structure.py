"""The structure tree of a tagged PDF, walked once: which pages it reaches, its figures, its reading order."""
from __future__ import annotations

from dataclasses import dataclass, field

import pikepdf


@dataclass
class Structure:
    """What the structure tree says about each page (by index): that it is reached, the alt text of
    its figures (None for a figure without), and its marked-content ids in reading order."""

    tagged: bool = False
    reached: set[int] = field(default_factory=set)
    figures: dict[int, list[str | None]] = field(default_factory=dict)
    order: dict[int, list[int]] = field(default_factory=dict)


def read(pdf: pikepdf.Pdf) -> Structure:
    """Walk /StructTreeRoot depth first, in document order (the order a screen reader reads)."""
    root = pdf.Root.get("/StructTreeRoot")
    structure = Structure(tagged=root is not None)
    if root is None:
        return structure
    pages = {page.objgen: index for index, page in enumerate(pdf.pages)}
    seen: set[tuple[int, int]] = set()
    stack: list[tuple[object, int | None]] = [(root.get("/K"), None)]
    while stack:
        node, page = stack.pop()
        if isinstance(node, pikepdf.Array):
            stack.extend((child, page) for child in reversed(list(node)))
            continue
        if isinstance(node, int) and page is not None:  # a marked-content id on the element's page
            structure.order.setdefault(page, []).append(int(node))
            continue
        if not isinstance(node, pikepdf.Dictionary):
            continue
        if node.is_indirect:
            if node.objgen in seen:
                continue
            seen.add(node.objgen)
        if "/Pg" in node and node.Pg.objgen in pages:
            page = pages[node.Pg.objgen]
            structure.reached.add(page)
        if node.get("/Type") == "/MCR" and page is not None and "/MCID" in node:
            structure.order.setdefault(page, []).append(int(node.MCID))
            continue
        if node.get("/S") == "/Figure" and page is not None:
            alt = node.get("/Alt", node.get("/ActualText"))
            structure.figures.setdefault(page, []).append(str(alt).strip() if alt is not None and str(alt).strip() else None)
        if "/K" in node:
            stack.append((node.K, page))
    return structure
