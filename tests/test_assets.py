"""The files a site ships besides its pages: the charts' runtime (the Vega bundle, made in
another process or here), the tables' script and the site's style sheet."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from scorecard import parallel
from scorecard.site import assets


def test_runtime_files_match_the_mkdocs_entries() -> None:
    files = assets.runtime_files()
    paths = [entry["path"] for entry in assets.RUNTIME_JAVASCRIPT]
    assert sorted(files) == sorted([*paths, *assets.RUNTIME_CSS])
    assert all(path.startswith("assets/") for path in files)
    assert all(
        entry.get("type", "text/javascript") == "text/javascript"
        for entry in assets.RUNTIME_JAVASCRIPT
    )


def test_vega_bundle_is_a_classic_script() -> None:
    bundle = assets.runtime_files()[assets.RUNTIME_JAVASCRIPT[0]["path"]].decode()
    assert bundle.startswith("/*! Vega ")
    body = bundle.split("*/\n", 1)[1]
    assert body.startswith('(function () {\n"use strict";\n')
    assert body.rstrip().endswith("})();")
    assert "window.vegaEmbed = " in bundle or "window.vegaEmbed=" in bundle
    assert not any(line.startswith(("import ", "export ")) for line in body.splitlines())


def test_chart_script_hooks() -> None:
    script = assets.runtime_files()[assets.RUNTIME_JAVASCRIPT[1]["path"]].decode()
    for needle in [
        "document$",
        "DOMContentLoaded",
        "data-rendered",
        "data-spec",
        "data-md-color-scheme",
        "MutationObserver",
        "actions: false",
        'renderer: "svg"',
    ]:
        assert needle in script, needle
    css = assets.runtime_files()[assets.RUNTIME_CSS[0]].decode()
    assert ".scorecard-chart" in css and "overflow-x: auto" in css


@pytest.mark.parametrize("kept", [True, False], ids=["cache folder", "no cache folder"])
def test_the_vega_bundle_made_in_another_process_is_the_one_made_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kept: bool
) -> None:
    monkeypatch.setenv("SCORECARD_CACHE_DIR", str(tmp_path / "cache") if kept else "0")
    assets._made_runtime.cache_clear()
    version = assets._vega_lite_version()
    assets.start_runtime()
    assert assets._bundle_name(version) in parallel._background  # made in another process
    apart = assets._bundle(version)
    assert not parallel._background and threading.active_count() == 1  # and that one ended
    assert bool(list(tmp_path.glob("cache/vega-*"))) == kept  # that process kept it
    monkeypatch.setenv("SCORECARD_CACHE_DIR", "0")
    assert assets._bundle(version) == apart  # as made here
    assets._made_runtime.cache_clear()
