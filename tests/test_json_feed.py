"""JSON Feed 1.1 (feed.json): required fields, the same items as RSS and Atom, announced."""

from __future__ import annotations

import calendar
import json
from datetime import UTC, datetime, timedelta, timezone
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from xml.etree import ElementTree

import feedparser

from generator import feed_render, feeds
from generator.content import Content
from generator.fingerprint import Digester
from generator.model import Article, FeedSettings, Picture, Site, SiteConfig
from generator.site import assemble
from tests.conftest import build, write_files

VERSION = "https://jsonfeed.org/version/1.1"
BASE = "https://example.org/"
CONTENT = {"feed.xml": "{http://purl.org/rss/1.0/modules/content/}encoded",
           "atom.xml": "{http://www.w3.org/2005/Atom}content"}


def _feeds(public: Path) -> list[Path]:
    return sorted(public.rglob("feed.json"))


def _load(path: Path) -> dict[str, Any]:
    data = path.read_bytes()
    assert data.endswith(b"}\n"), f"{path}: not one JSON document ending in a newline"
    doc = json.loads(data.decode("utf-8"))
    assert isinstance(doc, dict)
    return doc


def _moment(text: str) -> datetime:
    # RFC 3339 as JSON Feed requires: a full date-time with an offset.
    moment = datetime.fromisoformat(text)
    assert moment.tzinfo is not None, f"{text!r} has no UTC offset"
    assert "T" in text
    return moment


