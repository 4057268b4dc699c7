"""`briefings import` reads each kind of source: text scrape, saved page, RSS, Atom, JSON Feed."""
# ruff: noqa: RUF001  (Russian titles and texts are the point here)

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml
from click.testing import CliRunner, Result

from generator import frontmatter
from generator.cli import main
from generator.importing.furniture import Furniture
from generator.importing.webpage import read_page
from tests.conftest import NOW_EPOCH

FIXTURES = Path(__file__).parent / "import_fixtures"
SEED = Path(__file__).parent / "import_scrapes" / "wire-scrape.txt"
# The raw article the example briefing starts from sits beside the repository, not in it
# (its text is not ours to copy): tested when it is there. SEED is our own text in the
# same shape (byline, caption, dateline, furniture), so every run tests that shape.
REAL_SEED = (Path(__file__).resolve().parents[2] / "shared" / "seeds"
             / "seoul-russia-nuclear-talks.txt")
# NOW_EPOCH (2026-01-01T00:00:00Z) in the basic site's timezone, Europe/Berlin.
IMPORT_TIME = "2026-01-01T01:00:00+01:00"


def run_import(site: Path, *args: str) -> Result:
    """Run `briefings import --site SITE ARGS` with the clock fixed at NOW_EPOCH."""
    return CliRunner().invoke(main, ["import", "--site", str(site), *args],
                              env={"SOURCE_DATE_EPOCH": NOW_EPOCH})


def drafts(site: Path) -> dict[str, tuple[dict[str, Any], str]]:
    """Map each imported draft's title to its front matter and body."""
    found = {}
    for path in sorted((site / "content" / "articles" / "imported").glob("*.md")):
        parts = frontmatter.split(path.read_text(encoding="utf-8"))
        front = yaml.safe_load(parts.front)
        found[front["title"]] = (front, parts.body)
    return found


@pytest.fixture
def site(copy_site: Callable[[str], Path]) -> Path:
    return copy_site("basic")


def only(site: Path, source: Path, *args: str) -> tuple[dict[str, Any], str, str]:
    result = run_import(site, str(source), *args)
    assert result.exit_code == 0, result.output
    [(front, body)] = drafts(site).values()
    return front, body, result.output


def test_the_seed_scrape_gives_byline_dateline_and_no_furniture(site: Path) -> None:
    if not REAL_SEED.is_file():
        pytest.skip(f"{REAL_SEED} is outside the repository and not on this machine; "
                    "test_a_wire_scrape_gives_byline_dateline_and_no_furniture covers its shape")
    front, body, _ = only(site, REAL_SEED, "--timezone", "Asia/Seoul")
    assert front["title"] == "Seoul says it held nuclear talks with Russia despite Moscow's denial"
    assert front["author"] == "Song Yoon-seo"
    assert front["date"] == "2025-12-22T13:41:00+09:00"
    assert front["updated"] == "2025-12-22T13:43:00+09:00"
    assert front["draft"] is True
    provenance = front["import"]
    assert provenance["agency"] == "AJP" and provenance["place"] == "SEOUL"
    assert front["source"] == "AJP"
    assert provenance["fields"]["date"] == "byline"
    assert provenance["fields"]["agency"] == "dateline"
    assert "heuristic_date" not in provenance
    assert "Photo by" in provenance["caption"]
    assert provenance["checksum"].startswith("sha256:") and len(provenance["checksum"]) == 71
    lines = [line.strip() for line in body.splitlines()]
    for furniture in ("기사 이미지 확대 보기", "닫기", "By Song Yoon-seo"):
        assert not any(furniture in line for line in lines), furniture
        assert furniture not in provenance["original"]
    assert "Photo by" not in body
    assert body.startswith("SEOUL, December 22 (AJP) - South Korea")
    assert body.strip() == provenance["original"].strip()


