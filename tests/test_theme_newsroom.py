"""What readers see in the default theme: standfirst, featured image, time of day, Korean
typography, the front page for 1, 2, 3 and many briefings, menus, favicon, subscribe call."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import lxml.html
import pytest
from PIL import Image

from generator import dates
from generator.model import Picture, SiteConfig
from generator.theme import load_theme
from tests.conftest import build, serve_folder, validate_html, write_files

SEOUL = ZoneInfo("Asia/Seoul")


def make_site(root: Path, config: str, files: dict[str, str | bytes]) -> Path:
    """Write a site: site.yaml (search off unless it says) and its content files."""
    write_files(root, {"site.yaml": "search: false\n" + config, **files})
    return root


def built(root: Path) -> Path:
    """Build a site; return its output folder."""
    result = build(root)
    assert result.exit_code == 0, result.output
    return root / "public"


def html(out: Path, path: str) -> Any:
    """Parse one built page (a site path such as 'articles/x/')."""
    return lxml.html.fromstring((out / path / "index.html").read_bytes())


def X(path: str) -> str:
    """Expand C(name) in an XPath into a test for that class (lxml has no CSS selectors)."""
    return re.sub(r"C\(([\w-]+)\)",
                  r"contains(concat(' ', normalize-space(@class), ' '), ' \1 ')", path)


def article(title: str, date: str, body: str = "Body.", **fields: str) -> str:
    """Return an article file's text with its front matter."""
    extra = "".join(f"{k}: {v}\n" for k, v in fields.items())
    return f"---\ntitle: {title}\ndate: {date}\n{extra}---\n{body}\n"


def jpeg(width: int, height: int) -> bytes:
    """Return a small JPEG of that size (a real file for the image pipeline to read)."""
    import io

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (150, 60, 40)).save(buffer, "JPEG", quality=70)
    return buffer.getvalue()


# --- the standfirst --------------------------------------------------------------------

def test_the_lede_shows_only_a_summary_the_editor_wrote(tmp_path: Path) -> None:
    out = built(make_site(tmp_path, 'title: T\nbase_url: "https://example.org/"\n', {
        "content/articles/plain.md": article(
            "Plain", "2025-12-01T10:00:00+01:00",
            "The opening paragraph says it first.\n\nA second paragraph."),
        "content/articles/summed.md": article(
            "Summed", "2025-12-02T10:00:00+01:00", "The body opens here.",
            summary="What the editor wrote."),
    }))
    plain = html(out, "articles/plain/")
    assert plain.xpath(X("//*[C(lede)]")) == []
    # The derived summary still serves the meta description, but is printed once: the body.
    assert plain.xpath(X("//meta[@name='description']"))[0].get("content") == \
        "The opening paragraph says it first."
    main = plain.xpath(X("//main"))[0].text_content()
    assert main.count("The opening paragraph says it first.") == 1
    summed = html(out, "articles/summed/")
    assert [p.text_content() for p in summed.xpath(X("//*[C(lede)]"))] == ["What the editor wrote."]
    assert summed.xpath(X("//*[C(prose)]//p"))[0].text_content() == "The body opens here."


def test_a_briefing_page_does_not_print_its_overview_s_first_paragraph_twice(
        tmp_path: Path) -> None:
    out = built(make_site(tmp_path, 'title: T\nbase_url: "https://example.org/"\n', {
        "content/briefings/plain.md": "---\ntitle: Plain\n---\nThe overview's own words.\n",
        "content/briefings/summed.md": (
            "---\ntitle: Summed\nsummary: The editor's words.\n---\nThe overview opens.\n"),
    }))
    plain = html(out, "briefings/plain/")
    assert plain.xpath(X("//*[C(lede)]")) == []
    assert plain.xpath(X("//main"))[0].text_content().count("The overview's own words.") == 1
    summed = html(out, "briefings/summed/")
    assert [p.text for p in summed.xpath(X("//*[C(lede)]"))] == ["The editor's words."]


