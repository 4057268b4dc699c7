"""The digest email: tables and inline CSS that mail clients keep, a hidden preheader, the
site's own words in its language, the unsubscribe placeholder, URIs only, the editor's note
first; its plain-text part; the digest pages around it. Real parts: built sites, the Nu
checker, Chromium at 600 and 390 px."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any
from urllib.parse import quote

import feedparser
import lxml.html
import pytest

from generator import mail
from generator.model import Picture, SiteConfig
from tests.conftest import SITES, build, validate_html

BASE = "https://example.org/news/"
NOW = "2026-03-01T00:00:00+00:00"  # after both editions of the fixture
KEY = "2025-W51"  # four articles in two briefings and one outside any, a picture, a revision
KOREAN_SLUG = "미사일-발사"
SUBSCRIBE = "https://example.org/subscribe"
PLACEHOLDER = "{$unsubscribe}"
URL = re.compile(r"https?://\S+")


def make_site(where: Path, language: str = "en", unsubscribe: bool = True) -> Path:
    site = where / f"email-{language}-{unsubscribe}"
    shutil.copytree(SITES / "digests-email", site)
    config = site / "site.yaml"
    text = config.read_text(encoding="utf-8").replace("language: en", f"language: {language}")
    if not unsubscribe:
        text = text.split("digests:")[0]
    config.write_text(text, encoding="utf-8")
    return site


def built(site: Path) -> Path:
    # --future: the fixture's dates are fixed; --now: after its last period.
    result = build(site, "--future", "--now", NOW)
    assert result.exit_code == 0, result.output
    return site / "public"


@pytest.fixture(scope="module")
def english(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return built(make_site(tmp_path_factory.mktemp("en")))


@pytest.fixture(scope="module")
def korean(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return built(make_site(tmp_path_factory.mktemp("ko"), "ko"))


@pytest.fixture(params=["en", "ko"])
def out(request: pytest.FixtureRequest) -> Path:
    return Path(request.getfixturevalue({"en": "english", "ko": "korean"}[request.param]))


def edition(out: Path, name: str, key: str = KEY) -> Path:
    return out / "digests" / key / name


def parse(path: Path) -> Any:
    return lxml.html.fromstring(path.read_bytes())


def styles(element: Any) -> dict[str, str]:
    """Return an element's inline style as a property → value mapping."""
    pairs = (part.split(":", 1) for part in element.get("style", "").split(";") if ":" in part)
    return {name.strip(): value.strip() for name, value in pairs}


def pixels(value: str) -> int:
    match = re.fullmatch(r"(\d+)px", value)
    assert match, value
    return int(match.group(1))


def text_of(element: Any) -> str:
    return " ".join(element.text_content().split())


# --- mail clients keep it ----------------------------------------------------------------


def test_no_style_sheet_or_script_only_inline_styles(out: Path) -> None:
    html = edition(out, "email.html").read_text(encoding="utf-8")
    assert "<style" not in html and "<script" not in html
    assert not re.search(r"<link\b", html)
    doc = parse(edition(out, "email.html"))
    # Every element the reader sees carries its own style: headings, paragraphs, links.
    for element in doc.xpath("//body//*[self::h1 or self::h2 or self::h3 or self::p or self::a"
                             " or self::td or self::img]"):
        assert styles(element), lxml.html.tostring(element)[:120]


def test_laid_out_in_presentation_tables_at_most_640_wide(out: Path) -> None:
    doc = parse(edition(out, "email.html"))
    tables = doc.xpath("//table")
    assert len(tables) >= 3
    assert all(table.get("role") == "presentation" for table in tables)
    # The outermost table fills the window; the next one holds the email, centered.
    outer = doc.xpath("/html/body/table")
    assert len(outer) == 1
    (container,) = outer[0].xpath("./tbody/tr/td/table")
    style = styles(container)
    assert 600 <= pixels(style["max-width"]) <= 640
    assert style["width"] == "100%" and style["margin"] == "0 auto"
    # Every article is inside it, nothing beside it.
    assert len(container.xpath('.//a[contains(@href, "/articles/")]')) >= 4


def test_preheader_first_and_hidden(out: Path) -> None:
    korean = parse(edition(out, "email.html")).get("lang") == "ko"
    expected = {KEY: "브리핑 2개, 기사 4건" if korean else "4 articles across 2 briefings",
                "2025-W52": "브리핑 1개, 기사 1건" if korean else "1 article across 1 briefing"}
    for key, summary in expected.items():
        doc = parse(edition(out, "email.html", key))
        first = doc.xpath("/html/body/*")[0]
        assert first.tag == "div"
        assert text_of(first).startswith(summary + "\u034f")
        style = styles(first)
        assert style["display"] == "none" and style["max-height"] == "0"
        assert style["overflow"] == "hidden" and style["opacity"] == "0"


