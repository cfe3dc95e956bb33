"""Which documents a build makes: one Job per file, with its template, context and output path."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..model import AUDIENCES, Campaign, School

KINDS = ("posters", "flyers", "guides", "excerpts", "packets")  # "packets" only matters with a roster
KIND_ALIASES = {"guide": "guides"}  # the manifest's kind of a guide file, accepted as well


def canonical_kinds(only: tuple[str, ...]) -> tuple[str, ...]:
    """`only` with every alias replaced by its --only name, in order, once each."""
    return tuple(dict.fromkeys(KIND_ALIASES.get(kind, kind) for kind in only))


@dataclass(frozen=True)
class Paper:
    """A trim size in points, with the CSS that asks WeasyPrint for it."""

    name: str
    width: float
    height: float
    css: str

    def unit(self, design_ratio: float) -> float:
        """The design unit in points: a hundredth of the page width for a design drawn at
        height/width `design_ratio`, smaller on a squatter page so the design still fits its height."""
        return round(min(self.width / 100, self.height / design_ratio / 100), 4)


# The proportions each design is drawn for: tabloid posters, letter flyers.
POSTER_RATIO, FLYER_RATIO = 1224 / 792, 792 / 612

PAPERS = {
    "tabloid": Paper("tabloid", 792, 1224, "11in 17in"),
    "letter": Paper("letter", 612, 792, "8.5in 11in"),
    "a4": Paper("a4", 595.28, 841.89, "210mm 297mm"),
    "a3": Paper("a3", 841.89, 1190.55, "297mm 420mm"),
}


def poster_paper(school: School, explicit: str | None = None) -> str:
    """The paper of a school's posters: `explicit` (--paper) wins, then the roster's poster_paper,
    then tabloid, or A3 (tabloid's ISO counterpart) for a school on A4."""
    return explicit or school.poster_paper or ("a3" if school.paper == "a4" else "tabloid")


def handout_paper(poster_paper: str) -> Paper:
    """Flyers and guides print on letter, or on A4 where posters are metric."""
    return PAPERS["a4" if poster_paper in ("a4", "a3") else "letter"]


@dataclass(frozen=True)
class Job:
    """One file to make: what it is, where it goes and what its template needs."""

    kind: str  # poster | flyer | guide | excerpt
    path: str  # relative to the output folder, always with forward slashes
    lang: str
    title: str
    paper: Paper
    template: str | None = None
    focus_day: str | None = None
    context: dict[str, Any] = field(default_factory=dict, compare=False)
    excerpt_index: int | None = None


def plan_campaign(campaign: Campaign, *, languages: tuple[str, ...], only: tuple[str, ...] = KINDS,
                  paper: str = "tabloid", handout: str | None = None, school: School | None = None) -> list[Job]:
    """Every job for the campaign's materials, language by language, in print order.

    With a `school`, the posters and flyers carry its name, the guides are those of its audience,
    and paths sit under the school's folder."""
    jobs: list[Job] = []
    only = canonical_kinds(only)
    poster = PAPERS[paper]
    handout = PAPERS[handout] if handout else handout_paper(paper)
    audiences = school.audiences() if school else AUDIENCES
    folder = f"{school.slug}/" if school else ""
    for lang in languages:
        t = campaign.strings[lang]
        base = dict(campaign=campaign, lang=lang, t=t, created=f"{campaign.start.isoformat()}T00:00:00Z",
                    school=school, packet=None, overlay=False)
        name = campaign.name[lang]
        if "posters" in only:
            jobs.append(Job("poster", f"{folder}{lang}/posters/week-at-a-glance.pdf", lang, f"{name} — {t['week_poster_title']}",
                            poster, "week.html", None,
                            dict(base, days=campaign.days, accent=campaign.days[0].color, paper=poster,
                                 unit=poster.unit(POSTER_RATIO))))
            for day in campaign.days:
                text = day.text[lang]
                jobs.append(Job("poster", f"{folder}{lang}/posters/{day.slug}.pdf", lang, f"{text.title} — {name}", poster,
                                "poster.html", day.slug,
                                dict(base, day=day, text=text, accent=day.color, paper=poster,
                                     unit=poster.unit(POSTER_RATIO), headline_size=headline_size(text.short))))
        if "flyers" in only:
            for day in campaign.days:
                text = day.text[lang]
                jobs.append(Job("flyer", f"{folder}{lang}/flyers/{day.slug}.pdf", lang, f"{text.title} — {t['flyer_title']} — {name}",
                                handout, "flyer.html", day.slug,
                                dict(base, day=day, text=text, accent=day.color, paper=handout,
                                     unit=handout.unit(FLYER_RATIO))))
        if "guides" in only:
            for audience in audiences:
                guide_title = t[f"{audience}_guide"]
                jobs.append(Job("guide", f"{folder}{lang}/guides/{audience}-guide.pdf", lang, f"{guide_title} — {name}", handout,
                                "guide.html", None,
                                dict(base, audience=audience, audience_words=t[f"{audience}s"], guide_title=guide_title,
                                     sections=campaign.guide_for(audience, lang), accent=campaign.days[0].color,
                                     paper=handout, unit=handout.unit(FLYER_RATIO))))
    if "excerpts" in only and school is None:
        for index, excerpt in enumerate(campaign.excerpts):
            if excerpt.lang not in languages:
                continue
            jobs.append(Job("excerpt", f"excerpts/{excerpt.slug}.pdf", excerpt.lang, excerpt.title, handout,
                            excerpt_index=index))
    for job in jobs:
        job.context.setdefault("doc_title", job.title)
    return jobs


def headline_size(short: str) -> float:
    """The poster headline size in page-width hundredths: as large as the longest word allows."""
    longest = max((len(word) for word in short.split()), default=1)
    return round(min(11.5, 84.0 / max(longest, 1) * 1.05), 2)