# --- time of day -----------------------------------------------------------------------

@pytest.mark.parametrize(("language", "expected"), [
    ("en-GB", "22 December 2025, 13:41 KST"),  # the issue's own example
    ("en", "December 22, 2025, 1:41\u202fPM KST"),  # US English, CLDR's narrow space
    ("ko", "2025년 12월 22일 오후 1:41 KST"),
])
def test_time_of_day_is_written_as_readers_of_the_language_write_it(
        language: str, expected: str) -> None:
    moment = datetime(2025, 12, 22, 4, 41, tzinfo=ZoneInfo("UTC"))
    assert dates.long_datetime(moment, language, SEOUL) == expected


def test_time_of_day_follows_the_site_timezone_and_its_daylight_saving() -> None:
    winter = datetime(2025, 12, 22, 12, 41, tzinfo=ZoneInfo("UTC"))
    summer = datetime(2025, 7, 1, 12, 41, tzinfo=ZoneInfo("UTC"))
    berlin = ZoneInfo("Europe/Berlin")
    assert dates.long_datetime(winter, "en-GB", berlin) == "22 December 2025, 13:41 CET"
    assert dates.long_datetime(summer, "en-GB", berlin) == "1 July 2025, 14:41 CEST"


def test_a_date_without_a_time_shows_no_time() -> None:
    midnight = dates.parse("2025-12-22", SEOUL)
    assert dates.long_datetime(midnight, "ko", SEOUL) == "2025년 12월 22일"


@pytest.mark.parametrize(("language", "shown", "updated_text"), [
    ("en", "December 22, 2025, 1:41\u202fPM KST", "December 23, 2025, 9:05\u202fAM KST"),
    ("ko", "2025년 12월 22일 오후 1:41 KST", "2025년 12월 23일 오전 9:05 KST"),
])
def test_article_pages_show_the_time_and_updated_only_when_it_differs(
        tmp_path: Path, language: str, shown: str, updated_text: str) -> None:
    out = built(make_site(tmp_path, (
        f'title: T\nbase_url: "https://example.org/"\nlanguage: {language}\n'
        "timezone: Asia/Seoul\n"), {
        # Written in UTC: shown in the site timezone.
        "content/articles/same.md": article("Same", "2025-12-22T04:41:00Z",
                                            updated="2025-12-22T13:41:00+09:00"),
        # 20 seconds later: the same minute as shown, so no "Updated" that repeats it.
        "content/articles/seconds.md": article("Seconds", "2025-12-22T13:41:00+09:00",
                                               updated="2025-12-22T13:41:20+09:00"),
        "content/articles/later.md": article("Later", "2025-12-22T13:41:00+09:00",
                                             updated="2025-12-23T09:05:00+09:00"),
    }))
    word = "Updated" if language == "en" else "수정"
    for slug in ("same", "seconds"):
        page = html(out, f"articles/{slug}/")
        times = page.xpath(X("//*[C(page-head)]//time"))
        assert [(t.get("datetime"), t.text) for t in times] == \
            [("2025-12-22T13:41:00+09:00", shown)], slug
        assert word not in page.xpath(X("//*[C(page-head)]//*[C(meta)]"))[0].text_content(), slug
        assert page.xpath(X("//meta[@property='article:modified_time']")) == [], slug
    later = html(out, "articles/later/")
    times = later.xpath(X("//*[C(page-head)]//time"))
    assert [(t.get("datetime"), t.text) for t in times] == [
        ("2025-12-22T13:41:00+09:00", shown), ("2025-12-23T09:05:00+09:00", updated_text)]
    assert word in later.xpath(X("//*[C(page-head)]//*[C(meta)]"))[0].text_content()


# --- the featured image ------------------------------------------------------------------

def picture_macro(tmp_path: Path, base_url: str = "https://example.org/news/") -> Any:
    """Return the theme's picture_img macro, as templates call it."""
    config = SiteConfig(title="T", base_url=base_url)
    return load_theme(tmp_path, config).env.get_template("macros.html").module.picture_img


