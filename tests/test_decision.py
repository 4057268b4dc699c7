"""The one decision: what a build must do, derived from what changed, never from hand-kept keys."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from generator.decide import PARTS, Facts, decide
from tests.conftest import NOW_EPOCH, REPO, tree_digest, write_files

NOW = datetime(2026, 1, 1, tzinfo=UTC)
PARTS_NOW = {name: f"{name}-1" for name in PARTS}
FILES = {"content/articles/a.md": "a1", "content/articles/b.md": "b1",
         "content/briefings/x.md": "x1"}
PREVIOUS: dict[str, object] = {
    "parts": PARTS_NOW, "files": FILES,
    "window": ["2025-12-29T00:00:00+00:00", "2026-01-05T00:00:00+00:00"],
    "inputs": "in-1", "structure": "st-1"}


def facts(**changes: object) -> Facts:
    values: dict[str, object] = {"parts": PARTS_NOW, "files": FILES, "now": NOW,
                                 "intact": True, "cache": True}
    values.update(changes)
    return Facts(**values)  # type: ignore[arg-type]


def test_nothing_changed_stops() -> None:
    plan = decide(PREVIOUS, facts())
    assert (plan.work, plan.reason) == ("none", "nothing changed")


@pytest.mark.parametrize("name", list(PARTS))
def test_each_part_names_itself(name: str) -> None:
    plan = decide(PREVIOUS, facts(parts={**PARTS_NOW, name: "other"}))
    assert plan.work == "pages" and plan.reason.startswith(PARTS[name])


def test_no_record_no_cache_and_damaged_output_render_every_page() -> None:
    assert decide({}, facts()).work == "pages"
    assert decide(PREVIOUS, facts(cache=False)).reason.startswith("--no-cache")
    assert "changed by hand" in decide(PREVIOUS, facts(intact=False)).reason


def test_content_edits_are_parsed_then_sorted_by_what_they_touched() -> None:
    edited = {**FILES, "content/articles/a.md": "a2", "content/articles/b.md": "b2"}
    first = decide(PREVIOUS, facts(files=edited))
    assert first.work == "parse" and first.edited == {"content/articles/a.md",
                                                      "content/articles/b.md"}
    bodies = decide(PREVIOUS, facts(files=edited, inputs="in-2", structure="st-1"))
    assert bodies.work == "bodies" and bodies.reason.startswith("2 articles changed")
    cards = decide(PREVIOUS, facts(files={**FILES, "content/briefings/x.md": "x2"},
                                   structure="st-2"))
    assert cards.work == "pages" and cards.reason.startswith("1 briefing changed")


def test_the_clock_alone() -> None:
    later = datetime(2099, 1, 1, tzinfo=UTC)
    assert decide(PREVIOUS, facts(now=later)).work == "parse"
    assert decide(PREVIOUS, facts(now=later, inputs="in-1")).work == "record"
    assert decide(PREVIOUS, facts(now=later, inputs="in-2")).work == "pages"


def _copy_package(tmp_path: Path) -> Path:
    """Copy the generator package (and its default theme) where a test may edit its code."""
    code = tmp_path / "code"
    shutil.copytree(REPO / "generator", code / "generator",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(REPO / "themes", code / "themes")
    return code


def _build(code: Path, site: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(code), "SOURCE_DATE_EPOCH": NOW_EPOCH}
    return subprocess.run([sys.executable, "-m", "generator", "build", "--site", str(site),
                           "-j", "1", "-v", *args], cwd=code, env=env, capture_output=True,
                          text=True, timeout=300)


SITE = {
    "site.yaml": 'title: T\nbase_url: "https://example.org/"\nsearch: false\n',
    "content/briefings/alpha.md": "---\ntitle: Alpha\n---\nOverview.\n",
    "content/articles/one.md": ("---\ntitle: One\ndate: 2025-12-01\nbriefings: [alpha]\n"
                                "mood: calm\n---\nFirst paragraph.\n\nSecond *paragraph*.\n"),
}


def test_an_edit_to_the_generator_code_is_never_served_from_the_cache(tmp_path: Path) -> None:
    code, site = _copy_package(tmp_path), tmp_path / "site"
    write_files(site, {**SITE, "content/articles/one.md": SITE["content/articles/one.md"]
                       .replace("mood: calm\n", "")})
    assert _build(code, site).returncode == 0
    markdown = code / "generator/markdown.py"
    source = markdown.read_text(encoding="utf-8")
    assert "def render_body(" in source
    # A local change to how Markdown renders, with no version bumped anywhere.
    markdown.write_text(source + "\n\nimport dataclasses\n\n_original = render_body\n\n\n"
                        "def render_body(*args, **kwargs):\n"
                        "    found = _original(*args, **kwargs)\n"
                        "    return dataclasses.replace(found, html=found.html.replace("
                        "'<em>', '<em class=\"edited\">'))\n", encoding="utf-8")
    cached = _build(code, site)
    assert cached.returncode == 0, cached.stderr
    assert "the generator's code changed" in cached.stdout
    page = (site / "public/articles/one/index.html").read_text(encoding="utf-8")
    assert '<em class="edited">' in page
    fresh = _build(code, site, "--no-cache", "--output", str(tmp_path / "fresh"))
    assert fresh.returncode == 0
    assert tree_digest(site / "public") == tree_digest(tmp_path / "fresh")


def test_a_key_added_to_the_schema_clears_the_cached_error(tmp_path: Path) -> None:
    code, site = _copy_package(tmp_path), tmp_path / "site"
    write_files(site, SITE)
    failed = _build(code, site)
    assert failed.returncode == 1 and "unknown key 'mood'" in failed.stderr
    parse = code / "generator/parse.py"
    source = parse.read_text(encoding="utf-8")
    parse.write_text(source.replace('    "extra": Field(mapping),\n',
                                    '    "extra": Field(mapping),\n    "mood": Field(text),\n'),
                     encoding="utf-8")
    assert '"mood"' in parse.read_text(encoding="utf-8")
    passed = _build(code, site)
    assert passed.returncode == 0, passed.stderr


def test_a_body_edit_with_search_on_takes_the_body_path(tmp_path: Path) -> None:
    """With search on (the default), a body edit renders its pages and re-indexes its shard."""
    code, site = REPO, tmp_path / "site"
    write_files(site, {**SITE, "site.yaml": 'title: T\nbase_url: "https://example.org/ko/"\n',
                       "content/articles/one.md": SITE["content/articles/one.md"]
                       .replace("mood: calm\n", ""),
                       "content/articles/two.md": ("---\ntitle: 둘\ndate: 2024-03-01\n---\n"
                                                   "첫 문단.\n\n둘째 문단.\n")})
    assert _build(code, site).returncode == 0
    path = site / "content/articles/one.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nA new closing line.\n",
                    encoding="utf-8")
    cached = _build(code, site)
    assert cached.returncode == 0, cached.stderr
    assert "1 article changed below the first paragraph" in cached.stdout
    fresh = _build(code, site, "--no-cache", "--output", str(tmp_path / "fresh"))
    assert fresh.returncode == 0, fresh.stderr
    assert tree_digest(site / "public") == tree_digest(tmp_path / "fresh")
