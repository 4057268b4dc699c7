"""Story timelines: events and articles in order, as pages and as TimelineJS3 JSON."""

from __future__ import annotations

import calendar
import json
import re
import shutil
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from tests.conftest import build, error_lines, tree_digest, validate_html, write_files

BASE = "https://example.org/desk/"
SITE = {
    "site.yaml": f"""
        title: "Story Desk"
        base_url: "{BASE}"
        language: en
        timezone: Asia/Seoul
        search: false
    """,
    "content/entities/north-korea.md": """
        ---
        name: North Korea
        type: country
        ---
    """,
    "content/entities/russia.md": """
        ---
        name: Russia
        type: country
        ---
    """,
    "content/briefings/ties.md": """
        ---
        title: Ties
        summary: How the two governments get along.
        events:
          - date: 2024-10
            title: Troops are sent
            text: Soldiers are deployed.
            about: [north-korea, russia]
          - date: 2023
            title: A treaty year
          - date: 2024-10-03
            title: A minor visit
            key: false
        ---
        Overview.
    """,
    "content/articles/talks.md": """
        ---
        title: Talks are held
        date: 2024-10-03T09:00:00+09:00
        briefings: [ties]
        about: [russia]
        key: true
        summary: Officials meet in Moscow.
        events:
          - date: 2024-09-28
            title: Envoy lands in Moscow
            about: [russia]
        ---
        Body.
    """,
    "content/articles/denial.md": """
        ---
        title: A denial
        date: 2024-10-03T18:00:00+09:00
        briefings: [ties]
        ---
        Russia denies it.
    """,
    "content/articles/draft.md": """
        ---
        title: Secret draft
        date: 2024-10-04
        briefings: [ties]
        about: [russia]
        draft: true
        key: true
        events:
          - date: 2024-10-05
            title: Unpublished event
            about: [russia]
        ---
        Not yet.
    """,
}

# TimelineJS3's JSON format, as its documentation lists the fields: nothing else is allowed.
DATE = {"type": "object", "required": ["year"], "additionalProperties": False, "properties": {
    "year": {"type": "integer"}, "month": {"type": "integer", "minimum": 1, "maximum": 12},
    "day": {"type": "integer", "minimum": 1, "maximum": 31},
    "hour": {"type": "integer"}, "minute": {"type": "integer"}, "second": {"type": "integer"},
    "millisecond": {"type": "integer"}, "display_date": {"type": "string"}}}
TEXT = {"type": "object", "additionalProperties": False, "properties": {
    "headline": {"type": "string"}, "text": {"type": "string"}}}
MEDIA = {"type": "object", "required": ["url"], "additionalProperties": False, "properties": {
    name: {"type": "string"} for name in ("url", "caption", "credit", "thumbnail", "alt",
                                          "title", "link", "link_target")}}
SLIDE = {"type": "object", "additionalProperties": False, "properties": {
    "start_date": DATE, "end_date": DATE, "text": TEXT, "media": MEDIA,
    "group": {"type": "string"}, "display_date": {"type": "string"},
    "background": {"type": "object"}, "autolink": {"type": "boolean"},
    "unique_id": {"type": "string", "minLength": 1}}}
TIMELINE = {"type": "object", "required": ["events"], "additionalProperties": False,
            "properties": {"events": {"type": "array", "items": {**SLIDE,
                                                                 "required": ["start_date"]}},
                           "title": SLIDE, "eras": {"type": "array"},
                           "scale": {"enum": ["human", "cosmological"]}}}


def check_timeline(path: Path) -> dict[str, Any]:
    """Validate a timeline.json against the format's documented fields; return it."""
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    jsonschema.validate(data, TIMELINE)
    ids = [event["unique_id"] for event in data["events"]]
    assert len(ids) == len(set(ids)), ids
    for event in data["events"]:
        start = event["start_date"]
        if "day" in start:  # a real day of its month
            assert start["day"] <= calendar.monthrange(start["year"], start["month"])[1]
        assert "day" not in start or "month" in start
    return data


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("timelines")
    write_files(root, SITE)
    result = build(root)
    assert result.exit_code == 0, result.output
    return root


def items(html: str) -> list[tuple[str, str, str]]:
    """Return each timeline entry of a page: (class, datetime, headline text)."""
    found = re.findall(r'<li class="([^"]+)" id="[^"]+">\s*<time datetime="([^"]+)">[^<]*'
                       r'</time>\s*<h\d class="headline">(.*?)</h\d>', html, re.S)
    return [(c, d, re.sub(r"<[^>]+>", "", h)) for c, d, h in found]


def test_briefing_timeline_lists_events_and_articles_in_order_at_their_precision(
        site: Path) -> None:
    html = (site / "public/briefings/ties/timeline/index.html").read_text(encoding="utf-8")
    assert items(html) == [
        ("event key", "2023", "A treaty year"),
        ("event key", "2024-09-28", "Envoy lands in Moscow"),
        ("event key", "2024-10", "Troops are sent"),
        ("event", "2024-10-03", "A minor visit"),
        ("coverage key", "2024-10-03", "Talks are held"),
        ("coverage", "2024-10-03", "A denial"),
    ]
    assert '<ol class="story-timeline">' in html
    assert "Secret draft" not in html and "Unpublished event" not in html


def test_key_developments_only(site: Path) -> None:
    html = (site / "public/briefings/ties/timeline/key/index.html").read_text(encoding="utf-8")
    assert [title for _, _, title in items(html)] == [
        "A treaty year", "Envoy lands in Moscow", "Troops are sent", "Talks are held"]
    assert 'href="/desk/briefings/ties/timeline/"' in html  # back to everything
    briefing = (site / "public/briefings/ties/index.html").read_text(encoding="utf-8")
    section = briefing.split('class="key-developments"', 1)[1].split("</section>", 1)[0]
    assert [t for _, _, t in items(section)] == [t for _, _, t in items(html)]
    assert 'href="/desk/briefings/ties/timeline.json"' in briefing