def img_attributes(markup: str) -> dict[str, str]:
    (img,) = lxml.html.fragments_fromstring(markup)
    assert img.tag == "img"
    return dict(img.attrib)


def test_the_picture_macro_gives_size_srcset_and_lazy_loading(tmp_path: Path) -> None:
    picture = Picture("articles/x/my photo.jpg", "A ferry", "AP", "", 2000, 1200,
                      (("articles/x/my photo-480.jpg", 480), ("articles/x/my photo-960.jpg", 960)))
    attrs = img_attributes(str(picture_macro(tmp_path)(picture, "50vw")))
    # Percent-encoded under the base path: a space would split a srcset entry in two.
    assert attrs == {
        "src": "/news/articles/x/my%20photo.jpg", "alt": "A ferry",
        "width": "2000", "height": "1200",
        "srcset": "/news/articles/x/my%20photo-480.jpg 480w, "
                  "/news/articles/x/my%20photo-960.jpg 960w, "
                  "/news/articles/x/my%20photo.jpg 2000w",
        "sizes": "50vw", "loading": "lazy", "decoding": "async"}
    head = img_attributes(str(picture_macro(tmp_path)(picture, "50vw", lazy=False)))
    assert "loading" not in head and head["decoding"] == "async"
    thumb = img_attributes(str(picture_macro(tmp_path)(picture, "8rem", decorative=True)))
    assert thumb["alt"] == ""


def test_the_picture_macro_lists_each_width_once_and_leaves_remote_images_alone(
        tmp_path: Path) -> None:
    macro = picture_macro(tmp_path)
    exact = Picture("a/b.jpg", "x", width=960, height=640, variants=(("a/b-480.jpg", 480),
                                                                      ("a/b-960.jpg", 960)))
    assert img_attributes(str(macro(exact, "100vw")))["srcset"] == \
        "/news/a/b-480.jpg 480w, /news/a/b-960.jpg 960w"
    remote = Picture("https://cdn.example.net/p.jpg?w=1&h=2", "y")
    attrs = img_attributes(str(macro(remote, "100vw")))
    assert attrs == {"src": "https://cdn.example.net/p.jpg?w=1&h=2", "alt": "y",
                     "loading": "lazy", "decoding": "async"}