def test_unsubscribe_placeholder_written_as_it_is(english: Path, tmp_path: Path) -> None:
    html = edition(english, "email.html").read_text(encoding="utf-8")
    footer = parse(edition(english, "email.html")).xpath("//td[p]")[-1]
    assert text_of(footer).endswith(f"Unsubscribe: {PLACEHOLDER}")
    assert html.count(PLACEHOLDER) == 1
    text = edition(english, "email.txt").read_text(encoding="utf-8")
    assert text.endswith(f"\nUnsubscribe: {PLACEHOLDER}\n")
    # Without the setting, no empty line of it.
    bare = built(make_site(tmp_path, unsubscribe=False))
    assert "Unsubscribe" not in edition(bare, "email.html").read_text(encoding="utf-8")
    assert "Unsubscribe" not in edition(bare, "email.txt").read_text(encoding="utf-8")


# --- URIs, never IRIs --------------------------------------------------------------------


def test_every_url_absolute_and_percent_encoded(out: Path) -> None:
    encoded = f"{BASE}articles/{quote(KOREAN_SLUG)}/"
    doc = parse(edition(out, "email.html"))
    links = doc.xpath("//@href | //@src")
    assert len(links) >= 10
    for link in links:
        assert link.startswith(("https://", "http://")) and link.isascii(), link
    assert encoded in links
    text = edition(out, "email.txt").read_text(encoding="utf-8")
    urls = URL.findall(text)
    assert f"{encoded}" in urls and f"{BASE}digests/{KEY}/" in urls
    assert all(url.isascii() for url in urls), urls
    assert KOREAN_SLUG not in text


def test_digest_feeds_carry_uris(out: Path) -> None:
    encoded = f"{BASE}articles/{quote(KOREAN_SLUG)}/"
    for name in ("feed.xml", "atom.xml"):
        feed = feedparser.parse(str(out / "digests" / name))
        assert not feed.bozo, feed.bozo_exception
        [entry] = [e for e in feed.entries if e.link == f"{BASE}digests/{KEY}/"]
        body = lxml.html.fromstring(entry.content[0].value)
        links = body.xpath("//@href | //@src")
        assert encoded in links, name
        assert all(link.isascii() and link.startswith("https://") for link in links), name
    data = json.loads((out / "digests" / "feed.json").read_text(encoding="utf-8"))
    [item] = [i for i in data["items"] if i["url"] == f"{BASE}digests/{KEY}/"]
    links = lxml.html.fromstring(item["content_html"]).xpath("//@href | //@src")
    assert encoded in links and all(link.isascii() for link in links)


# --- the site's words in its language ----------------------------------------------------

ENGLISH_WORDS = ["You are reading", "Read online", "Other articles", "articles across",
                 "Briefing overviews revised", "Unsubscribe", "December"]


def test_a_korean_site_sends_a_korean_email(korean: Path) -> None:
    doc = parse(edition(korean, "email.html"))
    assert doc.get("lang") == "ko"
    shown = text_of(doc.xpath("//body")[0])
    for words in ("2025년 12월 15일 ~ 2025년 12월 21일", "기사 4건", "기타 기사",
                  "개요가 수정된 브리핑", "Seoul Desk의 2025년 51주차 이메일판입니다.",
                  "웹에서 보기", "피드", f"수신 거부: {PLACEHOLDER}"):
        assert words in shown, words
    for words in ENGLISH_WORDS:
        assert words not in shown, words
    text = edition(korean, "email.txt").read_text(encoding="utf-8")
    for words in ("2025년 12월 15일 ~ 2025년 12월 21일 · 기사 4건", "== 기타 기사 (1) ==",
                  f"웹에서 보기: {BASE}digests/{KEY}/", f"수신 거부: {PLACEHOLDER}"):
        assert words in text, words
    for words in ENGLISH_WORDS:
        assert words not in text, words


def test_the_english_email_in_english(english: Path) -> None:
    shown = text_of(parse(edition(english, "email.html")).xpath("//body")[0])
    assert "December 15, 2025 to December 21, 2025 · 4 articles" in shown
    assert "You are reading the email edition of Week 51, 2025 from Seoul Desk." in shown


def test_text_part_lines_fit(english: Path, korean: Path) -> None:
    # 72 columns; a Korean site's characters are two columns wide, so 36 of them.
    for out, width in ((english, 72), (korean, 36)):
        lines = edition(out, "email.txt").read_text(encoding="utf-8").splitlines()
        summary = [line for line in lines if "합동참모본부" in line or "발사에" in line]
        assert summary and all(len(line) <= 2 + width for line in summary), summary
        assert all(len(line) <= 2 + 72 for line in lines if not URL.search(line))


# --- the featured image ------------------------------------------------------------------


