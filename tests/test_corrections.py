"""Corrections and updates: the article page, its JSON-LD, the corrections page and feeds."""

from __future__ import annotations

import json
import re
from pathlib import Path

import feedparser
import pytest

from tests.conftest import build, error_lines, validate_html, write_files

SITE = {
    "site.yaml": """
        title: "Fix Desk"
        base_url: "https://example.org/news/"
        language: en
        timezone: UTC
        corrections_policy: /corrections-policy/
        search: false
    """,
    "content/pages/corrections-policy.md": """
        ---
        title: Corrections policy
        ---
        We correct errors in the open.
    """,
    "content/articles/alpha.md": """
        ---
        title: Alpha & story
        date: 2025-03-01
        corrections:
          - date: 2025-03-05
            text: An earlier version misstated the troop count.
          - date: 2025-03-03
            text: The minister's name was misspelled.
        updates:
          - date: 2025-03-10
            text: Adds the ministry's response.
            significant: true
          - date: 2025-03-12
            text: Fixes a typo.
            significant: false
        ---
        Alpha body.
    """,
    "content/articles/beta.md": """
        ---
        title: Beta story
        date: 2025-03-02
        corrections:
          - date: 2025-03-04
            text: The meeting was on Tuesday, not Monday.
        ---
        Beta body.
    """,
    "content/articles/gamma.md": """
        ---
        title: Gamma story
        date: 2025-03-02
        draft: true
        corrections:
          - date: 2025-03-20
            text: Secret draft correction.
        ---
        Gamma body.
    """,
}
BASE = "https://example.org/news/"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("corrections")
    write_files(root, SITE)
    result = build(root)
    assert result.exit_code == 0, result.output
    return root / "public"


def _jsonld(page: Path) -> dict[str, object]:
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>',
                      page.read_text(encoding="utf-8"), re.S)
    assert found
    data = json.loads(found.group(1))
    assert isinstance(data, dict)
    return data


def test_article_page_shows_corrections_and_updates(site: Path) -> None:
    page = (site / "articles/alpha/index.html").read_text(encoding="utf-8")
    start = page.index('class="notice corrections-box"')
    box = page[start:page.index("</header>", start)]
    assert re.search(r'id="correction-1"><strong>Correction, <time datetime="2025-03-03T'
                     r'[^"]*">March 3, 2025</time>:</strong> The minister&#39;s name', box)
    assert re.search(r'id="correction-2"><strong>Correction, <time[^>]*>March 5, 2025</time>'
                     r':</strong> An earlier version', box)
    updates = page[page.index('class="updates"'):]
    assert "Update, <time" in updates and "March 10, 2025" in updates
    assert updates.index("Adds the ministry") < updates.index("Fixes a typo.")
    assert "Secret draft correction" not in page


def test_jsonld_corrections_and_date_modified(site: Path) -> None:
    alpha = _jsonld(site / "articles/alpha/index.html")
    assert alpha["correction"] == [
        {"@type": "CorrectionComment", "text": "The minister's name was misspelled.",
         "datePublished": "2025-03-03T00:00:00+00:00"},
        {"@type": "CorrectionComment",
         "text": "An earlier version misstated the troop count.",
         "datePublished": "2025-03-05T00:00:00+00:00"}]
    # The significant update (10 March) moves it; the typo fix (12 March) does not.
    assert alpha["dateModified"] == "2025-03-10T00:00:00+00:00"
    beta = _jsonld(site / "articles/beta/index.html")
    assert beta["dateModified"] == "2025-03-04T00:00:00+00:00"
    assert beta["publisher"] == {"@type": "NewsMediaOrganization", "name": "Fix Desk",
                                 "url": BASE,
                                 "correctionsPolicy": BASE + "corrections-policy/"}


def test_corrections_page_lists_newest_first(site: Path) -> None:
    page = (site / "corrections/index.html").read_text(encoding="utf-8")
    links = re.findall(r'<a href="([^"]*#correction-\d)">', page)
    assert links == ["/news/articles/alpha/#correction-2", "/news/articles/beta/#correction-1",
                     "/news/articles/alpha/#correction-1"]
    assert "Secret draft" not in page
    for name, kind in (("feed.xml", "rss"), ("atom.xml", "atom"), ("feed.json", "feed")):
        assert re.search(rf'<link rel="alternate" type="application/{kind}\+?[a-z]*" '
                         rf'title="[^"]*" href="{BASE}corrections/{name}">', page), name
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert f"<loc>{BASE}corrections/</loc>" in sitemap
    for path in site.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".xml", ".json"):
            assert "Secret draft" not in path.read_text(encoding="utf-8"), path


