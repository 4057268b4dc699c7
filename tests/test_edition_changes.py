"""What changed, in every digest edition (issue 16): new claims, changed stances with the
earlier stance and its date, corrections, significant updates and first appearances, on the
edition page, in its feed item and in its email; per briefing; stable once published; the
same bytes from an incremental build as from a fresh one."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import feedparser
import lxml.html
import pytest

from tests.conftest import SITES, build, tree_digest, validate_html

BASE = "https://example.org/"
NOW = "2025-04-01T00:00:00+00:00"  # after the fixture's three weeks: every edition complete
WEEKS = ("2025-W10", "2025-W11", "2025-W12")
KINDS = ("claim", "stance", "correction", "update", "entity")


def copy(where: Path) -> Path:
    target = where / "site"
    shutil.copytree(SITES / "edition-changes", target)
    return target


def built(site: Path, *args: str, out: Path | None = None) -> Path:
    target = out or site / "public"
    result = build(site, "--now", NOW, "--output", str(target), *args)
    assert result.exit_code == 0, result.output
    return target


def edition_page(out: Path, week: str, scope: str = "") -> Path:
    folder = out / "briefings" / scope / "digests" if scope else out / "digests"
    return folder / week / "index.html"


def read_changes(html: str) -> dict[str, list[dict[str, Any]]]:
    """Read the "What changed" box of an edition's HTML: each kind's items, in order.

    An item is its text, its links, the stances it names (data-stance on a page, the
    words in an email) and the datetimes it shows.
    """
    root = lxml.html.fromstring(html)
    boxes = root.xpath('//*[contains(concat(" ", @class, " "), " edition-changes ")]'
                       ' | //td[@class="changes"]')
    if not boxes:
        return {}
    assert len(boxes) == 1
    found: dict[str, list[dict[str, Any]]] = {}
    for heading in boxes[0].xpath(".//h3"):
        (items,) = heading.xpath("following-sibling::ul[1]")
        found[heading.text_content().strip()] = [{
            "text": " ".join(li.text_content().split()),
            "links": li.xpath(".//a/@href"),
            "stances": li.xpath(".//*[@data-stance]/@data-stance"),
            "times": li.xpath(".//time/@datetime"),
        } for li in items.xpath("./li")]
    return found


def texts(found: dict[str, list[dict[str, Any]]]) -> dict[str, list[str]]:
    return {heading: [item["text"] for item in items] for heading, items in found.items()}


def feed_entries(out: Path, name: str, scope: str = "") -> dict[str, str]:
    """Return each edition's feed item content by its key, parsed by feedparser."""
    folder = out / "briefings" / scope / "digests" if scope else out / "digests"
    feed = feedparser.parse((folder / name).read_bytes())
    assert not feed.bozo, feed.bozo_exception
    return {entry.link.rstrip("/").rsplit("/", 1)[1]: entry.content[0].value
            for entry in feed.entries}


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return built(copy(tmp_path_factory.mktemp("changes")))


# What each week's site-wide edition must list, exactly, as its page shows it.
WEEK_2 = {
    "Positions that changed": [
        "Coastal Ministry now denies Officials of both sides met over the harbour lease "
        "(earlier: says, March 4, 2025) · The ministry now says no meeting took place"],
    "Corrections issued": [
        "March 12, 2025 · Officials met over the harbour: The meeting took place on a "
        "Tuesday, not a Monday."],
    "Significant updates": [
        "March 13, 2025 · The envoy speaks of a grain accord: Adds the shipping figures "
        "for March."],
}
WEEK_1 = {
    "New claims": [
        "Coastal Ministry says Officials of both sides met over the harbour lease · "
        "Officials met over the harbour",
        "Lena Ostrova says A grain accord is ready to be signed · "
        "The envoy speaks of a grain accord"],
    "In our stories for the first time": [
        "Lena Ostrova, in The envoy speaks of a grain accord",
        "Coastal Ministry, in Officials met over the harbour"],
}
WEEK_3 = {"In our stories for the first time": [
    "Port Board, in A harbour body enters the dispute"]}