def _absolute(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def check_required(doc: dict[str, Any], feed_url: str) -> None:
    """Assert what JSON Feed 1.1 requires, and what every feed of Briefings carries."""
    assert doc["version"] == VERSION
    assert isinstance(doc["title"], str) and doc["title"]
    assert doc["feed_url"] == feed_url
    assert doc["home_page_url"] == feed_url.removesuffix("feed.json")
    assert isinstance(doc["description"], str) and doc["description"]
    assert isinstance(doc["items"], list)
    for author in doc.get("authors", []):
        assert isinstance(author["name"], str) and author["name"]
    for item in doc["items"]:
        assert isinstance(item["id"], str) and item["id"]
        assert _absolute(item["url"]), item["url"]
        assert isinstance(item["title"], str) and item["title"]
        assert isinstance(item.get("content_html", item.get("content_text")), str), item
        published = _moment(item["date_published"])
        assert _moment(item["date_modified"]) >= published
        assert all(isinstance(tag, str) and tag for tag in item.get("tags", []))


def _url_of(public: Path, path: Path, base: str = BASE) -> str:
    from urllib.parse import quote

    return base + quote(path.relative_to(public).as_posix(), safe="/")


def test_every_json_feed_has_the_required_fields(built_basic: Path) -> None:
    public = built_basic / "public"
    found = _feeds(public)
    # The site, each briefing, and the digests of the site and of each briefing.
    assert [p.relative_to(public).as_posix() for p in found] == [
        "briefings/alpha/digests/feed.json", "briefings/alpha/feed.json",
        "briefings/beta/digests/feed.json", "briefings/beta/feed.json",
        "digests/feed.json", "feed.json"]
    for path in found:
        doc = _load(path)
        check_required(doc, _url_of(public, path))
        assert doc["items"], f"{path}: no items"
        assert doc["language"] == "en"
    # UTF-8 as it is, not \u escapes: a Korean tag reads as Korean in the file.
    text = (public / "feed.json").read_text(encoding="utf-8")
    assert '"트렌드"' in text and "\\u" not in text


def _same_dates(struct: Any, text: str) -> bool:
    return calendar.timegm(struct) == int(_moment(text).timestamp())


def test_items_are_the_rss_and_atom_items(built_basic: Path) -> None:
    public = built_basic / "public"
    for path in _feeds(public):
        items = _load(path)["items"]
        for name in ("feed.xml", "atom.xml"):
            parsed = feedparser.parse((path.parent / name).read_bytes(), sanitize_html=False)
            assert not parsed.bozo, (path.parent / name, parsed.get("bozo_exception"))
            entries = parsed.entries
            where = f"{path.parent / name}"
            assert [e.id for e in entries] == [i["id"] for i in items], where
            assert [e.link for e in entries] == [i["url"] for i in items], where
            assert [e.title for e in entries] == [i["title"] for i in items], where
            for entry, item in zip(entries, items, strict=True):
                assert _same_dates(entry.published_parsed, item["date_published"]), where
                if name == "atom.xml":  # RSS has no date of an item's last change
                    assert _same_dates(entry.updated_parsed, item["date_modified"]), where
                assert entry.summary == item["summary"], where
                assert [t.term for t in entry.get("tags", [])] == item.get("tags", []), where
            # The full bodies, with the same absolute links, as written (feedparser rewrites
            # the HTML it reads: the XML text is compared instead).
            tree = ElementTree.parse(path.parent / name).getroot()
            bodies = [e.text for e in tree.iter(CONTENT[name])]
            assert bodies == [i["content_html"] for i in items], where
    first = next(i for i in _load(public / "feed.json")["items"]
                 if i["url"] == BASE + "articles/first/")
    # Relative links and images in the body were made absolute.
    assert f'href="{BASE}articles/second/"' in first["content_html"]
    assert f'src="{BASE}articles/first/chart.png"' in first["content_html"]
    assert first["authors"] == [{"name": "Jane Roe"}]


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.alternates: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "link" and found.get("rel") == "alternate":
            self.alternates.append((found.get("type") or "", found.get("href") or ""))


def test_pages_announce_the_json_feeds(built_basic: Path) -> None:
    public = built_basic / "public"
    pages = sorted(p for p in public.rglob("*.html") if p.name == "index.html")
    assert len(pages) > 10
    for page in pages:
        links = _Links()
        links.feed(page.read_text(encoding="utf-8"))
        json_hrefs = [href for kind, href in links.alternates if kind == "application/feed+json"]
        rss_hrefs = [href for kind, href in links.alternates if kind == "application/rss+xml"]
        # A JSON Feed beside every RSS feed a page announces, and the site's own on every page.
        assert [h.removesuffix("feed.xml") for h in rss_hrefs] == [
            h.removesuffix("feed.json") for h in json_hrefs], page
        assert BASE + "feed.json" in json_hrefs, page
        for href in json_hrefs:
            target = public / unquote(href.removeprefix(BASE))
            assert target.is_file(), f"{page} announces {href}, which was not built"
            assert _load(target)["feed_url"] == href
    briefing = _Links()
    briefing.feed((public / "briefings/alpha/index.html").read_text(encoding="utf-8"))
    assert ("application/feed+json", BASE + "briefings/alpha/feed.json") in briefing.alternates


KOREAN = {
    "site.yaml": """
        title: "서울 브리핑"
        description: "한국어 뉴스"
        base_url: "https://example.org/news/"
        language: ko
        timezone: Asia/Seoul
        author: "편집국"
        search: false
    """,
    "content/briefings/경제.md": """
        ---
        title: 경제
        summary: 경제 소식
        ---
        개요.
    """,
    "content/articles/한국-경제.md": """
        ---
        title: 한국 경제 동향
        date: 2025-12-10 09:00
        briefings: [경제]
        tags: [경제 정책]
        ---
        본문 [다른 기사](../두번째/) 입니다.
    """,
    "content/articles/두번째.md": """
        ---
        title: 두 번째
        date: 2025-12-01 09:00
        briefings: [경제]
        ---
        둘째 본문.
    """,
}


def test_korean_urls_are_percent_encoded(tmp_path: Path) -> None:
    site = tmp_path / "korean"
    write_files(site, KOREAN)
    result = build(site)
    assert result.exit_code == 0, result.output
    public = site / "public"
    base = "https://example.org/news/"
    found = _feeds(public)
    assert public / "briefings/경제/feed.json" in found
    assert public / "briefings/경제/digests/feed.json" in found
    article = base + "articles/%ED%95%9C%EA%B5%AD-%EA%B2%BD%EC%A0%9C/"
    for path in found:
        doc = _load(path)
        check_required(doc, _url_of(public, path, base))
        assert doc["language"] == "ko"
        urls = [doc["home_page_url"], doc["feed_url"]]
        urls += [u for i in doc["items"] for u in (i["id"], i["url"])]
        for url in urls:
            assert url.isascii() and url.startswith(base), f"{path}: {url!r}"
        rss = feedparser.parse((path.parent / "feed.xml").read_bytes())
        assert [e.link for e in rss.entries] == [i["url"] for i in doc["items"]], path
    briefing = _load(public / "briefings/경제/feed.json")
    assert briefing["feed_url"] == base + "briefings/%EA%B2%BD%EC%A0%9C/feed.json"
    assert briefing["title"] == "경제 · 서울 브리핑"
    first = briefing["items"][0]
    assert first["url"] == first["id"] == article
    assert first["tags"] == ["경제 정책"]
    assert first["authors"] == [{"name": "편집국"}]
    assert _moment(first["date_published"]) == datetime(2025, 12, 10, 9, tzinfo=timezone(
        timedelta(hours=9)))


# Featured images and summaries-only feeds, on a site assembled in memory: the resolver of
# `image:` front matter is not what is tested here, what the feeds write of its result is.
def _article(slug: str, day: int, picture: Picture | None) -> Article:
    return Article(source_path=f"content/articles/{slug}.md", slug=slug, title=f"Story {slug}",
                   date=datetime(2025, 12, day, 9, tzinfo=UTC), updated=None, author="",
                   source="", source_url="", briefings=(), tags=(),
                   summary=f"Summary of {slug}.", draft=False,
                   guid=BASE + f"articles/{slug}/", key=f"key-{slug}", card=f"card-{slug}",
                   picture=picture)


LOCAL = Picture(src="articles/사진/photo.jpg", alt="A street", credit="Kim", width=1600,
                height=900)
REMOTE = Picture(src="https://cdn.example.net/사진 1.jpg", alt="Remote")


def _site(*articles: Article, full_content: bool = True) -> Site:
    config = SiteConfig(title="Pictures", base_url=BASE,
                        feeds=FeedSettings(full_content=full_content))
    return assemble(config, Content((), articles))


def _render(site: Site) -> dict[str, bytes]:
    spec = feeds.specs(site)[0]
    outputs = feeds.render_feeds(site, spec, lambda a: f"<p>Body of {a.slug}.</p>", {})
    return {o.path: o.data for o in outputs}


def test_featured_images_in_every_format() -> None:
    site = _site(_article("사진", 3, LOCAL), _article("remote", 2, REMOTE),
                 _article("plain", 1, None))
    files = _render(site)
    assert sorted(files) == ["atom.xml", "feed.json", "feed.xml"]
    local = BASE + "articles/%EC%82%AC%EC%A7%84/photo.jpg"
    remote = "https://cdn.example.net/%EC%82%AC%EC%A7%84%201.jpg"
    items = json.loads(files["feed.json"])["items"]
    assert [i.get("image") for i in items] == [local, remote, None]
    for name in ("feed.xml", "atom.xml"):
        parsed = feedparser.parse(files[name])
        assert not parsed.bozo, parsed.get("bozo_exception")
        media = [e.get("media_content", []) for e in parsed.entries]
        assert [[m["url"] for m in found] for found in media] == [[local], [remote], []], name
        assert media[0][0]["medium"] == "image"
        assert (media[0][0]["width"], media[0][0]["height"]) == ("1600", "900")
        assert "width" not in media[1][0]  # a remote image's size is not read
    # A feed without images declares no Media RSS namespace.
    plain = _render(_site(_article("plain", 1, None)))
    assert b"search.yahoo.com/mrss" not in plain["feed.xml"] + plain["atom.xml"]


def test_summaries_only_give_content_text() -> None:
    files = _render(_site(_article("a", 1, None), full_content=False))
    item = json.loads(files["feed.json"])["items"][0]
    assert "content_html" not in item
    assert item["content_text"] == item["summary"] == "Summary of a."
    check_required(json.loads(files["feed.json"]), BASE + "feed.json")
    rss = feedparser.parse(files["feed.xml"])
    assert "content" not in rss.entries[0]


class _Recorder:
    """The part of the Publisher that publish_feeds uses: what it kept, what it wrote."""

    def __init__(self, held: dict[str, str]) -> None:
        self.held = held
        self.written: dict[str, bytes] = {}
        self.digests: dict[str, str] = {}

    def unchanged(self, path: str, digest: str) -> bool:
        self.digests[path] = digest
        return self.held.get(path) == digest

    def write(self, path: str, data: bytes, digest: str) -> None:
        self.written[path] = data
        self.digests[path] = digest


def _publish(site: Site, held: dict[str, str]) -> _Recorder:
    recorder = _Recorder(held)
    count = feed_render.publish_feeds(site, Digester("templates"), recorder,  # type: ignore[arg-type]
                                      None, Path("."), 1, {})  # type: ignore[arg-type]
    assert count == 3  # the site's feed, in three formats
    return recorder


def test_a_changed_picture_rewrites_the_feeds() -> None:
    # Summaries only: the bodies are never read, so no content store is needed.
    site = _site(_article("a", 1, LOCAL), full_content=False)
    first = _publish(site, {})
    assert sorted(first.written) == ["atom.xml", "feed.json", "feed.xml"]
    again = _publish(site, first.digests)
    assert again.written == {}, "an unchanged feed was rendered again"
    resized = Picture(src=LOCAL.src, alt=LOCAL.alt, credit=LOCAL.credit, width=1200,
                      height=675)
    changed = _publish(_site(_article("a", 1, resized), full_content=False), first.digests)
    assert sorted(changed.written) == ["atom.xml", "feed.json", "feed.xml"]
    assert b'width="1200"' in changed.written["feed.xml"]
