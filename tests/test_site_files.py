"""Files a site publishes besides its pages: two writers of one address are refused."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

from PIL import Image

from tests.conftest import build, error_lines, tree_digest, write_files


def png(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (31, 79, 143)).save(buffer, "PNG")
    return buffer.getvalue()


BUNDLE = "content/articles/photo-story/index.md"
STORY = ("---\ntitle: Photo story\ndate: 2025-10-01T10:00:00+02:00\nbriefings: [alpha]\n---\n"
         "![The harbour](harbour.png)\n\nText.\n")


def test_a_static_file_over_a_bundles_image_or_copy_is_refused(
        copy_site: Callable[[str], Path]) -> None:
    site = copy_site("basic")
    write_files(site, {BUNDLE: STORY, "content/articles/photo-story/harbour.png": png(800, 400)})
    assert build(site).exit_code == 0
    assert (site / "public/articles/photo-story/harbour-480w.png").is_file()
    before = tree_digest(site / "public")
    # Two writers of one address: which one is published would depend on the cache.
    write_files(site, {"static/articles/photo-story/harbour-480w.png": png(10, 10),
                       "static/articles/photo-story/harbour.png": png(10, 10)})
    errors = error_lines(build(site))
    for name in ("harbour-480w.png", "harbour.png"):
        assert any(line.startswith(f"error: static/articles/photo-story/{name}: would be "
                                   f"published at /articles/photo-story/{name}") and
                   "content/articles/photo-story/ publishes its own file" in line
                   for line in errors), errors
    assert tree_digest(site / "public") == before


def test_a_page_whose_address_is_a_generated_file_is_refused(
        copy_site: Callable[[str], Path]) -> None:
    site = copy_site("basic")
    write_files(site, {"content/pages/feed.json.md": "---\ntitle: Feed\n---\nText.\n",
                       "content/pages/about.md": "---\ntitle: About\n---\nText.\n"})
    errors = error_lines(build(site))
    assert errors == ["error: content/pages/feed.json.md: its address /feed.json/ needs a "
                      "folder where the site writes the file /feed.json; rename the file or "
                      "give it another 'slug'"], errors


def test_a_draft_page_is_published_only_with_drafts(copy_site: Callable[[str], Path]) -> None:
    site = copy_site("basic")
    write_files(site, {"content/pages/plans.md":
                       "---\ntitle: Our plans\nmenu: header\ndraft: true\n---\nSecret plans.\n"})
    assert build(site).exit_code == 0
    out = site / "public"
    assert not (out / "plans").exists()
    assert not any(b"plans" in path.read_bytes() for path in out.rglob("*") if path.is_file())
    assert build(site, "--drafts", "--output", str(site / "drafts")).exit_code == 0
    page = (site / "drafts/plans/index.html").read_text(encoding="utf-8")
    assert "Secret plans." in page
    assert 'href="/plans/"' in (site / "drafts/index.html").read_text(encoding="utf-8")
