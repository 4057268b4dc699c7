"""Imported drafts: never a duplicate, never an overwrite, --update, --dry-run, and they build."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from generator import frontmatter
from tests.conftest import build, tree_digest
from tests.test_import_sources import FIXTURES, SEED, drafts, run_import


@pytest.fixture
def site(copy_site: Callable[[str], Path]) -> Path:
    return copy_site("basic")


def imported(site: Path) -> list[Path]:
    return sorted((site / "content" / "articles" / "imported").glob("*.md"))


def test_importing_again_skips_with_a_message_and_changes_nothing(site: Path) -> None:
    first = run_import(site, str(FIXTURES), str(SEED))
    assert first.exit_code == 0, first.output
    assert len(imported(site)) == 9
    before = tree_digest(site)
    again = run_import(site, str(FIXTURES), str(SEED))
    assert again.exit_code == 0, again.output
    assert tree_digest(site) == before
    assert again.output.count("skipped ") == 9
    assert "already imported as content/articles/imported/" in again.output
    assert "--update refreshes its original" in again.output
    assert "0 drafts written, 0 updated, 9 skipped." in again.output


def test_the_same_text_from_another_file_is_a_duplicate(site: Path, tmp_path: Path) -> None:
    assert run_import(site, str(SEED)).exit_code == 0
    copy = tmp_path / "renamed scrape.txt"
    copy.write_bytes(SEED.read_bytes().replace(b"\n\n", b"\n\n\n"))  # spacing aside, the same
    result = run_import(site, str(copy))
    assert "(the same text" in result.output and len(imported(site)) == 1


def test_update_refreshes_the_original_and_nothing_the_editor_wrote(site: Path,
                                                                   tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    shutil.copy(FIXTURES / "en-jsonld.html", page)
    assert run_import(site, str(page)).exit_code == 0
    [draft] = imported(site)
    parts = frontmatter.split(draft.read_text(encoding="utf-8"))
    edited = ("---\n" + parts.front.replace("Harbour council delays", "Council puts off")
              + "\n---\nThe council put off buying ferries, in our own words.\n")
    draft.write_text(edited, encoding="utf-8")
    page.write_text(page.read_text(encoding="utf-8").replace(
        "Monday evening", "Monday night after a long debate"), encoding="utf-8")
    skipped = run_import(site, str(page))
    assert "(the same source URL; --update refreshes its original)" in skipped.output
    assert draft.read_text(encoding="utf-8") == edited
    result = run_import(site, str(page), "--update")
    assert result.exit_code == 0, result.output
    assert "updated content/articles/imported/" in result.output
    assert imported(site) == [draft]
    parts = frontmatter.split(draft.read_text(encoding="utf-8"))
    front = yaml.safe_load(parts.front)
    assert "Monday night after a long debate" in front["import"]["original"]
    assert front["title"] == "Council puts off ferry tender after cost review"
    assert parts.body == "The council put off buying ferries, in our own words.\n"
    old = yaml.safe_load(frontmatter.split(edited).front)["import"]
    assert front["import"]["checksum"] != old["checksum"]
    assert front["import"]["fields"] == old["fields"]


def test_dry_run_writes_nothing_but_says_what_it_would(site: Path) -> None:
    before = tree_digest(site)
    result = run_import(site, str(FIXTURES), "--dry-run")
    assert result.exit_code == 0, result.output
    assert tree_digest(site) == before
    assert not (site / "content" / "articles" / "imported").exists()
    assert result.output.count("would write content/articles/imported/") == 8
    assert "(--dry-run: nothing was written)" in result.output


def test_no_file_is_overwritten_a_taken_slug_gets_a_suffix(site: Path) -> None:
    slug = "harbour-council-delays-ferry-tender-after-cost-review"
    mine = site / "content" / "articles" / "imported" / f"{slug}.md"
    mine.parent.mkdir(parents=True)
    mine.write_text("---\ntitle: Mine\ndate: 2025-01-01\n---\nMy own article.\n",
                    encoding="utf-8")
    result = run_import(site, str(FIXTURES / "en-jsonld.html"))
    assert result.exit_code == 0, result.output
    assert mine.read_text(encoding="utf-8").endswith("My own article.\n")
    assert mine.with_name(mine.stem + "-2.md").exists()


def test_bad_sources_are_reported_together_and_nothing_is_written(site: Path,
                                                                  tmp_path: Path) -> None:
    empty = tmp_path / "empty-folder"
    empty.mkdir()
    result = run_import(site, str(FIXTURES / "en-jsonld.html"), str(tmp_path / "missing.html"),
                        "https://example.org/story", str(empty), "--briefing", "alpah")
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    errors = [line for line in result.output.splitlines() if line.startswith("error: ")]
    assert len(errors) == 4, result.output
    assert any("missing.html: not found" in e for e in errors)
    assert any("is a URL; pass --fetch" in e for e in errors)
    assert any("holds no file to import" in e for e in errors)
    assert any("no briefing 'alpah'; did you mean 'alpha'?" in e for e in errors)
    assert not (site / "content" / "articles" / "imported").exists()


def test_an_unknown_timezone_is_refused(site: Path) -> None:
    result = run_import(site, str(SEED), "--timezone", "Mars/Olympus")
    assert result.exit_code == 2 and "unknown timezone 'Mars/Olympus'" in result.output


def test_any_title_is_written_as_valid_yaml(site: Path, tmp_path: Path) -> None:
    title = "He said: \"No\" — #1 & 'yes' {x: [y]} \\ %s: @here"
    scrape = tmp_path / "odd.txt"
    scrape.write_text(f"{title}\n\n- not a list\n# not a heading\nA *plain* line.\n",
                      encoding="utf-8")
    assert run_import(site, str(scrape)).exit_code == 0
    [(front, body)] = drafts(site).values()
    assert front["title"] == title
    assert body == "\\- not a list\n\n\\# not a heading\n\nA \\*plain\\* line.\n"


def test_every_imported_draft_builds_and_the_provenance_stays_out(site: Path) -> None:
    result = run_import(site, str(FIXTURES), str(SEED), "--briefing", "alpha",
                        "--timezone", "Asia/Seoul")
    assert result.exit_code == 0, result.output
    for path in imported(site):
        front = yaml.safe_load(frontmatter.split(path.read_text(encoding="utf-8")).front)
        assert front["briefings"] == ["alpha"] and front["draft"] is True
    built = build(site, "--drafts")
    assert built.exit_code == 0, built.output
    public = site / "public"
    slug = "harbour-agencies-in-busan-and-vladivostok-agree-to-share-ferry-timetables"
    page = public / "articles" / slug / "index.html"
    assert "Port officials from Busan and Vladivostok" in page.read_text(encoding="utf-8")
    for path in public.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".xml", ".json"):
            text = path.read_text(encoding="utf-8")
            assert "sha256:" not in text and "Photo by Desk archive" not in text, path
            assert "import-time" not in text and "heuristic_date" not in text, path
    assert build(site).exit_code == 0  # without --drafts the imports are held back