def test_week_two_page_lists_exactly_its_changes(out: Path) -> None:
    html = edition_page(out, "2025-W11").read_text(encoding="utf-8")
    found = read_changes(html)
    assert texts(found) == WEEK_2
    (change,) = found["Positions that changed"]
    assert change["stances"] == ["denies", "asserts"]  # the new stance, then the earlier
    assert change["times"] == ["2025-03-04T09:00:00+00:00"]  # the earlier stance's date
    assert change["links"] == [f"{BASE}entities/coastal-ministry/",
                               f"{BASE}claims/harbour-meeting/",
                               f"{BASE}articles/ministry-reverses/"]
    (fix,) = found["Corrections issued"]
    assert fix["links"] == [f"{BASE}articles/harbour-meeting/#correction-1"]
    (update,) = found["Significant updates"]
    assert update["links"] == [f"{BASE}articles/envoy-on-grain/#update-1"]
    # The typo fix is not a change worth telling; the repeated claim is no stance change.
    assert "Fixes a spelling" not in html
    # The box comes before the articles.
    assert html.index('class="edition-changes"') < html.index('class="edition"')


def test_the_anchors_exist_on_the_article_pages(out: Path) -> None:
    for path, anchor in (("harbour-meeting", "correction-1"), ("envoy-on-grain", "update-1")):
        page = lxml.html.fromstring((out / "articles" / path / "index.html").read_bytes())
        assert page.xpath(f'//*[@id="{anchor}"]'), (path, anchor)


def test_week_one_lists_new_claims_and_first_appearances(out: Path) -> None:
    found = read_changes(edition_page(out, "2025-W10").read_text(encoding="utf-8"))
    assert texts(found) == WEEK_1
    assert [item["links"][1] for item in found["New claims"]] == [
        f"{BASE}claims/harbour-meeting/", f"{BASE}claims/grain-accord/"]
    assert [item["links"][0] for item in found["In our stories for the first time"]] == [
        f"{BASE}entities/lena-ostrova/", f"{BASE}entities/coastal-ministry/"]


def test_week_three_lists_the_new_entity_only(out: Path) -> None:
    found = read_changes(edition_page(out, "2025-W12").read_text(encoding="utf-8"))
    assert texts(found) == WEEK_3


@pytest.mark.parametrize("name", ["feed.xml", "atom.xml"])
def test_feed_items_open_with_the_same_changes(out: Path, name: str) -> None:
    entries = feed_entries(out, name)
    assert sorted(entries) == list(WEEKS)
    for week, expected in zip(WEEKS, (WEEK_1, WEEK_2, WEEK_3), strict=True):
        content = entries[week]
        assert texts(read_changes(content)) == expected, week
        assert content.index("edition-changes") < content.index('class="edition"')
    assert "Fixes a spelling" not in entries["2025-W11"]


def test_email_lists_the_same_changes(out: Path) -> None:
    folder = out / "digests" / "2025-W11"
    found = read_changes((folder / "email.html").read_text(encoding="utf-8"))
    assert texts(found) == WEEK_2
    text = (folder / "email.txt").read_text(encoding="utf-8")
    assert "Fixes a spelling" not in text
    changes = text[text.index("== What changed =="):text.index("== Harbour talks")]
    assert changes.split("\n") == [
        "== What changed ==", "",
        "Positions that changed:",
        "* Coastal Ministry now denies “Officials of both sides met over the",
        "  harbour lease” (earlier: says, March 4, 2025)",
        f"  {BASE}articles/ministry-reverses/", "",
        "Corrections issued:",
        "* March 12, 2025 · Officials met over the harbour: The meeting took place",
        "  on a Tuesday, not a Monday.",
        f"  {BASE}articles/harbour-meeting/#correction-1", "",
        "Significant updates:",
        "* March 13, 2025 · The envoy speaks of a grain accord: Adds the shipping",
        "  figures for March.",
        f"  {BASE}articles/envoy-on-grain/#update-1", "", ""]
    week_one = (out / "digests" / "2025-W10" / "email.txt").read_text(encoding="utf-8")
    assert "New claims:" in week_one and f"  {BASE}claims/grain-accord/" in week_one
    assert f"  {BASE}entities/lena-ostrova/" in week_one