def test_a_wire_scrape_gives_byline_dateline_and_no_furniture(site: Path) -> None:
    front, body, _ = only(site, SEED, "--timezone", "Asia/Seoul")
    assert front["title"] == ("Harbour agencies in Busan and Vladivostok agree to share ferry "
                              "timetables")
    assert front["author"] == "Song Yoon-seo"
    assert front["date"] == "2025-12-22T13:41:00+09:00"
    assert front["updated"] == "2025-12-22T13:43:00+09:00"
    provenance = front["import"]
    assert provenance["agency"] == "AJP" and provenance["place"] == "BUSAN"
    assert front["source"] == "AJP"
    assert "Photo by" in provenance["caption"] and "Photo by" not in body
    for furniture in ("기사 이미지 확대 보기", "닫기", "공유하기", "구독", "Copyright AJP",
                      "By Song Yoon-seo"):
        assert furniture not in body, furniture
        assert furniture not in provenance["original"], furniture
    assert body.startswith("BUSAN, December 22 (AJP) - Port officials")
    assert body.rstrip().endswith("in Korean, Russian and English.")


def test_a_time_without_offset_is_read_in_the_site_timezone_by_default(site: Path) -> None:
    front, _, _ = only(site, SEED)
    assert front["date"] == "2025-12-22T13:41:00+01:00"  # the basic site is in Europe/Berlin


def test_json_ld_comes_before_opengraph_and_clutter_is_dropped(site: Path) -> None:
    front, body, _ = only(site, FIXTURES / "en-jsonld.html")
    assert front["title"] == "Harbour council delays ferry tender after cost review"
    assert front["date"] == "2025-11-03T09:15:00+01:00"  # not OpenGraph's 07:00+00:00
    assert front["updated"] == "2025-11-03T11:40:00+01:00"
    assert front["author"] == "Imogen Vale"
    assert front["source"] == "The Tidewater Ledger"  # not og:site_name
    assert front["source_url"] == "https://ledger.example.com/news/ferry-tender-delayed"
    fields = front["import"]["fields"]
    assert {fields[k] for k in ("title", "date", "updated", "author", "source")} == {"json-ld"}
    assert fields["text"] == "extractor"
    assert "## What the review found" in body
    assert "- the charging berth would need a new grid connection;" in body
    assert "[full cost review](https://ledger.example.com/docs/cost-review)" in body
    assert "> We would rather lose a season" in body
    assert "# Harbour council" not in body  # the headline is the title, not a body heading
    for clutter in ("Share on", "Related stories", "Island bus route", "comment", "Subscribe",
                    "©", "Home", "Weather", "By Imogen Vale"):
        assert clutter not in body, clutter


def test_opengraph_alone_gives_the_metadata_of_a_korean_page(site: Path) -> None:
    front, body, _ = only(site, FIXTURES / "ko-opengraph.html")
    assert front["title"] == "강변 도서관, 다음 달부터 밤 10시까지 문 연다"
    assert front["date"] == "2025-12-05T08:30:00+09:00"
    assert front["updated"] == "2025-12-05T10:05:00+09:00"
    assert front["author"] == "김하늘"  # without the title 기자 (reporter)
    assert front["source"] == "한강일보"
    assert front["source_url"] == "https://hangang.example.kr/news/20251205-library"
    assert set(front["import"]["fields"].values()) == {"opengraph", "extractor"}
    assert "## 연장 여부는 이용 통계로 결정" in body
    for clutter in ("공유하기", "카카오톡", "관련 기사", "구립 체육관", "저작권자", "구독", "정치"):
        assert clutter not in body, clutter


def test_a_page_without_a_date_gets_the_import_time_marked_and_warned(site: Path) -> None:
    front, body, output = only(site, FIXTURES / "ru-nodate.html")
    assert front["title"] == "В парке у реки высадят двести лип"
    assert front["author"] == "Анна Сорокина"
    assert front["import"]["fields"]["author"] == "meta"
    assert front["date"] == IMPORT_TIME == front["import"]["imported"]
    assert front["import"]["heuristic_date"] is True
    assert front["import"]["fields"]["date"] == "import-time"
    assert "warning:" in output and "gives no date; used the import time" in output
    assert body.startswith("Городское управление благоустройства")
    for clutter in ("Поделиться", "ВКонтакте", "Читайте также", "скамейки", "Подписаться",
                    "права защищены", "Главная"):
        assert clutter not in body, clutter


