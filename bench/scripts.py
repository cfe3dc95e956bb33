"""What a school's packet costs on the fast path in Arabic and Chinese, against one in English.

    python bench/scripts.py [--schools 20]

For each language, renders the shared render once (not counted), then times `--schools` schools'
packets drawn onto it: English schools with Latin names, Arabic schools with Arabic names (shaped
by HarfBuzz, right to left), Chinese schools with Chinese names. Prints milliseconds per packet and
the ratio to English (the target is at most 1.5), and checks every packet took the fast path.
"""
from __future__ import annotations

import argparse
import statistics
import time

from solidarity_print.build import _overlay_characters
from solidarity_print.inputs.config import load_campaign
from solidarity_print.model import School
from solidarity_print.pdf.packet import PacketMaker, PacketOptions
from solidarity_print.render.documents import DocumentMaker

NAMES = {
    "en": ["Lincoln High School", "Riverside Academy", "Oak Grove Middle School", "Cedar Falls Secondary"],
    "ar": ["مدرسة ابن سينا الثانوية", "ثانوية النور", "مدرسة الفجر المتوسطة", "أكاديمية الرازي"],
    "zh-Hans": ["北京路中学", "实验中学", "第一中学", "育才学校"],
}
CLUBS = {"en": "Pride Club", "ar": "نادي التضامن", "zh-Hans": "彩虹社"}


def schools(lang: str, count: int) -> list[School]:
    names = NAMES[lang]
    return [School(row=i + 2, name=f"{names[i % len(names)]} {i + 1}", slug=f"{lang.lower()}-{i + 1}", club=CLUBS[lang],
                   contact_email=f"club{i + 1}@example.org", languages=(lang,), paper="letter", audience="student")
            for i in range(count)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, default=20)
    args = parser.parse_args()
    campaign = load_campaign()
    everyone = [s for lang in NAMES for s in schools(lang, args.schools)]
    main_chars, fallback = _overlay_characters(campaign, everyone)
    packets = PacketMaker(DocumentMaker(campaign), PacketOptions(overlay_chars=main_chars, overlay_fallback_chars=fallback))
    results = {}
    for lang in NAMES:
        group = schools(lang, args.schools + 1)
        assert packets.make(group[0], lang).personalised  # the shared render and its template, not timed
        times = []
        for school in group[1:]:
            start = time.perf_counter()
            packet = packets.make(school, lang)
            times.append(time.perf_counter() - start)
            assert packet.personalised, f"{school.name} was rendered whole"
        results[lang] = statistics.median(times) * 1000
    for lang, ms in results.items():
        print(f"{lang:8} {ms:7.1f} ms per packet (median of {args.schools}), {ms / results['en']:.2f}x English")


if __name__ == "__main__":
    main()