# Each briefing's editions show what its own articles of the period report.
BRIEFINGS = [
    ("harbour-talks", "2025-W10", {
        "New claims": [WEEK_1["New claims"][0]],
        "In our stories for the first time": [
            WEEK_1["In our stories for the first time"][1]]}),
    ("grain-trade", "2025-W10", {
        "New claims": [WEEK_1["New claims"][1]],
        "In our stories for the first time": [
            WEEK_1["In our stories for the first time"][0]]}),
    ("harbour-talks", "2025-W11", {
        "Positions that changed": WEEK_2["Positions that changed"],
        "Corrections issued": WEEK_2["Corrections issued"]}),
    ("grain-trade", "2025-W11", {"Significant updates": WEEK_2["Significant updates"]}),
    ("harbour-talks", "2025-W12", WEEK_3),
]


@pytest.mark.parametrize(("scope", "week", "expected"), BRIEFINGS)
def test_briefing_editions_show_only_their_changes(out: Path, scope: str, week: str,
                                                   expected: dict[str, list[str]]) -> None:
    assert texts(read_changes(edition_page(out, week, scope).read_text(
        encoding="utf-8"))) == expected
    assert texts(read_changes(feed_entries(out, "atom.xml", scope)[week])) == expected


def test_an_edition_without_changes_has_no_box(tmp_path: Path) -> None:
    site = copy(tmp_path)
    (site / "content/articles/quiet.md").write_text(
        "---\ntitle: A quiet week\ndate: 2025-03-26T09:00:00Z\nbriefings: [grain-trade]\n"
        "---\nNothing new happened.\n", encoding="utf-8")
    out = built(site)
    for path in (edition_page(out, "2025-W13"), edition_page(out, "2025-W13", "grain-trade"),
                 out / "digests/2025-W13/email.html"):
        html = path.read_text(encoding="utf-8")
        assert "What changed" not in html and "edition-changes" not in html, path
    assert "What changed" not in (out / "digests/2025-W13/email.txt").read_text("utf-8")
    assert "edition-changes" not in feed_entries(out, "feed.xml")["2025-W13"]


# A later article: the ministry disputes the claim, in a statement it dates back to week 1,
# reported in week 3. Week 3 shows the change; weeks 1 and 2 must not move a byte. (In a
# briefing that has a week 3 already: a briefing's first edition of week 3 would give its
# week 2 a link to the next edition.)
LATER = """\
---
title: The ministry disputes its own account
date: 2025-03-19T09:00:00Z
briefings: [harbour-talks]
claims:
  - id: harbour-meeting
    by: coastal-ministry
    stance: disputes
    date: 2025-03-05T12:00:00Z
  - id: grain-accord
    by: lena-ostrova
    stance: retracts
corrections:
  - date: 2025-03-12T12:00:00Z
    text: A correction dated in week 2, of an article of week 3.
---
Late news.
"""


def edition_files(out: Path, weeks: tuple[str, ...]) -> dict[str, bytes]:
    found = {}
    for week in weeks:
        for path in [*(out / "digests" / week).iterdir(),
                     *(out / "briefings").glob(f"*/digests/{week}/index.html")]:
            found[path.relative_to(out).as_posix()] = path.read_bytes()
    return found