def test_an_rss_feed_gives_a_draft_per_item_with_content_encoded_first(site: Path) -> None:
    result = run_import(site, str(FIXTURES / "wire.rss"))
    assert result.exit_code == 0, result.output
    found = drafts(site)
    front, body = found["Water board approves new reservoir survey"]
    assert front["date"] == "2025-10-14T16:20:00+00:00"  # the feed's own offset, kept
    assert front["author"] == "Tomas Reyes" and front["source"] == "Northfield Wire"
    assert front["source_url"] == "https://wire.example.net/2025/10/reservoir-survey"
    assert set(front["import"]["fields"].values()) == {"feed"}
    assert "teaser" not in body and "third reservoir" in body
    assert "> A survey is a question, not an answer." in body
    assert "[survey brief](https://wire.example.net/docs/survey-brief)" in body
    front, body = found["Night trains return to the coast line"]
    assert front["date"] == "2025-10-15T06:05:00+01:00"
    assert "two departures a week" in body  # only a description: it is the text


def test_an_atom_feed_prefers_content_and_keeps_updated(site: Path) -> None:
    front, body, _ = only(site, FIXTURES / "vesti.atom")
    assert front["title"] == "Мост через протоку закроют на ремонт"
    assert front["date"] == "2025-09-01T10:30:00+03:00"
    assert front["updated"] == "2025-09-02T11:45:00+03:00"
    assert front["author"] == "Илья Громов" and front["source"] == "Заречные вести"
    assert "временной переправой" in body and "Краткое описание" not in body


def test_a_json_feed_gives_its_items(site: Path) -> None:
    front, body, _ = only(site, FIXTURES / "hangang.json")
    assert front["title"] == "전통시장 주차장 주말 무료 개방"
    assert front["date"] == "2025-11-20T14:00:00+09:00"
    assert front["updated"] == "2025-11-20T15:30:00+09:00"
    assert front["author"] == "박민준" and front["source"] == "한강일보"
    assert "상인회는" in body and "요약문" not in body


def test_a_site_extends_the_furniture_and_moves_the_folder(site: Path, tmp_path: Path) -> None:
    config = site / "site.yaml"
    config.write_text(config.read_text(encoding="utf-8") + (
        "import:\n  folder: articles/wire\n  furniture: ['Weiterlesen', 'Mehr zum Thema']\n"),
        encoding="utf-8")
    scrape = tmp_path / "scrape.txt"
    scrape.write_text("Ferry timetable changes\n\nThe winter timetable starts in November.\n"
                      "Weiterlesen\nShare\nMehr zum Thema:\nIt adds a late crossing on "
                      "Fridays.\n", encoding="utf-8")
    result = run_import(site, str(scrape))
    assert result.exit_code == 0, result.output
    [path] = (site / "content" / "articles" / "wire").glob("*.md")
    body = frontmatter.split(path.read_text(encoding="utf-8")).body
    assert body == ("The winter timetable starts in November.\n\n"
                    "It adds a late crossing on Fridays.\n")


def test_readability_takes_over_when_the_extracted_text_is_too_short(site: Path) -> None:
    front, body, _ = only(site, FIXTURES / "en-footer-body.html")
    assert front["import"]["fields"]["text"] == "readability"
    assert front["title"] == "North pier reopens weeks ahead of schedule"
    assert "forty metres of decking" in body and "lower landing stage" in body


def test_a_long_enough_extraction_keeps_trafilatura() -> None:
    raw = (FIXTURES / "en-jsonld.html").read_bytes()
    item = read_page(raw, "page.html", ZoneInfo("UTC"), Furniture())
    assert dict(item.fields)["text"] == "extractor"


def test_a_date_only_htmldate_finds_is_a_heuristic_day(site: Path, tmp_path: Path) -> None:
    story = "".join(f"<p>Paragraph {n} says the pier reopens after repairs to its deck.</p>"
                    for n in range(5))
    page = tmp_path / "page.html"
    page.write_text(f"<html><head><title>Pier</title></head><body><article><h1>Pier</h1>"
                    f"<p class='date'>3 March 2025</p>{story}</article></body></html>",
                    encoding="utf-8")
    front, _, output = only(site, page)
    assert front["date"] == "2025-03-03"  # a day: no time of day is invented
    assert front["import"]["fields"]["date"] == "htmldate"
    assert front["import"]["heuristic_date"] is True
    assert "a guess from the page (htmldate), 2025-03-03" in output