def test_featured_image_fits_with_its_alt_and_credit(out: Path) -> None:
    doc = parse(edition(out, "email.html"))
    (img,) = doc.xpath("//img")
    assert img.get("src") == "https://images.example.org/" + quote("사진/발사.jpg")
    assert img.get("alt") == "발사 장면"
    assert int(img.get("width")) <= 600
    assert styles(img)["max-width"] == "560px" and styles(img)["height"] == "auto"
    # It leads to its article; the credit follows in small print.
    assert img.getparent().get("href") == f"{BASE}articles/{quote(KOREAN_SLUG)}/"
    (credit,) = doc.xpath('//p[normalize-space()="사진: 연합뉴스"]')
    assert pixels(styles(credit)["font-size"]) <= 12


def test_the_sharpest_light_copy_is_mailed() -> None:
    config = SiteConfig(title="T", base_url="https://example.org/news/")
    big = Picture("articles/x/사진.jpg", "alt", width=2400, height=1600,
                  variants=(("articles/x/사진-480.jpg", 480), ("articles/x/사진-1600.jpg", 1600),
                            ("articles/x/사진-960.jpg", 960)))
    assert mail.email_image(config, big) == {
        "src": "https://example.org/news/articles/x/" + quote("사진-1600.jpg"),
        "width": 560, "height": 373}
    small = Picture("/static/map.png", width=300, height=200)
    assert mail.email_image(config, small) == {
        "src": "https://example.org/news/static/map.png", "width": 300, "height": 200}
    remote = Picture("https://ex.org/그림 1.jpg")
    assert mail.email_image(config, remote) == {
        "src": "https://ex.org/" + quote("그림") + "%201.jpg", "width": 560, "height": None}


# --- the editor's note -------------------------------------------------------------------

NOTE = """\
The talks came **first** this week: see [the joint statement](/articles/talks-resume/) and
[the launch]({slug}/).

- One item
- Two items
"""


@pytest.fixture(scope="module")
def noted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = make_site(tmp_path_factory.mktemp("note"))
    note = site / "content" / "digests" / f"{KEY}.md"
    note.parent.mkdir(parents=True)
    note.write_text(NOTE.format(slug=f"../../articles/{KOREAN_SLUG}"), encoding="utf-8")
    return built(site)


def test_the_note_comes_first_everywhere(noted: Path) -> None:
    page = parse(edition(noted, "index.html"))
    blocks = page.xpath('//div[@class="edition-note"] | //div[@class="edition"]')
    assert [b.get("class") for b in blocks] == ["edition-note", "edition"]
    email = parse(edition(noted, "email.html"))
    cells = [text_of(td) for td in email.xpath("//table")[1].xpath("./tbody/tr/td")]
    first = next(i for i, cell in enumerate(cells) if "talks came" in cell)
    assert first < next(i for i, cell in enumerate(cells) if "Exports rise" in cell)
    # The preheader is the note's first line.
    preheader = text_of(email.xpath("/html/body/div")[0])
    assert preheader.startswith("The talks came first this week: see the joint statement "
                                "and the launch.")
    links = email.xpath("//@href | //@src")
    assert f"{BASE}articles/talks-resume/" in links
    assert all(link.isascii() and link.startswith("https://") for link in links)
    text = edition(noted, "email.txt").read_text(encoding="utf-8")
    assert text.index("The talks came first") < text.index("== ")
    assert "see the joint statement [1] and the launch [2]." in " ".join(text.split())
    assert (f"\n[1] {BASE}articles/talks-resume/\n"
            f"[2] {BASE}articles/{quote(KOREAN_SLUG)}/\n") in text
    assert "* One item\n\n* Two items" in text
    feed = feedparser.parse(str(noted / "digests" / "atom.xml"))
    [entry] = [e for e in feed.entries if e.link == f"{BASE}digests/{KEY}/"]
    body = entry.content[0].value
    assert body.index("talks came") < body.index("Exports rise")


# --- the pages around it -----------------------------------------------------------------


def test_pages_do_not_offer_the_email_copy(english: Path) -> None:
    for page in (english / "digests").rglob("index.html"):
        assert "email.html" not in page.read_text(encoding="utf-8"), page
    sitemap = (english / "sitemap.xml").read_text(encoding="utf-8")
    assert f"{BASE}digests/{KEY}/" in sitemap and "email." not in sitemap
    assert edition(english, "email.html").is_file() and edition(english, "email.txt").is_file()


def test_digest_pages_call_to_subscribe(english: Path) -> None:
    for page in (english / "digests" / "index.html", edition(english, "index.html")):
        assert parse(page).xpath(f'//a[@href="{SUBSCRIBE}"]'), page