def test_a_later_article_leaves_earlier_editions_as_they_were(tmp_path: Path) -> None:
    site = copy(tmp_path)
    out = built(site)
    before = edition_files(out, WEEKS[:2])
    items = {name: feed_entries(out, name) for name in ("feed.xml", "atom.xml")}
    (site / "content/articles/ministry-disputes.md").write_text(LATER, encoding="utf-8")
    built(site)
    assert edition_files(out, WEEKS[:2]) == before
    for name, old in items.items():
        new = feed_entries(out, name)
        assert {week: new[week] for week in WEEKS[:2]} == {week: old[week] for week in WEEKS[:2]}
    found = read_changes(edition_page(out, "2025-W12").read_text(encoding="utf-8"))
    assert texts(found)["Positions that changed"] == [
        "Coastal Ministry now disputes Officials of both sides met over the harbour lease "
        "(earlier: says, March 4, 2025) · The ministry disputes its own account",
        "Lena Ostrova now retracts A grain accord is ready to be signed "
        "(earlier: says, March 12, 2025) · The ministry disputes its own account"]
    # Never the notice dated before its article: week 2 is published, week 3 not its period.
    assert "A correction dated in week 2" not in edition_page(out, "2025-W12").read_text("utf-8")
    shown = read_changes(edition_page(out, "2025-W12", "harbour-talks").read_text("utf-8"))
    assert texts(shown) == texts(found)
    assert not edition_page(out, "2025-W12", "grain-trade").exists()


def test_edition_pages_with_changes_are_valid_html(out: Path) -> None:
    pages = [edition_page(out, week) for week in WEEKS]
    pages += [edition_page(out, "2025-W11", "harbour-talks"),
              out / "digests" / "2025-W11" / "email.html"]
    assert validate_html(*pages) == []


EDITS = [
    # A correction of a week-1 article, issued in week 3.
    ("content/articles/harbour-meeting.md", "corrections:\n",
     "corrections:\n  - date: 2025-03-20T10:00:00Z\n    text: The lease runs ten years.\n",
     "2025-W12", "The lease runs ten years."),
    # A typo fix made significant: week 2 shows it.
    ("content/articles/envoy-on-grain.md", "    significant: false\n",
     "    significant: true\n", "2025-W11", "Fixes a spelling."),
    # The ministry's denial becomes a confirmation: week 2's change follows.
    ("content/articles/ministry-reverses.md", "stance: denies", "stance: confirms",
     "2025-W11", "Coastal Ministry now confirms"),
]


def test_incremental_builds_equal_fresh_builds(tmp_path: Path) -> None:
    site = copy(tmp_path)
    out = built(site)
    for number, (path, old, new, week, shown) in enumerate(EDITS):
        file = site / path
        text = file.read_text(encoding="utf-8")
        assert old in text
        file.write_text(text.replace(old, new, 1), encoding="utf-8")
        built(site)
        found = texts(read_changes(edition_page(out, week).read_text("utf-8")))
        assert shown in " ".join(t for items in found.values() for t in items), path
        fresh = built(site, "--no-cache", out=tmp_path / f"fresh{number}")
        assert tree_digest(out) == tree_digest(fresh), path


def test_a_korean_site_words_the_changes_in_korean(tmp_path: Path) -> None:
    site = copy(tmp_path)
    config = site / "site.yaml"
    config.write_text(config.read_text("utf-8").replace("language: en", "language: ko"),
                      encoding="utf-8")
    out = built(site)
    found = texts(read_changes(edition_page(out, "2025-W11").read_text("utf-8")))
    assert list(found) == ["달라진 입장", "정정", "주요 업데이트"]
    assert found["달라진 입장"] == [
        "Coastal Ministry: Officials of both sides met over the harbour lease — 이제 부인 "
        "(이전: 주장, 2025년 3월 4일) · The ministry now says no meeting took place"]
    assert "== 달라진 점 ==" in (out / "digests/2025-W11/email.txt").read_text("utf-8")
