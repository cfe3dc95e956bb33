"""A school named in any script gets a folder of its own without a slug column: its name transliterated."""
from __future__ import annotations

from solidarity_print.inputs.config import load_campaign
from solidarity_print.inputs.roster import load_roster

ROSTER = """name,club,languages
مدرسة ابن سينا الثانوية,نادي التضامن,ar
北京路中学,彩虹社,zh-Hans
Trường THPT Nguyễn Đình Chiểu,CLB Cầu Vồng,vi
Łódź Liceum Ogólnokształcące,Klub Tęcza,en
Escuela José Martí,Club Arcoíris,es
"""


def test_names_in_arabic_chinese_and_vietnamese_get_readable_folders(tmp_path):
    path = tmp_path / "schools.csv"
    path.write_text(ROSTER, encoding="utf-8")
    schools, _ = load_roster(path, load_campaign())
    assert [school.slug for school in schools] == [
        "mdrsh-bn-syn-lthnwyh",          # Arabic, letter by letter (it was refused: "give the school a slug")
        "bei-jing-lu-zhong-xue",          # a syllable per Chinese character
        "truong-thpt-nguyen-dinh-chieu",  # Đ is D (it was dropped: "nguyen-inh-chieu")
        "lodz-liceum-ogolnoksztalcace",   # Ł is L (it was dropped: "odz-...")
        "escuela-jose-marti",             # as before
    ]

