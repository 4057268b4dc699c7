"""The deploy's pure parts: the plan, the record, headers, and the deploy: section's checks."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.config import load_site
from generator.deploy import gone_folders, plan, read_record, record_bytes
from generator.deploy_headers import content_type, headers, matches, phase
from generator.errors import ConfigError
from generator.model import HeaderRule
from tests.conftest import SITES


def test_plan_uploads_changes_in_order_and_deletes_last() -> None:
    output = {"index.html": "a", "static/s.1234abcd.css": "b", "feed.xml": "c",
              "articles/x/index.html": "d"}
    published = {"index.html": "a", "static/s.1234abcd.css": "old", "gone/index.html": "e"}
    the_plan = plan(output, published)
    assert list(the_plan.uploads) == ["assets", "pages", "index"]
    assert the_plan.uploads == {"assets": ["static/s.1234abcd.css"],
                                "pages": ["articles/x/index.html"], "index": ["feed.xml"]}
    assert the_plan.deletes == ["gone/index.html"] and the_plan.unchanged == 1


def test_pending_paths_are_redone_even_when_the_record_agrees() -> None:
    # A deploy stopped after marking index.html pending; the output went back to "a" since.
    the_plan = plan({"index.html": "a"}, {"index.html": "a"}, pending=["index.html", "new.png"])
    assert the_plan.uploads["pages"] == ["index.html"] and the_plan.deletes == ["new.png"]


def test_record_round_trip_and_unsafe_paths() -> None:
    data = record_bytes({"b.html": "2", "a.html": "1"}, ["a.html"])
    assert read_record(data) == ({"a.html": "1", "b.html": "2"}, ["a.html"])
    hostile = b'{"format": 1, "files": {"../x": "1", "/etc/y": "2", "ok": "3"}, "pending": []}'
    assert read_record(hostile) == ({"ok": "3"}, [])
    assert read_record(b"not json") is None and read_record(None) is None


def test_gone_folders_are_the_topmost_emptied() -> None:
    assert gone_folders(["a/keep.html"], ["a/b/c/x.html", "a/b/y.html", "a/z.html"]) == ["a/b"]


@pytest.mark.parametrize(("path", "kind"), [
    ("feed.xml", "application/rss+xml; charset=utf-8"),
    ("briefings/x/atom.xml", "application/atom+xml; charset=utf-8"),
    ("feed.json", "application/feed+json"), ("sitemap.xml", "application/xml; charset=utf-8"),
    ("pagefind/pagefind.en_1a.pf_meta", "application/octet-stream"),
    ("pagefind/wasm.en.pagefind", "application/octet-stream"),
    ("pagefind/pagefind.js", "text/javascript; charset=utf-8"),
    ("digests/2025-W01/email.txt", "text/plain; charset=utf-8"),
    ("favicon.svg", "image/svg+xml; charset=utf-8"), ("a/b.webp", "image/webp"),
])
def test_content_types(path: str, kind: str) -> None:
    assert content_type(path) == kind


def test_globs_and_rules() -> None:
    assert matches("static/**", "static/a/b.css") and not matches("static/*", "static/a/b.css")
    assert matches("**/*.html", "index.html") and matches("**/*.html", "a/b/index.html")
    rules = (HeaderRule("**/*.html", "no-cache"), HeaderRule("**", content_type="text/x"))
    assert headers("a/index.html", rules) == ("text/x", "no-cache")
    assert headers("static/s.0123abcd.css", ())[1] == "public, max-age=31536000, immutable"
    assert phase("pagefind/x.pf_fragment") == "index" and phase("a/index.html") == "pages"


def _config(tmp_path: Path, deploy: str) -> Path:
    site = tmp_path / "site"
    site.mkdir()
    text = (SITES / "basic" / "site.yaml").read_text(encoding="utf-8")
    (site / "site.yaml").write_text(text + "\n" + deploy, encoding="utf-8")
    return site


def test_deploy_section_is_read(tmp_path: Path) -> None:
    _, settings = load_site(_config(tmp_path, 'deploy:\n  max_deletes: 3\n  targets:\n'
                                    '    pages: {git: ".", branch: gh-pages}\n'
                                    '    web: {remote: "s3:b/site"}\n  default: web\n'))
    assert settings.default == "web" and settings.max_deletes == 3
    assert [t.name for t in settings.targets] == ["pages", "web"]


def test_deploy_section_problems_are_all_reported(tmp_path: Path) -> None:
    site = _config(tmp_path, 'deploy:\n  max_delete: 3\n  targets:\n'
                             '    both: {remote: "s3:b", git: "."}\n'
                             '    leak: {remote: "s3:b?secret=abc"}\n'
                             '    odd: {remote: "x", brnch: main}\n')
    with pytest.raises(ConfigError) as caught:
        load_site(site)
    messages = [str(p) for p in caught.value.problems]
    assert any("unknown key 'deploy.max_delete'; did you mean 'max_deletes'?" in m
               for m in messages)
    assert any("give either remote" in m for m in messages)
    assert any("credentials never go in site.yaml" in m for m in messages)
    assert any("'deploy.targets.odd.brnch'; did you mean 'branch'?" in m for m in messages)
    assert all(m.startswith("site.yaml:") for m in messages)