@pytest.fixture(scope="module")
def picture_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A site with a page-bundle article whose featured image has a credit, and one without."""
    root = make_site(tmp_path_factory.mktemp("picture"), (
        'title: Pictures\nbase_url: "https://example.org/news/"\ntimezone: Asia/Seoul\n'), {
        "content/briefings/ferry.md": "---\ntitle: Ferry\nsummary: The ferry.\n---\nOverview.\n",
        "content/articles/harbour/index.md": article(
            "Harbour", "2025-12-22T13:41:00+09:00", "The harbour opens.",
            briefings="[ferry]", image="photo.jpg", image_alt="The harbour at dawn",
            image_credit='"Photo: Jane Roe"'),
        "content/articles/harbour/photo.jpg": jpeg(2000, 1200),
        "content/articles/plain.md": article("Plain", "2025-12-21T10:00:00+09:00",
                                             briefings="[ferry]"),
    })
    return built(root)


def test_the_featured_image_heads_the_article_with_its_credit(picture_site: Path) -> None:
    page = html(picture_site, "articles/harbour/")
    (figure,) = page.xpath(X("//article//*[C(featured)]"))
    (img,) = figure.xpath(X(".//img"))
    assert img.get("src") == "/news/articles/harbour/photo.jpg"
    assert (img.get("width"), img.get("height")) == ("2000", "1200")
    assert img.get("alt") == "The harbour at dawn"
    assert img.get("loading") is None  # the head image: loaded at once
    assert figure.xpath(X(".//figcaption//*[C(credit)]"))[0].text == "Photo: Jane Roe"
    # Every srcset entry is a file in the output, and the original is listed at its width.
    entries = [e.strip().rsplit(" ", 1) for e in img.get("srcset").split(",")]
    assert entries[-1] == ["/news/articles/harbour/photo.jpg", "2000w"]
    for url, _ in entries:
        assert (picture_site / url.removeprefix("/news/")).is_file(), url
    # Social cards and structured data get it as an absolute URL.
    absolute = "https://example.org/news/articles/harbour/photo.jpg"
    assert page.xpath(X("//meta[@property='og:image']"))[0].get("content") == absolute
    assert page.xpath(X("//meta[@name='twitter:card']"))[0].get("content") == \
        "summary_large_image"
    data = json.loads(page.xpath(X("//script[@type='application/ld+json']"))[0].text)
    assert data["image"] == absolute


def test_an_article_without_an_image_has_no_image_in_json_ld(picture_site: Path) -> None:
    page = html(picture_site, "articles/plain/")
    data = json.loads(page.xpath(X("//script[@type='application/ld+json']"))[0].text)
    assert "image" not in data and None not in data.values()
    assert page.xpath(X("//meta[@property='og:image']")) == []
    assert page.xpath(X("//*[C(featured)]")) == []


def test_lists_show_the_featured_image_as_a_thumbnail(picture_site: Path) -> None:
    front = html(picture_site, "")
    # The briefing card shows its newest development's picture, without repeating its alt.
    (card_img,) = front.xpath(X("//*[C(card)]//img"))
    assert card_img.get("alt") == "" and card_img.get("loading") == "lazy"
    briefing_page = html(picture_site, "briefings/ferry/")
    thumbs = briefing_page.xpath(X("//*[C(entry)]/img[C(thumb)]"))
    assert thumbs and all(t.get("src") == "/news/articles/harbour/photo.jpg" for t in thumbs)


# --- the front page ------------------------------------------------------------------------

def front_page_site(root: Path, briefings: int) -> Path:
    """A site of `briefings` briefings of four articles each, and two in no briefing.

    The first article of b1 is in b2 as well (when there is a b2).
    """
    files: dict[str, str | bytes] = {}
    hour = 0
    for b in range(1, briefings + 1):
        files[f"content/briefings/b{b}.md"] = (
            f"---\ntitle: Briefing {b}\nsummary: About {b}.\nweight: {b}\n---\nOverview.\n")
        for n in range(1, 5):
            hour += 1
            shared = b == 1 and n == 4 and briefings > 1
            files[f"content/articles/b{b}-{n}.md"] = article(
                f"Article {b}.{n}", f"2025-12-{1 + hour // 24:02d}T{hour % 24:02d}:00:00Z",
                briefings="[b1, b2]" if shared else f"[b{b}]")
    for n in range(1, 3):
        files[f"content/articles/loose-{n}.md"] = article(
            f"Loose {n}", f"2025-11-0{n}T09:00:00Z")
    return make_site(root, 'title: Front\nbase_url: "https://example.org/"\n', files)


LAYOUTS = {1: ["lead"], 2: ["half", "half"], 3: ["third"] * 3,
           5: ["half", "half", "third", "third", "third"]}


@pytest.fixture(scope="module")
def front_pages(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Path]:
    """The front-page sites for 1, 2, 3 and 5 briefings, built."""
    return {n: built(front_page_site(tmp_path_factory.mktemp(f"front{n}"), n)) for n in LAYOUTS}


def article_links(element: Any) -> list[str]:
    return [a.get("href") for a in element.xpath(X(".//a[starts-with(@href, '/articles/')]"))
            if a.get("href") != "/articles/"]


@pytest.mark.parametrize("briefings", sorted(LAYOUTS))
def test_the_front_page_shows_each_article_in_one_section(
        front_pages: dict[int, Path], briefings: int) -> None:
    """What is guaranteed: an article in a briefing card is not listed again under "Most
    recent"; no article of the first page's list is dropped. (A card may show an article of
    two briefings that another card shows: it is a development of both.)"""
    out = front_pages[briefings]
    front = html(out, "")
    (cards,) = front.xpath(X("//*[C(briefing-cards)]"))
    in_cards = set(article_links(cards))
    recent = front.xpath(X("//*[C(recent)]"))
    listed = article_links(recent[0]) if recent else []
    assert len(listed) == len(set(listed))
    assert not in_cards & set(listed), in_cards & set(listed)
    # Nothing lost: the first page covers the 20 newest articles, in a card or in the list.
    total = briefings * 4 + 2
    newest = min(total, 20)
    assert len(in_cards | set(listed)) >= newest
    spans = [c.get("data-span") for c in cards.xpath(X(".//article[C(card)]"))]
    assert spans == LAYOUTS[briefings]


def test_a_single_briefing_front_page_lists_only_what_its_card_does_not_show(
        front_pages: dict[int, Path]) -> None:
    front = html(front_pages[1], "")
    assert front.xpath(X("//*[@id='briefings-heading']"))[0].text == "Briefing"
    assert article_links(front.xpath(X("//*[C(card)]"))[0]) == [
        "/articles/b1-4/", "/articles/b1-3/", "/articles/b1-2/"]
    assert article_links(front.xpath(X("//*[C(recent)]"))[0]) == [
        "/articles/b1-1/", "/articles/loose-2/", "/articles/loose-1/"]


@pytest.mark.parametrize(("width", "briefings"), [(1280, 1), (1280, 2), (1280, 3), (1280, 5),
                                                   (390, 2), (390, 5)])
def test_briefing_cards_fill_whole_rows(browser: Any, front_pages: dict[int, Path],
                                        width: int, briefings: int) -> None:
    with serve_folder(front_pages[briefings]) as url:
        page = browser.new_page(viewport={"width": width, "height": 900})
        try:
            page.goto(url)
            boxes = page.eval_on_selector(".briefing-cards", """section => {
                const box = section.getBoundingClientRect();
                const cards = [...section.querySelectorAll('.card')].map(card => {
                    const r = card.getBoundingClientRect();
                    return [Math.round(r.top), Math.round(r.left), Math.round(r.right)];
                });
                return {left: Math.round(box.left), right: Math.round(box.right), cards};
            }""")
        finally:
            page.close()
    rows: dict[int, list[tuple[int, int]]] = {}
    for top, left, right in boxes["cards"]:
        rows.setdefault(top, []).append((left, right))
    for top, spans in rows.items():
        spans.sort()
        # Each row starts at the section's left edge and ends at its right one.
        assert abs(spans[0][0] - boxes["left"]) <= 1, (top, spans)
        assert abs(spans[-1][1] - boxes["right"]) <= 1, (top, spans)
    if width == 390:
        assert len(rows) == briefings  # one card a row on a phone


# --- Korean typography, menus, favicon, subscribe -----------------------------------------

TITLE = "남북정상회담 준비위원회가 판문점에서 비핵화협상의 재개가능성을 논의했다고 통일부가 밝혔다"
PARAGRAPH = " ".join(["한반도비핵화 협상재개를 위한 실무회담이 판문점에서 열렸으며"] * 12) + "."


@pytest.fixture(scope="module")
def korean_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_site(tmp_path_factory.mktemp("korean"), (
        'title: 브리핑\nbase_url: "https://example.org/"\nlanguage: ko\ntimezone: Asia/Seoul\n'
        "newsletter:\n  subscribe_url: https://example.org/subscribe\n"), {
        "content/briefings/nk.md": "---\ntitle: 북한\nsummary: 북한 소식.\n---\n개요.\n",
        "content/articles/talks.md": article(
            TITLE, "2025-12-22T13:41:00+09:00", PARAGRAPH + "\n\n*강조한 말*입니다.",
            source="연합뉴스", source_url="https://example.com/a", briefings="[nk]"),
        "content/pages/about.md": "---\ntitle: 소개\nmenu: footer\n---\n우리는 누구인가.\n",
        "content/pages/contact.md": "---\ntitle: 연락처\nmenu: header\n---\n메일.\n",
        "static/favicon.ico": b"\x00\x00\x01\x00",
    })
    return built(root)


SPLIT_WORDS = """([selector, wordBreak]) => {
    // The words of an element's text (one text node) that lie on more than one line box.
    const element = document.querySelector(selector);
    if (wordBreak) element.style.wordBreak = wordBreak;
    const node = element.firstChild;
    const split = [];
    let lines = new Set();
    for (const match of node.data.matchAll(/\\S+/g)) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
        tops.forEach(top => lines.add(top));
        if (tops.size > 1) split.push(match[0]);
    }
    return {split, lines: lines.size};
}"""


def test_korean_breaks_between_words_and_is_never_italic(browser: Any,
                                                        korean_site: Path) -> None:
    with serve_folder(korean_site) as url:
        page = browser.new_page(viewport={"width": 390, "height": 800})
        try:
            page.goto(url + "articles/talks/")
            assert page.evaluate("document.documentElement.lang") == "ko"
            style = page.eval_on_selector(".prose p", "p => [getComputedStyle(p).wordBreak, "
                                                      "getComputedStyle(p).overflowWrap]")
            assert style == ["keep-all", "anywhere"]
            for selector in (".page-head .source", ".prose em"):
                assert page.eval_on_selector(
                    selector, "e => getComputedStyle(e).fontStyle") == "normal", selector
            for selector in (".page-head h1", ".prose p"):
                found = page.evaluate(SPLIT_WORDS, [selector, ""])
                assert found["lines"] > 1, selector  # it wraps: the check means something
                assert found["split"] == [], (selector, found)
            # The same measure sees words split when the browser may break inside them.
            assert page.evaluate(SPLIT_WORDS, [".prose p", "normal"])["split"]
        finally:
            page.close()


def test_korean_site_menus_favicon_and_subscribe(korean_site: Path) -> None:
    front = html(korean_site, "")
    assert front.get("lang") == "ko"
    header = [a.text for a in front.xpath(X("//*[C(masthead)]//nav//a"))]
    footer = [a.text for a in front.xpath(X("//*[C(colophon)]//*[C(footer-menu)]//a"))]
    assert "연락처" in header and "소개" not in header
    assert footer == ["소개"]
    # The site's own favicon wins over the theme's.
    (icon,) = front.xpath(X("//link[@rel='icon']"))
    assert icon.get("href") == "/favicon.ico" and (korean_site / "favicon.ico").is_file()
    for path in ("", "briefings/nk/"):
        (link,) = html(korean_site, path).xpath(X("//*[C(subscribe)]//a"))
        assert (link.get("href"), link.text) == ("https://example.org/subscribe", "뉴스레터 구독")
    assert html(korean_site, "articles/talks/").xpath(X("//*[C(subscribe)]")) == []
    about = html(korean_site, "about/")
    assert about.xpath(X("//h1"))[0].text == "소개"
    assert about.xpath(X("//*[C(colophon)]//*[C(footer-menu)]//a"))[0].get("aria-current") == "page"


def test_the_theme_favicon_and_no_subscribe_call_by_default(picture_site: Path) -> None:
    front = html(picture_site, "")
    (icon,) = front.xpath(X("//link[@rel='icon']"))
    assert icon.get("type") == "image/svg+xml"
    href = icon.get("href")
    assert href == "/news/static/favicon.svg"
    assert (picture_site / href.removeprefix("/news/")).read_bytes().startswith(b"<svg")
    assert front.xpath(X("//*[C(subscribe)]")) == []


def test_every_page_passes_the_nu_checker(picture_site: Path, korean_site: Path,
                                         front_pages: dict[int, Path]) -> None:
    assert validate_html(picture_site, korean_site, *front_pages.values()) == []
