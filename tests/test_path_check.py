"""Output paths are checked school folder by school folder, and still no clash goes unseen."""
from __future__ import annotations

import pytest

from solidarity_print.errors import OutputError
from solidarity_print.pipeline.path_check import PathCheck


def test_the_path_check_finds_a_clash_inside_a_school_folder_and_with_a_shared_file_planned_later(tmp_path):
    check = PathCheck(tmp_path)
    check.add("lincoln/en/packet.pdf", "lincoln")
    with pytest.raises(OutputError, match="same file: lincoln/en/packet.pdf and Lincoln/EN/packet.pdf"):
        check.add("Lincoln/EN/packet.pdf", "lincoln")

    check = PathCheck(tmp_path)
    planned = [("lincoln/en/packet.pdf", "lincoln"), ("marti/en/packet.pdf", "marti"), ("lincoln/en/packet.pdf", None)]
    for path, school in planned:
        check.add(path, school)  # the last lands in a folder done already: compared at the end
    with pytest.raises(OutputError, match="same file"):
        check.finish(lambda: planned)

    check = PathCheck(tmp_path)
    check.add("lincoln/en/packet.pdf", "lincoln")
    check.add("marti/en/packet.pdf", "marti")
    with pytest.raises(OutputError, match="planned in two places"):
        check.add("lincoln/en/flyer.pdf", "lincoln")
    with pytest.raises(OutputError, match="outside the output folder"):
        PathCheck(tmp_path).add("../escape.pdf", None)