@pytest.mark.parametrize("name", ["feed.xml", "atom.xml"])
def test_corrections_feeds_parse(site: Path, name: str) -> None:
    feed = feedparser.parse((site / "corrections" / name).read_bytes())
    assert not feed.bozo, feed.bozo_exception
    ids = [e.id for e in feed.entries]
    assert ids == [BASE + "articles/alpha/#correction-2", BASE + "articles/beta/#correction-1",
                   BASE + "articles/alpha/#correction-1"]
    assert [e.title for e in feed.entries] == ["Correction: Alpha & story",
                                               "Correction: Beta story",
                                               "Correction: Alpha & story"]
    assert [e.published_parsed[:3] for e in feed.entries] == [(2025, 3, 5), (2025, 3, 4),
                                                              (2025, 3, 3)]
    first = feed.entries[0].content[0].value
    assert "An earlier version misstated the troop count." in first
    assert f'href="{BASE}articles/alpha/"' in first


def test_corrections_json_feed(site: Path) -> None:
    data = json.loads((site / "corrections/feed.json").read_text(encoding="utf-8"))
    assert data["version"] == "https://jsonfeed.org/version/1.1"
    assert data["feed_url"] == BASE + "corrections/feed.json"
    assert data["home_page_url"] == BASE + "corrections/"
    first = data["items"][0]
    assert first["id"] == BASE + "articles/alpha/#correction-2"
    assert first["external_url"] == BASE + "articles/alpha/"
    assert first["date_published"] == "2025-03-05T00:00:00+00:00"
    assert first["summary"] == "An earlier version misstated the troop count."
    assert [i["id"] for i in data["items"]][1:] == [BASE + "articles/beta/#correction-1",
                                                    BASE + "articles/alpha/#correction-1"]


def test_ids_stay_when_a_correction_is_added(tmp_path: Path) -> None:
    write_files(tmp_path, SITE)
    assert build(tmp_path).exit_code == 0
    before = (tmp_path / "public/corrections/feed.json").read_bytes()
    path = tmp_path / "content/articles/beta.md"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "corrections:\n", "corrections:\n  - date: 2025-03-21\n    text: A later fix.\n"),
        encoding="utf-8")
    result = build(tmp_path)
    assert result.exit_code == 0, result.output
    after = json.loads((tmp_path / "public/corrections/feed.json").read_text(encoding="utf-8"))
    ids = [i["id"] for i in after["items"]]
    assert ids[0] == BASE + "articles/beta/#correction-2"
    assert ids[1:] == [i["id"] for i in json.loads(before)["items"]]


def test_no_policy_keeps_organization(tmp_path: Path) -> None:
    files = dict(SITE)
    files["site.yaml"] = re.sub(r" *corrections_policy: .*\n", "", SITE["site.yaml"])
    del files["content/pages/corrections-policy.md"]
    write_files(tmp_path, files)
    result = build(tmp_path)
    assert result.exit_code == 0, result.output
    data = _jsonld(tmp_path / "public/articles/beta/index.html")
    assert data["publisher"] == {"@type": "Organization", "name": "Fix Desk", "url": BASE}


def test_every_page_is_valid_html(site: Path) -> None:
    assert validate_html(site) == []


@pytest.mark.parametrize(("front", "message"), [
    ("corrections:\n  - text: No date here.\n", "has no date"),
    ("corrections:\n  - date: 2025-02-30\n    text: Impossible day.\n", "corrections"),
    ("corrections:\n  - date: 2025-03-04\n    text: \"\"\n", "has no text"),
    ("updates:\n  - date: 2025-03-04\n    text: Maybe.\n    significant: maybe\n",
     "true or false"),
])
def test_bad_notices_fail_naming_file_and_line(tmp_path: Path, front: str,
                                               message: str) -> None:
    write_files(tmp_path, {"site.yaml": SITE["site.yaml"],
                           "content/articles/bad.md": "---\ntitle: Bad\ndate: 2025-03-01\n"})
    path = tmp_path / "content/articles/bad.md"
    path.write_text(path.read_text(encoding="utf-8") + front + "---\nBody.\n",
                    encoding="utf-8")
    errors = error_lines(build(tmp_path))
    assert any(line.startswith("error: content/articles/bad.md:4: ") and message in line
               for line in errors), errors
    assert not (tmp_path / "public").exists()
