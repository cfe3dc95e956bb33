"""What a school's packet costs on the fast path in Arabic and Chinese, against one in English.

    python bench/scripts.py [--schools 20]

For each language, renders the shared render once (not counted), then times `--schools` schools'
packets drawn onto it: English schools with Latin names, Arabic schools with Arabic names (shaped
by HarfBuzz, right to left), Chinese schools with Chinese names. Prints CPU milliseconds per packet
(this process's user+sys time, so other work on the machine counts less than in wall time) and the
ratio to English (the target is at most 1.5), and checks every packet took the fast path.
"""
from __future__ import annotations

import argparse
import os
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
    groups = {lang: schools(lang, args.schools + 1) for lang in NAMES}
    for lang, group in groups.items():
        assert packets.make(group[0], lang).personalised  # the shared render and its template, not timed
    times: dict[str, list[float]] = {lang: [] for lang in NAMES}
    # The languages take turns, school by school, so a busy moment of the machine costs each alike.
    for index in range(1, args.schools + 1):
        for lang, group in groups.items():
            start = time.process_time()
            packet = packets.make(group[index], lang)
            times[lang].append(time.process_time() - start)
            assert packet.personalised, f"{group[index].name} was rendered whole"
    results = {lang: statistics.median(values) * 1000 for lang, values in times.items()}
    for lang, ms in results.items():
        print(f"{lang:8} {ms:7.2f} ms CPU per packet (median of {args.schools}), {ms / results['en']:.2f}x English")
    print(f"load average while measuring: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")


if __name__ == "__main__":
    main()
