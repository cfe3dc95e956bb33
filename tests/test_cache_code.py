"""A cache never hands back files the package's old code made: its code is part of every key."""
from __future__ import annotations

import shutil

import pytest

from solidarity_print.build import BuildOptions, _output_options
from solidarity_print.inputs.config import load_campaign
from solidarity_print.pipeline import cache


@pytest.fixture
def package_copy(tmp_path, monkeypatch):
    """The package's pdf/ modules copied to a folder that stands in for the package."""
    folder = tmp_path / "solidarity_print"
    shutil.copytree(cache.PACKAGE / "pdf", folder / "pdf", ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(cache, "PACKAGE", folder)
    cache._tool_versions.cache_clear()
    yield folder
    cache._tool_versions.cache_clear()


def test_changing_a_module_changes_every_key(package_copy):
    campaign = load_campaign()
    options = _output_options(BuildOptions())
    before = cache.inputs_fingerprint(campaign, options)
    cache._tool_versions.cache_clear()
    assert cache.inputs_fingerprint(campaign, options) == before  # the same code, the same key
    module = package_copy / "pdf" / "shaping.py"
    module.write_text(module.read_text() + "\n# a change\n")
    cache._tool_versions.cache_clear()
    assert cache.inputs_fingerprint(campaign, options) != before