def test_briefing_timeline_json_follows_timelinejs(site: Path) -> None:
    data = check_timeline(site / "public/briefings/ties/timeline.json")
    assert data["title"]["text"]["headline"] == "Ties"
    starts = [(e["text"]["headline"], e["start_date"]) for e in data["events"]]
    assert starts[0] == ("A treaty year", {"year": 2023, "display_date": "2023"})
    assert starts[2] == ("Troops are sent",
                         {"year": 2024, "month": 10, "display_date": "October 2024"})
    talks = next(e for e in data["events"] if e["text"]["headline"] == "Talks are held")
    # The Seoul day of the article (09:00 KST), linked by its absolute address.
    assert talks["start_date"] == {"year": 2024, "month": 10, "day": 3,
                                   "display_date": "October 3, 2024"}
    assert f'href="{BASE}articles/talks/"' in talks["text"]["text"]
    assert talks["group"] == "Key developments" and talks["unique_id"] == "article-talks"
    groups = {e["text"]["headline"]: e["group"] for e in data["events"]}
    assert groups["A denial"] == "Coverage" and groups["A minor visit"] == "Coverage"


def test_entity_timeline_holds_what_is_about_it(site: Path) -> None:
    russia = check_timeline(site / "public/entities/russia/timeline.json")
    assert [e["text"]["headline"] for e in russia["events"]] == [
        "Envoy lands in Moscow", "Troops are sent", "Talks are held"]
    north = check_timeline(site / "public/entities/north-korea/timeline.json")
    assert [e["text"]["headline"] for e in north["events"]] == ["Troops are sent"]
    page = (site / "public/entities/russia/index.html").read_text(encoding="utf-8")
    assert [t for _, _, t in items(page)] == [
        "Envoy lands in Moscow", "Troops are sent", "Talks are held"]


def test_timeline_pages_are_valid_html(site: Path) -> None:
    public = site / "public"
    assert validate_html(public / "briefings/ties/timeline/index.html",
                         public / "briefings/ties/timeline/key/index.html",
                         public / "briefings/ties/index.html",
                         public / "entities/russia/index.html") == []


def test_unique_ids_survive_reordering_events(site: Path, tmp_path: Path) -> None:
    root = tmp_path / "s"
    shutil.copytree(site, root, ignore=shutil.ignore_patterns("public", ".briefings-cache"))
    path = root / "content/briefings/ties.md"
    text = path.read_text(encoding="utf-8")
    first = text.index("  - date: 2024-10\n")
    second = text.index("  - date: 2023\n")
    third = text.index("  - date: 2024-10-03\n")
    path.write_text(text[:first] + text[second:third] + text[first:second] + text[third:],
                    encoding="utf-8")
    assert build(root, "--no-cache").exit_code == 0
    before = (site / "public/briefings/ties/timeline.json").read_bytes()
    assert (root / "public/briefings/ties/timeline.json").read_bytes() == before


def test_adding_an_event_rebuilds_as_a_fresh_build(site: Path, tmp_path: Path) -> None:
    root = tmp_path / "s"
    shutil.copytree(site, root)
    path = root / "content/articles/denial.md"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "briefings: [ties]\n", "briefings: [ties]\nkey: true\nevents:\n"
        "  - date: 2024-10-01\n    title: A new event\n    about: [north-korea]\n"),
        encoding="utf-8")
    assert build(root).exit_code == 0
    incremental = tree_digest(root / "public")
    shutil.rmtree(root / "public")
    assert build(root, "--no-cache").exit_code == 0
    assert tree_digest(root / "public") == incremental
    north = check_timeline(root / "public/entities/north-korea/timeline.json")
    # October 2024 as a whole comes before its first day.
    assert [e["text"]["headline"] for e in north["events"]] == ["Troops are sent",
                                                               "A new event"]


BAD = {
    "content/briefings/ties.md": """
        ---
        title: Ties
        events:
          - date: 2025-02-30
            title: No such day
        ---
        Overview.
    """,
    "content/briefings/other.md": """
        ---
        title: Other
        events:
          - date: 2025-13
            title: No such month
        ---
        Overview.
    """,
    "content/briefings/third.md": """
        ---
        title: Third
        events:
          - date: 2025-01
            title: ""
        ---
        Overview.
    """,
    "content/articles/a.md": """
        ---
        title: A
        date: 2025-01-01
        key: "yes"
        events:
          - date: 2025-01-01
            title: Something
            about: [rusia]
        ---
        Body.
    """,
}


def test_bad_events_are_all_reported_and_nothing_is_written(tmp_path: Path) -> None:
    write_files(tmp_path, {**{k: v for k, v in SITE.items() if k.startswith("content/ent")},
                           "site.yaml": SITE["site.yaml"], **BAD})
    errors = error_lines(build(tmp_path))
    expected = [
        ("content/briefings/ties.md:3", "'events': item 1: 'date' '2025-02-30' is not a day"),
        ("content/briefings/other.md:3", "'events': item 1: 'date' '2025-13' has no month 13"),
        ("content/briefings/third.md:3", "'events': item 1 has no title; say what happened"),
        ("content/articles/a.md:4", "'key': expected true or false"),
        ("content/articles/a.md:5", "'events' item 1: 'about': unknown entity 'rusia'; "
                                    "did you mean 'russia'?"),
    ]
    for where, message in expected:
        assert any(line.startswith(f"error: {where}: ") and message in line
                   for line in errors), (where, message, errors)
    assert not (tmp_path / "public").exists()
