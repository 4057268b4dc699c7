"""Publishing features: scheduling and expiry, pagination, archives, breadcrumbs, sitemap,
social metadata and JSON-LD, languages, slugs, theme layers, fingerprinted assets, code
highlighting, search in a browser, and the validity of all of it.

Most tests read one build of tests/sites/publishing-main (two articles per page, two years
of archives, a scheduled, a future-dated, an expired and a draft article, Korean and Cyrillic
file names); the others build a copy with one setting changed, or a small site of their own.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

import feedparser
import lxml.html
import pytest
from click.testing import CliRunner, Result

from generator.cli import main
from tests.conftest import (
    NOW_EPOCH,
    REPO,
    SITES,
    build,
    build_apart,
    feed_files,
    serve_folder,
    validate_html,
    write_files,
)

SITE = "publishing-main"
BASE = "https://pub.example.org/"
SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
EXPIRED_NOTICE = "This article has expired"

# The listed articles of publishing-main, newest first, and those of each briefing and tag.
ALL = ["b1-beta", "서울-회담", "москва-саммит", "a4-december", "a3-shared", "a2-second",
       "a1-first", "a0-old"]
ALPHA = ["a4-december", "a3-shared", "a2-second", "a1-first", "a0-old"]
BETA = ["b1-beta", "서울-회담", "москва-саммит", "a3-shared"]
TRADE = ["b1-beta", "москва-саммит", "a3-shared"]


# --- helpers ---------------------------------------------------------------------------


def ok(result: Result) -> Result:
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output, result.output
    return result


def epoch(year: int, month: int, day: int) -> str:
    return str(int(datetime(year, month, day, tzinfo=UTC).timestamp()))


def run_build(site: Path, *args: str, source_date_epoch: str = NOW_EPOCH) -> Result:
    """`briefings build` with a chosen SOURCE_DATE_EPOCH (conftest.build fixes it)."""
    return CliRunner().invoke(main, ["build", "--site", str(site), *args],
                              env={"SOURCE_DATE_EPOCH": source_date_epoch})




def configure(site: Path, **settings: str) -> None:
    """Set top-level keys of a site's site.yaml (replacing any earlier value)."""
    path = site / "site.yaml"
    lines = [line for line in path.read_text(encoding="utf-8").splitlines()
             if line.split(":", 1)[0] not in settings]
    lines += [f"{key}: {value}" for key, value in settings.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def fresh(tmp_path: Path, **settings: str) -> Path:
    """A copy of publishing-main with some site.yaml settings changed."""
    site = tmp_path / SITE
    shutil.copytree(SITES / SITE, site)
    if settings:
        configure(site, **settings)
    return site


def page_file(out: Path, path: str) -> Path:
    """The file of a site path: "" and "x/" are folders holding index.html."""
    return out / (path + "index.html" if path == "" or path.endswith("/") else path)


def parse(out: Path, path: str) -> Any:
    return lxml.html.fromstring(page_file(out, path).read_bytes())


def site_path(url: str) -> str:
    """The site path (unquoted, no leading slash) of an absolute or root-relative URL."""
    return unquote(urlsplit(url).path).lstrip("/")


def article_slugs(hrefs: list[str]) -> list[str]:
    return [site_path(h).removeprefix("articles/").strip("/") for h in hrefs]


def head(doc: Any, what: str) -> list[str]:
    """Values of a head element: canonical/prev/next links, then named or OG metas."""
    if what in ("canonical", "prev", "next"):
        return [str(v) for v in doc.xpath(f'/html/head/link[@rel="{what}"]/@href')]
    attribute = "property" if what.startswith(("og:", "article:")) else "name"
    return [str(v) for v in doc.xpath(f'/html/head/meta[@{attribute}="{what}"]/@content')]


def jsonld(doc: Any) -> dict[str, Any]:
    (script,) = doc.xpath('//script[@type="application/ld+json"]')
    data: dict[str, Any] = json.loads(script.text)
    return data


def mentions(out: Path, slug: str) -> set[str]:
    """Every output file (page, feed, sitemap, email) naming an article's URL."""
    needles = (f"/articles/{slug}/", f"/articles/{quote(slug)}/")
    return {p.relative_to(out).as_posix() for p in out.rglob("*")
            if p.suffix in (".html", ".xml", ".txt")
            and any(n in p.read_text(encoding="utf-8") for n in needles)}


def broken_links(out: Path) -> list[str]:
    """Links of every HTML file (site-relative or under BASE) that lead to no file."""
    broken = []
    for page in sorted(out.rglob("*.html")):
        doc = lxml.html.fromstring(page.read_bytes())
        for ref in doc.xpath("//a/@href | //link/@href | //script/@src | //img/@src"):
            if ref.startswith(BASE) or (ref.startswith("/") and not ref.startswith("//")):
                target = site_path(ref)
                if not page_file(out, target).is_file():
                    broken.append(f"{page.relative_to(out)} -> {ref}")
    return broken


def sitemap_entries(out: Path) -> dict[str, str | None]:
    """Map each sitemap <loc> to its <lastmod>."""
    root = ET.parse(out / "sitemap.xml").getroot()
    assert root.tag == SITEMAP_NS + "urlset"
    return {url.findtext(SITEMAP_NS + "loc", ""): url.findtext(SITEMAP_NS + "lastmod")
            for url in root.iter(SITEMAP_NS + "url")}


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One build of publishing-main, read by the tests that only look."""
    site = tmp_path_factory.mktemp("main") / SITE
    shutil.copytree(SITES / SITE, site)
    ok(build(site))
    return site / "public"


# --- 1. scheduling, expiry, drafts ------------------------------------------------------

# slug -> (its briefing, a tag of it that has a page, a tag only it carries)
WATCHED = {
    "scheduled-later": ("alpha", "policy", "embargoed"),
    "dated-future": ("beta", "trade", None),
    "expiring": ("alpha", "policy", "ephemeral"),
    "unfinished": ("beta", None, None),
}
L, H, X = "listed", "held", "expired"
SCHEDULING = [
    # args, SOURCE_DATE_EPOCH, states of WATCHED (in its order), the "Held back" counts
    pytest.param([], NOW_EPOCH, (H, H, X, H), "1 draft, 2 scheduled", id="epoch-2026-01-01"),
    pytest.param([], epoch(2026, 2, 15), (L, H, X, H), "1 draft, 1 scheduled",
                 id="epoch-decides"),
    pytest.param(["--now", "2026-02-15"], NOW_EPOCH, (L, H, X, H), "1 draft, 1 scheduled",
                 id="now-after-publish-date"),
    pytest.param(["--now", "2026-01-01"], epoch(2026, 4, 1), (H, H, X, H),
                 "1 draft, 2 scheduled", id="now-beats-epoch"),
    pytest.param(["--now", "2026-02-01T09:00:00+00:00"], NOW_EPOCH, (L, H, X, H),
                 "1 draft, 1 scheduled", id="now-at-publish-date"),
    pytest.param(["--now", "2026-02-01T08:59:59Z"], NOW_EPOCH, (H, H, X, H),
                 "1 draft, 2 scheduled", id="now-just-before-publish-date"),
    pytest.param(["--now", "2026-04-01"], NOW_EPOCH, (L, L, X, H), "1 draft",
                 id="now-after-date"),
    pytest.param(["--future"], NOW_EPOCH, (L, L, X, H), "1 draft", id="future"),
    pytest.param(["--now", "2025-12-30T23:59:59+00:00"], NOW_EPOCH, (H, H, L, H),
                 "1 draft, 2 scheduled", id="before-expiry"),
    pytest.param(["--now", "2025-12-31T00:00:00+00:00"], NOW_EPOCH, (H, H, X, H),
                 "1 draft, 2 scheduled", id="at-expiry"),
    pytest.param(["--drafts"], NOW_EPOCH, (H, H, X, L), "2 scheduled", id="drafts"),
    pytest.param(["--drafts", "--future"], NOW_EPOCH, (L, L, X, L), None,
                 id="drafts-and-future"),
]


@pytest.mark.parametrize(("args", "source_date_epoch", "states", "held"), SCHEDULING)
def test_scheduling_expiry_and_drafts(tmp_path: Path, args: list[str], source_date_epoch: str,
                                      states: tuple[str, ...], held: str | None) -> None:
    site = fresh(tmp_path)
    result = ok(run_build(site, *args, source_date_epoch=source_date_epoch))
    if held is None:
        assert "Held back" not in result.output
    else:
        assert f"Held back: {held} (--drafts and --future include them)" in result.output
    out = site / "public"
    for (slug, (briefing, tag, own_tag)), state in zip(WATCHED.items(), states, strict=True):
        own_page = f"articles/{slug}/index.html"
        found = mentions(out, slug) - {own_page}
        if state == H:
            assert not (out / "articles" / slug).exists(), slug
            assert found == set(), (slug, found)
        elif state == X:
            text = (out / own_page).read_text(encoding="utf-8")
            assert EXPIRED_NOTICE in text, slug
            # The sitemap is test_expired_article_is_not_in_the_sitemap's business.
            assert found - {"sitemap.xml"} == set(), (slug, found)
        else:
            text = (out / own_page).read_text(encoding="utf-8")
            assert EXPIRED_NOTICE not in text
            assert ('class="draft"' in text) == (slug == "unfinished")
            assert {"feed.xml", "atom.xml", "sitemap.xml",
                    f"briefings/{briefing}/feed.xml"} <= found, (slug, found)
            for prefixes in (("index.html", "page/"), ("articles/index.html", "articles/page/"),
                             (f"briefings/{briefing}/index.html", f"briefings/{briefing}/page/"),
                             *([(f"tags/{tag}/",)] if tag else [])):
                assert any(f.startswith(prefixes) for f in found), (slug, prefixes, found)
        if own_tag:
            assert (out / "tags" / own_tag).exists() == (state == L), (slug, own_tag)


def test_expired_page_keeps_its_content_but_leaves_the_lists(out: Path) -> None:
    doc = parse(out, "articles/expiring/")
    (notice,) = doc.xpath('//p[@class="notice"]')
    assert notice.text_content().startswith(EXPIRED_NOTICE)
    assert "Only valid for a while." in doc.xpath('string(//div[@class="prose"])')
    assert not doc.xpath('//nav[@class="neighbours"]')  # no earlier/later links
    assert not (out / "tags" / "ephemeral").exists()
    assert not (out / "archive" / "2025" / "09").exists()  # its month has nothing listed
    assert mentions(out, "expiring") - {"articles/expiring/index.html", "sitemap.xml"} == set()


def test_expired_article_is_not_in_the_sitemap(out: Path) -> None:
    assert BASE + "articles/expiring/" not in sitemap_entries(out)


# --- 2. pagination ----------------------------------------------------------------------

FRONT = '//section[@class="recent"]//h3[@class="entry-title"]/a/@href'
CARDS = '//section[@class="briefing-cards"]//ul[@class="latest"]/li/a/@href'
TIMELINE = '//ol[@class="timeline"]//ol[@class="month-items"]/li/a/@href'
ENTRIES = '//article[@class="entry"]/h2[@class="entry-title"]/a/@href'
PAGINATED = [
    pytest.param("", FRONT, ALL, id="front-page"),
    pytest.param("articles/", TIMELINE, ALL, id="all-articles"),
    pytest.param("briefings/alpha/", TIMELINE, ALPHA, id="briefing-alpha"),
    pytest.param("briefings/beta/", TIMELINE, BETA, id="briefing-beta"),
    pytest.param("tags/policy/", ENTRIES, ALPHA, id="tag-policy"),
    pytest.param("tags/trade/", ENTRIES, TRADE, id="tag-trade"),
    pytest.param("tags/외교/", ENTRIES, ["서울-회담"], id="tag-korean-single-page"),
    pytest.param("archive/2025/", TIMELINE, ALL[:-1], id="archive-year"),
    pytest.param("archive/2025/12/", TIMELINE, ALL[:4], id="archive-month"),
    pytest.param("archive/2024/", TIMELINE, ["a0-old"], id="archive-year-single-page"),
]


@pytest.mark.parametrize(("base", "items_xpath", "expected"), PAGINATED)
def test_pagination(out: Path, base: str, items_xpath: str, expected: list[str]) -> None:
    count = -(-len(expected) // 2)  # paginate: 2
    paths = [base] + [f"{base}page/{n}/" for n in range(2, count + 1)]
    assert not page_file(out, f"{base}page/1/").exists()
    assert not page_file(out, f"{base}page/{count + 1}/").exists()
    seen: list[str] = []
    for number, path in enumerate(paths, 1):
        doc = parse(out, path)
        prev = paths[number - 2] if number > 1 else None
        nxt = paths[number] if number < count else None
        assert [site_path(u) for u in head(doc, "canonical")] == [path]
        assert [site_path(u) for u in head(doc, "prev")] == ([prev] if prev is not None else [])
        assert [site_path(u) for u in head(doc, "next")] == ([nxt] if nxt else [])
        pager = doc.xpath('//nav[@class="pager"]')
        if count == 1:
            assert pager == []
        else:
            (nav,) = pager
            assert f"Page {number} of {count}" in nav.text_content()
            assert [site_path(h) for h in nav.xpath('a[@rel="prev"]/@href')] == (
                [prev] if prev is not None else [])
            assert [site_path(h) for h in nav.xpath('a[@rel="next"]/@href')] == (
                [nxt] if nxt else [])
        if number > 1:
            assert f"Page {number} of {count}" in doc.findtext(".//title")
        items = article_slugs(doc.xpath(items_xpath))
        if base == "" and number == 1:
            # The front page's first list leaves out what the briefing cards above it show.
            cards = article_slugs(doc.xpath(CARDS))
            assert len(items) <= 2 and not set(items) & set(cards), (items, cards)
            seen += items + [c for c in cards if c in expected[:2]]
            continue
        assert 1 <= len(items) <= 2, (path, items)
        seen += items
    if base == "":
        assert sorted(seen) == sorted(expected)  # nothing lost, nothing twice
    else:
        assert seen == expected  # nothing lost, nothing twice, newest first


def test_front_page_two_title_names_the_site_once(out: Path) -> None:
    assert parse(out, "page/2/").findtext(".//title").count("Publishing Desk") == 1


# --- 3. archives, briefings and tags lists, breadcrumbs ----------------------------------

ARCHIVES = [
    pytest.param("archive/2025/", "2025", ALL[:-1], id="year-2025"),
    pytest.param("archive/2024/", "2024", ["a0-old"], id="year-2024"),
    pytest.param("archive/2025/12/", "December 2025", ALL[:4], id="month-2025-12"),
    pytest.param("archive/2025/11/", "November 2025", ["a3-shared", "a2-second"],
                 id="month-2025-11"),
    pytest.param("archive/2025/10/", "October 2025", ["a1-first"], id="month-2025-10"),
    pytest.param("archive/2024/06/", "June 2024", ["a0-old"], id="month-2024-06"),
]


@pytest.mark.parametrize(("path", "heading", "expected"), ARCHIVES)
def test_archive_pages(out: Path, path: str, heading: str, expected: list[str]) -> None:
    # Paginated like every list (two per page here): each page names the whole count.
    count = f"{len(expected)} article" + ("s" if len(expected) != 1 else "")
    seen = []
    for number in range(1, -(-len(expected) // 2) + 1):
        doc = parse(out, path if number == 1 else f"{path}page/{number}/")
        assert doc.findtext(".//h1") == heading
        assert doc.xpath('string(//header[@class="page-head"]/p[@class="meta"])') == count
        seen += article_slugs(doc.xpath(TIMELINE))
    assert seen == expected


def test_archive_folders_and_year_links(out: Path) -> None:
    folders = {p.parent.relative_to(out / "archive").as_posix()
               for p in (out / "archive").rglob("index.html")}
    # Nothing for September 2025 (expired only) nor 2026 (scheduled only); the lists of
    # more than two articles go on over further pages.
    assert folders == {"2024", "2024/06", "2025", "2025/page/2", "2025/page/3", "2025/page/4",
                       "2025/10", "2025/11", "2025/12", "2025/12/page/2"}
    years = parse(out, "articles/").xpath('//nav[@class="years"]//li')
    assert [(li.findtext("a"), li.xpath("string(a/@href)"), li.findtext("span"))
            for li in years] == [("2025", "/archive/2025/", "7"), ("2024", "/archive/2024/", "1")]


def test_briefings_list(out: Path) -> None:
    doc = parse(out, "briefings/")
    cards = doc.xpath('//article[@class="card"]')
    assert [c.xpath("string(.//h2/a/@href)") for c in cards] == ["/briefings/alpha/",
                                                                  "/briefings/beta/"]
    assert [c.xpath('string(.//p[@class="card-summary"])') for c in cards] == [
        "Everything about alpha.", "Everything about beta."]
    assert ["5 articles" in c.text_content() for c in cards] == [True, False]
    assert ["4 articles" in c.text_content() for c in cards] == [False, True]
    assert [article_slugs(c.xpath('.//ul[@class="latest"]/li/a/@href')) for c in cards] == [
        ALPHA[:3], BETA[:3]]


def test_tags_list(out: Path) -> None:
    doc = parse(out, "tags/")
    rows = [(li.findtext("a"), site_path(li.xpath("string(a/@href)")), li.findtext("span"))
            for li in doc.xpath('//ul[contains(@class, "tag-cloud")]/li')]
    # Most used first; tags of scheduled or expired articles only have no entry.
    assert rows == [("policy", "tags/policy/", "5"), ("trade", "tags/trade/", "3"),
                    ("외교", "tags/외교/", "1")]
    assert {p.name for p in (out / "tags").iterdir() if p.is_dir()} == {"policy", "trade", "외교"}


CRUMBS = [
    pytest.param("articles/a1-first/", [("Home", "/"), ("Alpha topic", "/briefings/alpha/")],
                 "Alpha one", id="article"),
    pytest.param("articles/a3-shared/", [("Home", "/"), ("Alpha topic", "/briefings/alpha/")],
                 "Alpha and beta together", id="article-in-two-briefings"),
    pytest.param("articles/서울-회담/", [("Home", "/"), ("Beta topic", "/briefings/beta/")],
                 "서울 회담", id="article-korean"),
    pytest.param("tags/policy/", [("Home", "/"), ("Tags", "/tags/")], "policy", id="tag"),
    pytest.param("tags/policy/page/2/", [("Home", "/"), ("Tags", "/tags/")], "policy",
                 id="tag-page-2"),
    pytest.param("archive/2025/", [("Home", "/"), ("All articles", "/articles/")], "2025",
                 id="archive-year"),
    pytest.param("archive/2025/12/", [("Home", "/"), ("All articles", "/articles/"),
                                      ("2025", "/archive/2025/")], "December 2025",
                 id="archive-month"),
    pytest.param("briefings/beta/", [("Home", "/"), ("Briefings", "/briefings/")],
                 "Beta topic", id="briefing"),
    pytest.param("articles/", [("Home", "/")], "All articles", id="all-articles"),
    pytest.param("tags/", [("Home", "/")], "Tags", id="tags"),
]


@pytest.mark.parametrize("path", ["", "articles/", "briefings/alpha/", "briefings/beta/",
                                  "tags/", "archive/2025/"])
def test_navigation_marks_only_the_current_briefing(out: Path, path: str) -> None:
    """The briefing links are rendered once and shared by every page outside the briefing
    pages; a briefing page marks itself."""
    (nav,) = parse(out, path).xpath('//header[@class="masthead"]//nav')
    current = [a.get("href") for a in nav.xpath(".//a[@aria-current]")]
    expected = ["/" + path] if path.startswith("briefings/") or path == "articles/" else []
    assert current == expected
    hrefs = [a.get("href") for a in nav.xpath(".//a")]
    assert "/briefings/alpha/" in hrefs and "/briefings/beta/" in hrefs


def test_list_entries_are_the_same_on_every_list(out: Path) -> None:
    """An article's entry is rendered once per process and repeated: every list shows it
    with its own title, link and date."""
    entries = {}
    for path in ("articles/", "briefings/alpha/", "tags/policy/"):
        for entry in parse(out, path).xpath('//article[@class="entry"]'):
            # A list may ask for another heading level or no summary: compare like with like.
            shape = (entry.xpath("string(.//a/@href)"), entry[0].tag,
                     bool(entry.xpath('.//p[@class="summary"]')))
            entries.setdefault(shape, set()).add(lxml.html.tostring(entry))
            assert entry.xpath("string(.//a)").strip()
    assert entries and all(len(forms) == 1 for forms in entries.values())


@pytest.mark.parametrize(("path", "trail", "current"), CRUMBS)
def test_breadcrumbs(out: Path, path: str, trail: list[tuple[str, str]], current: str) -> None:
    (nav,) = parse(out, path).xpath('//nav[@class="crumbs"]')
    assert nav.get("aria-label") == "Breadcrumb"
    items = nav.xpath("ol/li")
    assert [(li.findtext("a"), li.xpath("string(a/@href)")) for li in items[:-1]] == trail
    assert items[-1].get("aria-current") == "page"
    assert items[-1].text_content().strip() == current
    for _, href in trail:
        assert page_file(out, site_path(href)).is_file()


def test_front_page_has_no_breadcrumbs(out: Path) -> None:
    assert parse(out, "").xpath('//nav[@class="crumbs"]') == []


# --- 4. sitemap.xml and robots.txt ------------------------------------------------------


def test_sitemap_lists_every_page_but_404_and_emails(out: Path) -> None:
    entries = sitemap_entries(out)
    assert all(loc.isascii() for loc in entries), [loc for loc in entries if not loc.isascii()]
    listed = {site_path(loc) for loc in entries}
    pages = {p.relative_to(out).as_posix().removesuffix("index.html")
             for p in out.rglob("*.html")}
    assert "404.html" in pages and any(p.endswith("/email.html") for p in pages)
    expected = {p for p in pages if p != "404.html" and not p.endswith("email.html")}
    assert listed == expected - {"articles/expiring/"}
    assert len(entries) == len(set(entries))


@pytest.mark.parametrize(("path", "lastmod"), [
    pytest.param("articles/a1-first/", "2025-10-07T10:30:00+00:00", id="article-updated"),
    pytest.param("articles/a2-second/", "2025-11-10T09:00:00+00:00", id="article-date"),
    pytest.param("", "2025-12-15T09:00:00+00:00", id="front-page-newest"),
    pytest.param("page/4/", "2025-10-07T10:30:00+00:00", id="front-page-4-its-newest"),
    pytest.param("briefings/alpha/", "2025-12-01T09:00:00+00:00", id="briefing"),
    pytest.param("archive/2024/", "2024-06-01T08:00:00+00:00", id="archive"),
    pytest.param("tags/policy/page/3/", "2024-06-01T08:00:00+00:00", id="tag-last-page"),
])
def test_sitemap_lastmod(out: Path, path: str, lastmod: str) -> None:
    assert sitemap_entries(out)[BASE + quote(path)] == lastmod


@pytest.mark.parametrize("path", ["articles/서울-회담/", "articles/москва-саммит/",
                                  "tags/외교/"])
def test_sitemap_percent_encodes_non_latin_urls(out: Path, path: str) -> None:
    encoded = BASE + quote(path)
    assert encoded.isascii() and "%" in encoded
    assert encoded in sitemap_entries(out)
    assert page_file(out, site_path(encoded)).is_file()  # round-trips to the file


def test_robots_names_the_sitemap(out: Path) -> None:
    robots = (out / "robots.txt").read_text(encoding="utf-8").splitlines()
    assert "User-agent: *" in robots
    assert f"Sitemap: {BASE}sitemap.xml" in robots


# --- 5. social metadata and JSON-LD -----------------------------------------------------

SITE_CARD = BASE + "img/site-card.png"
META = [
    pytest.param("", {"canonical": BASE, "description": "Briefings about publishing features",
                      "og:title": "Publishing Desk", "og:url": BASE, "og:type": "website",
                      "og:image": SITE_CARD, "twitter:card": "summary_large_image"},
                 id="front-page"),
    pytest.param("articles/a1-first/", {
        "canonical": BASE + "articles/a1-first/",
        "description": "The first alpha development, summarised.", "og:title": "Alpha one",
        "og:url": BASE + "articles/a1-first/", "og:type": "article",
        "og:image": "https://cdn.example.com/alpha-1.jpg",
        "twitter:card": "summary_large_image",
        "article:published_time": "2025-10-05T09:00:00+00:00",
        "article:modified_time": "2025-10-07T10:30:00+00:00"}, id="article-image-url"),
    pytest.param("articles/a2-second/", {
        "description": "The second alpha development.", "og:type": "article",
        "og:image": BASE + "img/alpha-2.png", "twitter:image": BASE + "img/alpha-2.png"},
        id="article-image-path"),
    pytest.param("articles/a4-december/", {"og:image": SITE_CARD, "og:title": "Alpha four"},
                 id="article-site-image"),
    pytest.param("briefings/beta/", {"canonical": BASE + "briefings/beta/",
                                     "description": "Everything about beta.",
                                     "og:title": "Beta topic", "og:type": "website"},
                 id="briefing"),
    pytest.param("tags/policy/page/2/", {"canonical": BASE + "tags/policy/page/2/",
                                         "og:url": BASE + "tags/policy/page/2/"},
                 id="tag-page-2"),
]


@pytest.mark.parametrize(("path", "expected"), META)
def test_social_metadata(out: Path, path: str, expected: dict[str, str]) -> None:
    doc = parse(out, path)
    assert {what: head(doc, what) for what in expected} == {
        what: [value] for what, value in expected.items()}


def test_no_image_means_a_summary_card(copy_site) -> None:  # type: ignore[no-untyped-def]
    site = copy_site("basic")  # no site image, no article image
    ok(build(site))
    doc = parse(site / "public", "articles/first/")
    assert head(doc, "twitter:card") == ["summary"]
    assert head(doc, "og:image") == [] and head(doc, "twitter:image") == []
    assert "image" not in jsonld(doc) or jsonld(doc)["image"] is None


JSONLD = [
    pytest.param("articles/a1-first/", {
        "@type": "NewsArticle", "headline": "Alpha one",
        "datePublished": "2025-10-05T09:00:00+00:00",
        "dateModified": "2025-10-07T10:30:00+00:00",
        "author": {"@type": "Person", "name": "Jane Roe"},
        "publisher": {"@type": "Organization", "name": "Publishing Desk", "url": BASE},
        "isBasedOn": "https://news.example.com/alpha-1", "url": BASE + "articles/a1-first/",
        "mainEntityOfPage": BASE + "articles/a1-first/",
        "image": "https://cdn.example.com/alpha-1.jpg", "inLanguage": "en"},
        id="article"),
    pytest.param("articles/a4-december/", {
        "@type": "NewsArticle", "headline": "Alpha four",
        "datePublished": "2025-12-01T09:00:00+00:00",
        "dateModified": "2025-12-01T09:00:00+00:00",
        "author": {"@type": "Organization", "name": "Pub Desk"}, "image": SITE_CARD},
        id="article-without-author-or-update"),
    pytest.param("briefings/alpha/", {
        "@type": "CollectionPage", "name": "Alpha topic", "url": BASE + "briefings/alpha/",
        "description": "Everything about alpha.",
        "isPartOf": {"@type": "WebSite", "name": "Publishing Desk", "url": BASE}},
        id="briefing"),
    pytest.param("", {"@type": "WebSite", "name": "Publishing Desk", "url": BASE,
                      "description": "Briefings about publishing features",
                      "inLanguage": "en"}, id="front-page"),
]


@pytest.mark.parametrize(("path", "expected"), JSONLD)
def test_jsonld(out: Path, path: str, expected: dict[str, Any]) -> None:
    data = jsonld(parse(out, path))
    assert data["@context"] == "https://schema.org"
    assert {key: data.get(key) for key in expected} == expected


def test_briefing_jsonld_parts_are_its_latest_articles(out: Path) -> None:
    parts = jsonld(parse(out, "briefings/beta/"))["hasPart"]
    assert article_slugs(parts) == BETA[:3]
    assert all(page_file(out, site_path(url)).is_file() for url in parts)


def test_front_page_offers_search_only_when_there_is_a_search_page(out: Path) -> None:
    data = jsonld(parse(out, ""))
    assert not (out / "search").exists()  # publishing-main has search: false
    assert "potentialAction" not in data


# --- 6. languages -----------------------------------------------------------------------

LANGUAGES = [
    pytest.param("en", "ltr", ["All articles", "December 15, 2025"], id="en"),
    pytest.param("ko", "ltr", ["모든 기사", "2025년 12월 15일", "본문으로 건너뛰기"],
                 id="ko"),
    pytest.param("ko-KR", "ltr", ["모든 기사", "2025년 12월 15일"], id="ko-KR"),
    pytest.param("ar", "rtl", ["ديسمبر"], id="ar"),
    pytest.param("he", "rtl", ["בדצמבר"], id="he"),
]


@pytest.mark.parametrize(("language", "direction", "texts"), LANGUAGES)
def test_language(tmp_path: Path, language: str, direction: str, texts: list[str]) -> None:
    site = fresh(tmp_path, language=language)
    ok(build(site))
    out = site / "public"
    for path in ("", "articles/b1-beta/", "tags/policy/"):
        root = parse(out, path)
        assert (root.get("lang"), root.get("dir")) == (language, direction)
    front = parse(out, "").text_content()
    for text in texts:
        assert text in front, text
    # The front page's later pages list the most recent articles under that heading (the
    # first page's cards may already show all of its own).
    if language in ("en", "ko"):
        heading = {"en": "Most recent", "ko": "최신 기사"}[language]
        assert heading in parse(out, "page/2/").text_content()
    if language.startswith("ko"):
        assert "All articles" not in front and "Most recent" not in front
        article = parse(out, "articles/b1-beta/").text_content()
        assert "2025년 12월 15일" in article
        # Month headings in the Korean order, in timelines and archive titles alike.
        months = [parse(out, path).xpath('//*[@class="month-label"]/text()')
                  for path in ("articles/", "articles/page/3/")]
        assert months == [["2025년 12월"], ["2025년 11월"]], months
        assert parse(out, "archive/2025/12/").findtext(".//h1") == "2025년 12월"


def test_korean_count_of_one_is_korean(tmp_path: Path) -> None:
    site = fresh(tmp_path, language="ko")
    ok(build(site))
    meta = parse(site / "public", "tags/외교/").xpath(
        'string(//header[@class="page-head"]/p[@class="meta"])')
    assert meta == "기사 1건"


def test_site_i18n_layers_override_and_fall_back_to_english(tmp_path: Path) -> None:
    site = fresh(tmp_path, language="ko")
    write_files(site, {
        # The site's Korean string shadows the theme's Korean one …
        "theme_overrides/i18n/ko.yaml": 'all_articles: "전체 기사 목록"\n',
        # … and a key only English knows falls back to English.
        "theme_overrides/i18n/en.yaml": 'desk_note: "Edited in English"\n',
        "theme_overrides/templates/404.html": """
            {% extends "theme:404.html" %}
            {% block main %}{{ super() }}<p class="desk-note">{{ t('desk_note') }}</p>{% endblock %}
            """,
    })
    ok(build(site))
    out = site / "public"
    nav = parse(out, "").xpath("string(//header[@class='masthead']//nav)")
    assert "전체 기사 목록" in nav and "모든 기사" not in nav
    missing = parse(out, "404.html")
    assert missing.xpath("string(//p[@class='desk-note'])") == "Edited in English"
    assert missing.findtext(".//h1") == "페이지를 찾을 수 없습니다"  # the theme's Korean


# --- 7. slugs ---------------------------------------------------------------------------

SLUG_MODES = [
    pytest.param("unicode", ["articles/서울-회담/", "articles/москва-саммит/", "tags/외교/"],
                 ["articles/seoul-hoedam/", "tags/oegyo/"], id="unicode"),
    pytest.param("ascii", ["articles/seoul-hoedam/", "articles/moskva-sammit/", "tags/oegyo/"],
                 ["articles/서울-회담/", "articles/москва-саммит/", "tags/외교/"], id="ascii"),
]


@pytest.mark.parametrize(("mode", "present", "absent"), SLUG_MODES)
def test_slugs(tmp_path: Path, mode: str, present: list[str], absent: list[str]) -> None:
    site = fresh(tmp_path, slugify=mode)
    ok(build(site))
    out = site / "public"
    for path in present:
        assert page_file(out, path).is_file(), path
        if mode == "ascii":
            assert path.isascii()
    for path in absent:
        assert not (out / path).exists(), path
    assert broken_links(out) == []
    korean = present[0]
    for feed in feed_files(out):
        parsed = feedparser.parse(feed.read_bytes())
        assert not parsed.bozo, (feed, parsed.get("bozo_exception"))
        for entry in parsed.entries:
            assert entry.link.isascii() and entry.link.startswith(BASE), entry.link
            assert page_file(out, site_path(entry.link)).is_file(), entry.link
    beta = feedparser.parse((out / "briefings/beta/atom.xml").read_bytes())
    assert BASE + quote(korean) in [e.link for e in beta.entries]
    assert "서울 회담" in [e.title for e in beta.entries]


# --- 8. theme layers --------------------------------------------------------------------

OWN_ARTICLE = """
    {% extends "base.html" %}
    {% block main %}<p class="marker">site article for {{ article.title }}</p>{% endblock %}
    """
BARE_TAG = """
    {% extends "base.html" %}
    {% block main %}<p class="marker">bare tag {{ tag.name }}</p>{% endblock %}
    """
EXTENDING = """
    {% extends "theme:article.html" %}
    {% block og_type %}report{% endblock %}
    """
CHILD_404 = """
    {% extends "base.html" %}
    {% block main %}<p class="marker">child 404</p>{% endblock %}
    """
THEME_LAYERS = [
    # files, site.yaml settings, page, the marker it shows, a theme element (kept or not)
    pytest.param({"theme_overrides/templates/article.html": OWN_ARTICLE}, {},
                 "articles/a1-first/", "site article for Alpha one", False,
                 id="theme_overrides-template"),
    pytest.param({"templates/tag.html": BARE_TAG}, {}, "tags/policy/", "bare tag policy", False,
                 id="bare-templates-folder"),
    pytest.param({"theme_overrides/templates/article.html": EXTENDING}, {},
                 "articles/a1-first/", None, True, id="extends-theme-one-block"),
    pytest.param({"themes/child/theme.yaml": "extends: default\n",
                  "themes/child/templates/404.html": CHILD_404}, {"theme": "child"},
                 "404.html", "child 404", False, id="child-theme-404"),
]


@pytest.mark.parametrize(("files", "settings", "path", "marker", "theme_kept"), THEME_LAYERS)
def test_theme_layers(tmp_path: Path, files: dict[str, str], settings: dict[str, str],
                      path: str, marker: str | None, theme_kept: bool) -> None:
    site = fresh(tmp_path, **settings)
    write_files(site, files)
    ok(build(site))
    out = site / "public"
    doc = parse(out, path)
    if marker is not None:
        assert doc.xpath("string(//p[@class='marker'])") == marker
    assert bool(doc.xpath("//main//header[@class='page-head']")) == theme_kept
    if theme_kept:
        # Only the og_type block changed: the rest is the theme's article page.
        assert head(doc, "og:type") == ["report"]
        assert doc.findtext(".//h1") == "Alpha one"
        assert "The first alpha development." in doc.xpath("string(//div[@class='prose'])")
    # Pages of the other templates still come from the default theme.
    assert parse(out, "articles/").findtext(".//h1") == "All articles"
    assert parse(out, "briefings/alpha/").xpath("//section[@class='overview prose']")


@pytest.mark.parametrize(("files", "message"), [
    pytest.param({"themes/child/theme.yaml": "extends: nowhere\n"},
                 "the theme.yaml of child: theme 'nowhere' not found", id="missing-parent"),
    pytest.param({"themes/child/theme.yaml": "extends: other\n",
                  "themes/other/theme.yaml": "extends: child\n",
                  "themes/other/templates/404.html": CHILD_404},
                 "themes extend each other in a circle", id="cycle"),
    pytest.param({"themes/child/theme.yaml": "extends: child\n"},
                 "themes extend each other in a circle (child)", id="self-cycle"),
])
def test_broken_theme_chains_fail_clearly(tmp_path: Path, files: dict[str, str],
                                          message: str) -> None:
    site = fresh(tmp_path, theme="child")
    write_files(site, {"themes/child/templates/404.html": CHILD_404, **files})
    result = build(site)
    assert result.exit_code == 1, result.output
    assert message in result.output
    assert "Build failed: 1 problem; nothing was written." in result.output
    assert "Traceback" not in result.output
    assert not (site / "public").exists()


def test_child_theme_can_extend_its_parents_template(tmp_path: Path) -> None:
    site = fresh(tmp_path, theme="child")
    # A child theme names its parent's template with "parent:"; "theme:" is the theme
    # itself (what a site's overrides extend).
    write_files(site, {"themes/child/theme.yaml": "extends: default\n",
                       "themes/child/templates/article.html":
                       EXTENDING.replace("theme:article.html", "parent:article.html")})
    ok(build(site))
    assert head(parse(site / "public", "articles/a1-first/"), "og:type") == ["report"]


def test_static_override_replaces_the_theme_file(tmp_path: Path) -> None:
    site = fresh(tmp_path)
    ok(build(site))
    (before,) = (site / "public" / "static").glob("style.*.css")
    css = b"body { color: rebeccapurple; }\n"
    write_files(site, {"theme_overrides/static/style.css": css})
    ok(build(site))
    out = site / "public"
    (after,) = (out / "static").glob("style.*.css")
    assert after.name != before.name
    assert after.read_bytes() == css
    assert after.name == f"style.{hashlib.blake2b(css, digest_size=4).hexdigest()}.css"
    assert f'href="/static/{after.name}"' in page_file(out, "").read_text(encoding="utf-8")
    assert (out / "static" / before.name).exists() is False
    assert list((out / "static").glob("highlight.*.css"))  # the theme's other files stay


# --- 9. fingerprinted assets ------------------------------------------------------------


def test_fingerprinted_stylesheet_follows_its_content(tmp_path: Path) -> None:
    site = fresh(tmp_path)
    # The site's own copy of the theme is found before the shipped one.
    shutil.copytree(REPO / "themes" / "default", site / "themes" / "default")
    names = []
    for change in (b"", b"\n.fingerprint-test { color: teal; }\n"):
        source = site / "themes/default/static/style.css"
        source.write_bytes(source.read_bytes() + change)
        ok(build(site))
        out = site / "public"
        (css,) = (out / "static").glob("style.*.css")
        digest = css.name.split(".")[1]
        assert len(digest) == 8 and all(c in "0123456789abcdef" for c in digest)
        assert digest == hashlib.blake2b(source.read_bytes(), digest_size=4).hexdigest()
        assert css.read_bytes() == source.read_bytes()
        pages = [p for p in out.rglob("*.html") if p.name != "email.html"]
        for page in pages:
            links = lxml.html.fromstring(page.read_bytes()).xpath(
                "//link[@rel='stylesheet']/@href")
            assert f"/static/{css.name}" in links, page
        names.append(css.name)
    assert names[0] != names[1]
    assert not (site / "public" / "static" / names[0]).exists()


# --- 10. code highlighting --------------------------------------------------------------

CODE = [
    pytest.param("python", "def greet(name):\n    return name\n",
                 ['<code class="language-python">', '<span class="k">def</span>',
                  '<span class="nf">greet</span>', '<span class="k">return</span>'], id="python"),
    pytest.param("javascript", "const answer = 42;\n",
                 ['<span class="kd">const</span>', '<span class="mf">42</span>'], id="javascript"),
    pytest.param("nosuchlanguage", "<b>plain</b>\n",
                 ["&lt;b&gt;plain&lt;/b&gt;"], id="unknown-language-stays-plain"),
]


@pytest.fixture(scope="module")
def code_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("code")
    files = {"site.yaml": """
        title: Code
        base_url: https://code.example.org/
        search: false
        digests:
          enabled: false
        """}
    for param in CODE:
        lang, code, _ = param.values
        files[f"content/articles/{lang}.md"] = (
            f"---\ntitle: {lang}\ndate: 2025-12-01\n---\nSome code:\n\n```{lang}\n{code}```\n")
    write_files(site, files)
    ok(build(site))
    return site / "public"


@pytest.mark.parametrize(("lang", "code", "fragments"), CODE)
def test_code_highlighting(code_site: Path, lang: str, code: str, fragments: list[str]) -> None:
    html = page_file(code_site, f"articles/{lang}/").read_text(encoding="utf-8")
    for fragment in fragments:
        assert fragment in html, fragment
    if lang == "nosuchlanguage":
        assert '<span class="' not in html.split('<div class="prose">')[1]
    (css,) = (code_site / "static").glob("highlight.*.css")
    assert f'<link rel="stylesheet" href="/static/{css.name}">' in html
    assert ".k " in css.read_text(encoding="utf-8")  # the keyword style exists


# --- 11. search in a browser ------------------------------------------------------------

SEARCH_SITE = {
    "site.yaml": """
        title: Search Desk
        base_url: https://search.example.org/
        language: en
        timezone: UTC
        search: true
        digests:
          enabled: false
        """,
    "content/briefings/ports.md": "---\ntitle: Ports\n---\nShipping news.\n",
    "content/briefings/korea.md": "---\ntitle: Korea\n---\nNews from Korea.\n",
    "content/articles/harbour-report.md": """
        ---
        title: Port talks
        date: 2025-12-01T09:00:00Z
        briefings: [ports]
        ---
        The harbour authority met the Seoul delegation on Tuesday.
        """,
    "content/articles/서울-소식.md": """
        ---
        title: 서울 소식
        date: 2025-12-02T09:00:00Z
        briefings: [korea]
        ---
        정상회담 결과가 오늘 발표되었다. Seoul 대표단이 참석했다.
        """,
    "content/articles/old-notice.md": """
        ---
        title: Old notice
        date: 2025-05-01T09:00:00Z
        expires: 2025-06-01T00:00:00Z
        briefings: [ports]
        ---
        The quarantine notice was withdrawn.
        """,
}
ENGLISH, KOREAN = "/articles/harbour-report/", "/articles/서울-소식/"


@pytest.fixture(scope="module")
def search_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Build the search site and serve its output on a free loopback port."""
    site = tmp_path_factory.mktemp("search")
    write_files(site, SEARCH_SITE)
    build_apart(site)
    out = site / "public"
    assert (out / "pagefind" / "shards.json").is_file()
    with serve_folder(out) as url:
        yield url


def search(browser: Any, search_url: str, query: str) -> list[str]:
    """Open the search page with a query string; return the result links' paths."""
    page = browser.new_page()
    try:
        page.goto(f"{search_url}search/?{query}")
        page.wait_for_function("document.getElementById('search-status').textContent !== ''",
                               timeout=15_000)
        hrefs = page.locator(".search-result-link").evaluate_all(
            "links => links.map(a => a.getAttribute('href'))")
        return sorted(unquote(urlsplit(h).path) for h in hrefs)
    finally:
        page.close()


@pytest.mark.parametrize(("query", "expected"), [
    pytest.param("q=harbour", [ENGLISH], id="english-body-word"),
    pytest.param("q=" + quote("정상회담"), [KOREAN], id="korean-body-word"),
    pytest.param("q=Seoul", sorted([ENGLISH, KOREAN]), id="word-in-both"),
    pytest.param("q=Seoul&briefing=korea", [KOREAN], id="briefing-narrows-to-korea"),
    pytest.param("q=Seoul&briefing=ports", [ENGLISH], id="briefing-narrows-to-ports"),
    pytest.param("q=harbour&briefing=korea", [], id="briefing-excludes"),
    pytest.param("q=zeppelin", [], id="no-match"),
])
def test_search_in_browser(browser: Any, search_url: str, query: str,
                           expected: list[str]) -> None:
    assert search(browser, search_url, query) == expected


def test_search_leaves_out_expired_articles(browser: Any, search_url: str) -> None:
    assert search(browser, search_url, "q=quarantine") == []


# --- 12. validity -----------------------------------------------------------------------


def test_publishing_pages_are_valid_html_and_feeds_parse(tmp_path: Path) -> None:
    site = fresh(tmp_path, search="true")
    build_apart(site)
    out = site / "public"
    for path in ("page/2/", "briefings/alpha/page/3/", "tags/policy/page/2/", "archive/2025/",
                 "archive/2025/12/", "articles/expiring/", "search/", "articles/서울-회담/"):
        assert page_file(out, path).is_file(), path
    assert validate_html(out) == []
    feeds = feed_files(out)
    assert len(feeds) >= 6  # site, two briefings, digests
    for feed in feeds:
        parsed = feedparser.parse(feed.read_bytes())
        assert not parsed.bozo, (feed, parsed.get("bozo_exception"))
        assert parsed.entries, feed
        for entry in parsed.entries:
            assert entry.title and entry.id and entry.link.isascii()