def test_email_and_digest_pages_are_valid_html(english: Path, korean: Path) -> None:
    pages = [p for out in (english, korean) for p in (out / "digests").rglob("*.html")]
    assert len([p for p in pages if p.name == "email.html"]) == 4
    assert validate_html(*pages) == []


# --- in a browser ------------------------------------------------------------------------


def open_email(browser: Any, path: Path, width: int) -> Any:
    page = browser.new_page(viewport={"width": width, "height": 800})
    # The pictures live on another host: the test stays offline, the layout keeps its size.
    page.route("http*://**/*", lambda route: route.abort())
    page.goto(path.as_uri())
    return page


@pytest.mark.parametrize("width", [600, 390])
def test_no_horizontal_scroll(browser: Any, out: Path, width: int) -> None:
    for key in (KEY, "2025-W52"):
        page = open_email(browser, edition(out, "email.html", key), width)
        try:
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            widest = page.evaluate(
                "Math.max(...[...document.querySelectorAll('body *')]"
                ".map(e => e.getBoundingClientRect().right))")
            assert widest <= width
            assert page.evaluate("document.body.firstElementChild.offsetHeight") == 0
        finally:
            page.close()


def test_wide_windows_see_a_centered_column(browser: Any, english: Path) -> None:
    page = open_email(browser, edition(english, "email.html"), 1200)
    try:
        box = page.evaluate("(() => { const r = document.querySelector('body > table table')"
                            ".getBoundingClientRect(); return [r.left, r.width]; })()")
        assert 600 <= box[1] <= 640
        assert abs(box[0] - (1200 - box[1]) / 2) <= 1
    finally:
        page.close()


def test_korean_never_breaks_inside_a_word(browser: Any, korean: Path) -> None:
    page = open_email(browser, edition(korean, "email.html"), 390)
    try:
        computed = page.evaluate(
            "[...document.querySelectorAll('p')].filter(p => p.textContent.includes('합동'))"
            ".map(p => [getComputedStyle(p).wordBreak, getComputedStyle(p).overflowWrap])")
        assert computed == [["keep-all", "anywhere"]]
        # Each line of the wrapped summary ends at a space: no word is split.
        ends = page.evaluate("""(() => {
            const p = [...document.querySelectorAll('p')]
                .find(p => p.textContent.includes('합동'));
            const text = p.firstChild, range = document.createRange(), tops = [];
            for (let i = 0; i < text.length; i++) {
                range.setStart(text, i); range.setEnd(text, i + 1);
                tops.push(range.getClientRects()[0]?.top ?? -1);
            }
            const breaks = [];
            for (let i = 1; i < tops.length; i++)
                if (tops[i] > tops[i - 1] + 1) breaks.push(text.data[i - 1]);
            return breaks;
        })()""")
        assert ends and all(char == " " for char in ends), ends
    finally:
        page.close()


# --- the helpers themselves --------------------------------------------------------------


def test_uri_encodes_iris_once() -> None:
    assert mail.uri("https://example.org/기사/a b?q=서울#끝") == (
        "https://example.org/" + quote("기사") + "/a%20b?q=" + quote("서울") + "#" + quote("끝"))
    encoded = "https://example.org/%EA%B8%B0/?a=1&b=2"
    assert mail.uri(encoded) == encoded
    assert mail.uri("https://bücher.example/x") == "https://xn--bcher-kva.example/x"


def test_note_as_plain_text_and_first_line() -> None:
    html = ('<p>Hello <a href="/x/">there</a>, <a href="https://a.org/">https://a.org/</a>'
            '</p>\n<ul>\n<li>one</li>\n<li>two <img src="p.png" alt="map"></li>\n</ul>'
            '<pre>  kept\n  as is</pre>')
    assert mail.plain_text(html, "https://example.org/d/") == (
        "Hello there [1], https://a.org/ [2]\n\n* one\n\n* two [map]\n\n  kept\n  as is"
        "\n\n[1] https://example.org/x/\n[2] https://a.org/")
    # A URL longer than a line stays whole, on a line of its own.
    long = "https://example.org/" + "a" * 100
    assert mail.plain_text(f'<p>See <a href="{long}">this</a>.</p>', "https://x.org/", 36) == (
        f"See this [1].\n\n[1] {long}")
    assert mail.first_line("<p>" + "word " * 50 + "</p>", limit=22) == "word word word word…"
    assert mail.first_line("") == ""


def test_digest_pages_name_each_feed(english: Path) -> None:
    for page in (english / "digests" / "index.html", edition(english, "index.html")):
        links = parse(page).xpath('//p[@class="meta"]/a[contains(@href, "/digests/")]')
        named = {a.get("href").rsplit("/", 1)[1]: a.text for a in links}
        assert named == {"feed.xml": "RSS", "atom.xml": "Atom", "feed.json": "JSON Feed"}, page
