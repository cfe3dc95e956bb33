"""Campaign problems name the line of campaign.toml and the day's slug; never a wrong line."""
from __future__ import annotations

import json
import shutil
import tomllib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pending_languages import without_pending

from solidarity_print.errors import InputError
from solidarity_print.inputs.config import load_campaign
from solidarity_print.inputs.toml_lines import key_lines, line_of
from solidarity_print.resources import DEFAULT_CAMPAIGN

DEFAULT_TOML = DEFAULT_CAMPAIGN / "campaign.toml"


@pytest.fixture
def campaign(tmp_path):
    path = tmp_path / "campaign.toml"
    shutil.copyfile(DEFAULT_TOML, path)
    return path


def every_path(value, path=()):
    """Every key path of parsed TOML, tables and leaves (array-of-tables entries by index)."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield path + (key,), item
            yield from every_path(item, path + (key,))
    elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        for index, item in enumerate(value):
            yield from every_path(item, path + (index,))


def test_every_key_of_the_built_in_campaign_is_found_on_its_own_line():
    text = DEFAULT_TOML.read_text(encoding="utf-8")
    lines, found = text.splitlines(), key_lines(text)
    for path, value in every_path(tomllib.loads(text)):
        line = lines[found[path] - 1]
        if isinstance(value, dict) or isinstance(value, list) and value and isinstance(value[0], dict):
            assert line.startswith("["), (path, line)
        else:
            assert line.startswith(f"{path[-1]} = "), (path, line)


TRICKY = '''\
title = "top"   # a comment with [[days]] in it
[campaign]
"quoted key" = 'it"s'
name.en = "dotted"
why = """
[[days]]
date = 2023-11-07 \\"""
"""
raw = \'\'\'
[[days]]\'\'\'
list = [ "]", # ] [[days]]
  { slug = "x" }, [1, [2]] ]
inline = { a = 1, b = { c = "}" } }

[[days]]
slug = "a"

[[days]]
slug = "b"
date = 2023-11-07
[days.text.en]
title = "B"
[[days.links]]
url = "u"
[later.inner]
a = 1
[later]
b = 2
'''


def test_text_inside_values_never_looks_like_a_key():
    data = tomllib.loads(TRICKY)
    assert len(data["days"]) == 2  # the strings and comments hold no tables
    lines = TRICKY.splitlines()
    found = key_lines(TRICKY)
    for path, _ in every_path(data):
        if path in found:
            assert str(path[-1]).split()[0].strip('"') in lines[found[path] - 1] or isinstance(path[-1], int), path
    assert lines[found[("days", 1, "date")] - 1] == "date = 2023-11-07"
    assert lines[found[("days", 1, "text", "en", "title")] - 1] == 'title = "B"'
    assert lines[found[("days", 1, "links", 0, "url")] - 1] == 'url = "u"'
    assert lines[found[("campaign", "quoted key")] - 1].startswith('"quoted key"')
    assert found[("campaign", "name", "en")] == 4 and found[("campaign", "list")] == 11
    assert ("days", 0, "date") not in found and ("days", 2) not in found
    # a table implied by a longer header is found there, until it is written itself
    assert lines[found[("days", 1, "text")] - 1] == "[days.text.en]"
    assert lines[found[("later",)] - 1] == "[later]" and lines[found[("later", "inner")] - 1] == "[later.inner]"
    # a key inside an inline table or array points at the key that holds it
    assert line_of(found, "campaign.inline.b.c") == 13 and line_of(found, "campaign.list[1]") == 11
    # a missing key points at its table; something not written anywhere has no line
    assert line_of(found, "days[0].date") == lines.index("slug = \"a\"")
    assert line_of(found, "organizer.name") is None and line_of(found, "/some/file.md: line 2") is None


def test_error_names_line_and_slug(campaign):
    text = campaign.read_text(encoding="utf-8").replace("date = 2023-11-10", "date = 2022-11-10")
    campaign.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_campaign(campaign)
    [problem] = without_pending(info.value.problems)
    line = text.splitlines().index("date = 2022-11-10") + 1
    assert problem.where == "days[4].date" and problem.line == line
    assert str(problem).startswith(f"{campaign.resolve()}, line {line}: days[4] (immigrant-youth).date: 2022-11-10 ")


def test_missing_key_points_at_its_table(campaign):
    text = campaign.read_text(encoding="utf-8").replace('color = "#6B2C91"\n', "")
    campaign.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_campaign(campaign)
    [problem] = without_pending(info.value.problems)
    lines = text.splitlines()
    assert problem.where == "days[2].color" and lines[problem.line - 1] == "[[days]]"
    assert lines[problem.line] == 'slug = "intersex-youth"'
    assert str(problem).endswith(f"line {problem.line}: days[2] (intersex-youth).color: is required")


def test_excerpt_is_named_by_its_title(campaign):
    with campaign.open("a", encoding="utf-8") as f:
        f.write('\n[[excerpts]]\nsource = "missing.pdf"\npages = "1"\ntitle = "Club handout"\naudience = "student"\n')
    with pytest.raises(InputError) as info:
        load_campaign(campaign)
    [problem] = without_pending(info.value.problems)
    lines = campaign.read_text(encoding="utf-8").splitlines()
    assert problem.where == "excerpts[0].source" and lines[problem.line - 1] == 'source = "missing.pdf"'
    assert "excerpts[0] (Club handout).source: " in str(problem)


@settings(max_examples=60, deadline=None)
@given(content=st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80),
       kind=st.sampled_from(["basic", "multiline", "literal", "multiline-literal"]), day=st.integers(0, 4))
def test_any_text_in_a_value_leaves_every_line_right(content, kind, day):
    """Whatever a text says (brackets, quotes, '[[days]]', 'date ='), every key keeps its true line."""
    quoted = {"basic": json.dumps(content), "multiline": '"""' + json.dumps(content)[1:-1] + '"""',
              "literal": f"'{content}'", "multiline-literal": f"'''{content}'''"}[kind]
    text = DEFAULT_TOML.read_text(encoding="utf-8")
    marker = text.split("\n[[days]]\n")[day + 1].split("\n")[0]  # the day's slug line
    text = text.replace(marker, marker + f"\nnote = {quoted}", 1)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return  # not every text can be written as every kind of string
    lines, found = text.split("\n"), key_lines(text)  # TOML ends lines at \n only, not at U+0085
    for path, value in every_path(data):
        line = lines[found[path] - 1]
        if isinstance(value, dict) or isinstance(value, list) and value and isinstance(value[0], dict):
            assert line.startswith("["), (path, line)
        else:
            assert line.startswith(f"{path[-1]} = "), (path, line)
