"""Valid but odd inputs still build: huge bodies, absurd nesting, DST edges, any script.

Each case builds a small site and checks one concrete thing about the result. Inputs that
crash the build instead are strict xfails naming the bug.
"""

from __future__ import annotations

import json
import re
import unicodedata
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import feedparser
import pytest

from tests.conftest import build, feed_files, write_files

BASE = "https://example.org/"


def config(timezone: str = "UTC") -> str:
    return f'title: "Odd inputs"\nbase_url: "{BASE}"\ntimezone: {timezone}\nsearch: false\n'


def built(site: Path, *args: str) -> Path:
    result = build(site, *args)
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    return site / "public"


def feeds_parse(out: Path) -> dict[str, feedparser.FeedParserDict]:
    feeds = {}
    for path in feed_files(out):
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo, (path, parsed.get("bozo_exception"))
        feeds[path.relative_to(out).as_posix()] = parsed
    assert "feed.xml" in feeds and "atom.xml" in feeds
    return feeds


class Links(HTMLParser):
    """Collect href/src values, <time datetime> values and the text of <h1>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []
        self.times: list[tuple[str, str]] = []
        self.h1: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        self.urls += [v for k, v in attrs if k in ("href", "src") and v]
        if tag in ("time", "h1"):
            self._in = tag
            if tag == "time":
                self.times.append((values.get("datetime") or "", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == self._in:
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "h1":
            self.h1.append(data)
        elif self._in == "time":
            self.times[-1] = (self.times[-1][0], self.times[-1][1] + data)


def parse_page(path: Path) -> Links:
    parser = Links()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return parser


def yq(value: str) -> str:
    """A double-quoted YAML scalar. JSON escapes are YAML escapes, except that YAML refuses
    the surrogate pairs JSON writes for emoji, so non-ASCII text is written as is."""
    return json.dumps(value, ensure_ascii=False)


def article(title: str, date: str = "2025-06-01", extra: str = "", body: str = "Body.") -> str:
    return (f"---\ntitle: {yq(title)}\ndate: {yq(date)}\n{extra}---\n{body}\n")


# --- size -----------------------------------------------------------------------------------


def test_twenty_megabyte_article_builds(tmp_path: Path) -> None:
    line = "Plain words fill this paragraph of a very long article until it is large. " * 4
    count = 20 * 1024 * 1024 // len(line) + 1
    paragraphs = [f"{n} {line}" for n in range(count)] + ["The LAST-PARAGRAPH-7d1f paragraph."]
    body = "\n\n".join(paragraphs)
    assert len(body.encode()) >= 20 * 1024 * 1024
    write_files(tmp_path, {"site.yaml": config(),
                           "content/articles/huge.md": article("Huge", body=body)})
    out = built(tmp_path)
    page = (out / "articles/huge/index.html").read_text(encoding="utf-8")
    assert len(page) >= 20 * 1024 * 1024
    assert "<p>The LAST-PARAGRAPH-7d1f paragraph.</p>" in page
    assert f"<p>{count - 1} Plain words" in page
    assert b"LAST-PARAGRAPH-7d1f" in (out / "atom.xml").read_bytes()


# --- nesting --------------------------------------------------------------------------------

DEEP = [
    pytest.param("> " * 5000 + "deep", "<blockquote>", id="blockquote-5000"),
    pytest.param("- " * 3000 + "x", "<ul>", id="list-3000"),
    pytest.param("1. " * 3000 + "x", "<ol>", id="ordered-list-3000"),
    pytest.param("> - " * 2500 + "x", "<blockquote>", id="quote-list-2500"),
    pytest.param("[" * 10000, "[" * 10000, id="brackets-10000"),
    pytest.param("[a](" * 5000, "[a](" * 5000, id="open-links-5000"),
    pytest.param("*a " * 5000, "*a *a", id="emphasis-5000"),
    pytest.param("`" * 10000, "<pre><code></code></pre>", id="backtick-fence-10000"),
    pytest.param("a " + "`" * 10000 + " b", "`" * 10000, id="backticks-inline-10000"),
    pytest.param("<div>" * 5000 + "inner", "inner", id="raw-div-5000"),
    pytest.param("<span>" * 5000 + "inner", "inner", id="raw-span-5000"),
]


@pytest.mark.parametrize(("body", "expected"), DEEP)
def test_deeply_nested_markdown_builds(tmp_path: Path, body: str, expected: str) -> None:
    write_files(tmp_path, {"site.yaml": config(),
                           "content/articles/deep.md": article("Deep", body=body)})
    out = built(tmp_path)
    page = out / "articles/deep/index.html"
    assert expected in page.read_text(encoding="utf-8")
    parse_page(page)  # well-formed enough for an HTML parser
    feeds_parse(out)


@pytest.mark.parametrize("body", ["> " * 25 + "innermost-9q", "- " * 12 + "innermost-9q"],
                         ids=["blockquote-25", "list-12"])
def test_text_beyond_the_nesting_limit_is_not_silently_lost(tmp_path: Path, body: str) -> None:
    write_files(tmp_path, {"site.yaml": config(),
                           "content/articles/deep.md": article("Deep", body=body)})
    result = build(tmp_path)
    if result.exit_code == 1:  # refusing with a message would do too
        assert "content/articles/deep.md" in result.output
        return
    assert result.exit_code == 0, result.output
    page = (tmp_path / "public/articles/deep/index.html").read_text(encoding="utf-8")
    assert "innermost-9q" in page


# --- dates at DST changes -------------------------------------------------------------------


def test_dates_at_dst_changes_in_berlin(tmp_path: Path) -> None:
    write_files(tmp_path, {
        "site.yaml": config("Europe/Berlin"),
        # 02:30 does not exist on 30 March 2025 in Berlin (clocks jump from 02:00 to 03:00)
        "content/articles/gap.md": article("Gap", "2025-03-30 02:30"),
        # 02:30 happens twice on 26 October 2025 (clocks go back from 03:00 to 02:00)
        "content/articles/fold.md": article("Fold", "2025-10-26 02:30"),
        "content/articles/fold-summer.md": article("Fold summer", "2025-10-26T02:30:00+02:00"),
        "content/articles/fold-winter.md": article("Fold winter", "2025-10-26T02:30:00+01:00"),
        "content/articles/gap-updated.md": article(
            "Gap updated", "2025-03-29T12:00", extra="updated: 2025-03-30T02:59\n"),
    })
    out = built(tmp_path)
    for slug, day in (("gap", "March 30, 2025"), ("fold", "October 26, 2025"),
                      ("fold-summer", "October 26, 2025"), ("fold-winter", "October 26, 2025")):
        times = parse_page(out / f"articles/{slug}/index.html").times
        assert times and times[0][1].startswith(day), (slug, times)  # with the time of day
        moment = datetime.fromisoformat(times[0][0])
        assert moment.utcoffset() is not None
    # The instant is 02:30 read with the offset before or after the jump.
    gap = datetime.fromisoformat(parse_page(out / "articles/gap/index.html").times[0][0])
    assert gap.astimezone(UTC).strftime("%H:%M") in ("01:30", "00:30"), gap
    updated = parse_page(out / "articles/gap-updated/index.html").times
    assert len(updated) == 2 and updated[1][1].startswith("March 30, 2025")
    # The two readings of 02:30 on 26 October are an hour apart, +01:00 being the later one.
    listing = (out / "articles/index.html").read_text(encoding="utf-8")
    assert listing.index("Fold winter") < listing.index("Fold summer")
    feeds = feeds_parse(out)
    entries = {e.title: e for e in feeds["atom.xml"].entries}
    assert set(entries) == {"Gap", "Fold", "Fold summer", "Fold winter", "Gap updated"}
    assert all(e.published_parsed and e.updated_parsed for e in entries.values())
    summer, winter = entries["Fold summer"], entries["Fold winter"]
    assert summer.published_parsed[:5] == (2025, 10, 26, 0, 30)
    assert winter.published_parsed[:5] == (2025, 10, 26, 1, 30)


# --- any script ----------------------------------------------------------------------------

UNICODE_ARTICLES = {
    # file name (slug) -> (title, tags, extra front matter)
    "서울-회담": ("서울 회담 재개 🇰🇷", ["외교", "Дипломатия", "🚀"], ""),
    "москва-переговоры": ("Переговоры в Москве 🕊️", ["Политика", "외교", "🔥 hot"], ""),
    "🚀-launch": ("Launch day 🚀🚀", ["🚀", "Space"], "slug: rocket-launch\n"),
}


def test_korean_cyrillic_and_emoji_titles_tags_and_file_names(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {"site.yaml": config("Asia/Seoul")}
    for n, (name, (title, tags, extra)) in enumerate(UNICODE_ARTICLES.items()):
        files[f"content/articles/{name}.md"] = article(
            title, f"2025-06-0{n + 1}", extra=extra + f"tags: [{', '.join(map(yq, tags))}]\n")
    # A name saved in decomposed form (as macOS does) gives the composed URL.
    files[unicodedata.normalize("NFD", "content/articles/café-noir.md")] = article("Café noir")
    write_files(tmp_path, files)
    out = built(tmp_path)

    for slug in ("서울-회담", "москва-переговоры", "rocket-launch", "café-noir"):
        page = out / "articles" / slug / "index.html"
        assert page.is_file(), slug
    for tag in ("외교", "дипломатия", "политика", "space"):
        assert (out / "tags" / tag / "index.html").is_file(), tag
    heading = parse_page(out / "articles/서울-회담/index.html").h1
    assert "".join(heading).strip() == "서울 회담 재개 🇰🇷"

    # Every link on every page, percent-decoded, leads to a file of the output.
    checked = 0
    for page in sorted(out.rglob("*.html")):
        for url in parse_page(page).urls:
            parts = urlsplit(url)
            if (parts.scheme and not url.startswith(BASE)) or not parts.path:
                continue  # another site, or a link within the page (#main)
            path = unquote(parts.path)
            assert path.startswith("/"), (page, url)
            target = out / path.lstrip("/")
            if path.endswith("/"):
                target = target / "index.html"
            assert target.is_file(), (page.relative_to(out).as_posix(), url)
            checked += 1
    assert checked > 50

    feeds = feeds_parse(out)
    for name in ("feed.xml", "atom.xml"):
        titles = {e.title for e in feeds[name].entries}
        assert titles == {title for title, _, _ in UNICODE_ARTICLES.values()} | {"Café noir"}
        for entry in feeds[name].entries:
            path = unquote(urlsplit(entry.link).path)
            assert (out / path.lstrip("/") / "index.html").is_file(), entry.link


def test_emoji_file_name_without_slug_is_refused_cleanly(tmp_path: Path) -> None:
    """A slug is letters of any script, digits, '-', '_' and '.' (README): an emoji file
    name needs a `slug:`, and the build says so instead of writing an odd URL."""
    write_files(tmp_path, {"site.yaml": config(),
                           "content/articles/🚀.md": article("Rocket")})
    result = build(tmp_path)
    assert result.exit_code == 1
    assert "error: content/articles/🚀.md: the file name (used as slug) '🚀'" in result.output
    assert "Traceback" not in result.output


# --- characters XML forbids ------------------------------------------------------------------

CONTROL = "\x01\x02\x03\x08\x0b\x0c\x0e\x1f\x7f"


@pytest.mark.parametrize("form", ["raw-bytes", "yaml-escapes"])
def test_title_of_forbidden_control_characters_plus_text(tmp_path: Path, form: str) -> None:
    if form == "raw-bytes":  # the characters themselves in the file
        title_line = f"title: {CONTROL}Hello{CONTROL} world{CONTROL}\n"
    else:  # YAML escapes that only the YAML parser turns into the characters
        title_line = "title: " + json.dumps(f"{CONTROL}Hello{CONTROL} world{CONTROL}\ufffe") + "\n"
    write_files(tmp_path, {
        "site.yaml": config(),
        "content/articles/ctrl.md": (
            f"---\n{title_line}date: 2025-06-01\ntags: [{json.dumps('x' + CONTROL)}]\n---\n"
            f"Body{CONTROL} text.\n").encode(),
    })
    out = built(tmp_path)
    page = (out / "articles/ctrl/index.html").read_text(encoding="utf-8")
    assert "".join(parse_page(out / "articles/ctrl/index.html").h1).strip() == "Hello world"
    assert not re.search(r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]", page.split("</h1>")[0])
    feeds = feeds_parse(out)
    for name in ("feed.xml", "atom.xml"):
        assert [e.title for e in feeds[name].entries] == ["Hello world"]
        raw = (out / name).read_text(encoding="utf-8")
        assert not re.search(r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe]", raw)


EMPTY_TEXT_BUG = (
    "BUG: a title or id that is empty, or empty once XML-forbidden characters are stripped "
    "(generator/schema.py text() accepts '' and strips '\\x01'), passes validation; "
    "generator/feeds.py then gives feedgen an empty entry title/id and feedgen's "
    "atom_entry() raises ValueError('Required fields not set'): the build prints a "
    "Traceback and exits 1 instead of naming the file")


@pytest.mark.parametrize("extra", [
    'title: ""\n', 'title: "\\x01\\x02\\x1f"\n', 'title: "\\uFFFE"\n',
    'title: T\nid: ""\n', 'title: T\nid: "\\x0b"\n',
], ids=["empty-title", "control-only-title", "nonchar-only-title", "empty-id",
        "control-only-id"])
def test_title_or_id_empty_after_stripping_builds_or_fails_cleanly(tmp_path: Path,
                                                                   extra: str) -> None:
    write_files(tmp_path, {"site.yaml": config(),
                           "content/articles/empty.md": f"---\n{extra}date: 2025-06-01\n---\nB.\n"})
    result = build(tmp_path)
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        repr(result.exception)
    assert "Traceback" not in result.output
    if result.exit_code == 1:
        assert "error: content/articles/empty.md" in result.output
    else:
        assert result.exit_code == 0
        feeds_parse(tmp_path / "public")


DATE_RANGE_BUG = (
    "BUG: generator/dates.py parse() accepts any ISO date with an offset, but a moment whose "
    "reading in the site timezone falls outside years 1..9999 (e.g. "
    "'9999-12-31T23:59:59-12:00' or '0001-01-01T00:00:00+14:00' with timezone Asia/Seoul) "
    "raises OverflowError in astimezone(): from dates.month_label (pages.timeline) for "
    "'date', a Traceback and exit 1; for 'updated', inside the theme's iso filter, reported "
    "as 'error: .../themes/default/templates/article.html:17: date value out of range ... "
    "fix the template', blaming the theme instead of naming the article")


@pytest.mark.parametrize("extra", [
    'date: "9999-12-31T23:59:59-12:00"\n', 'date: "0001-01-01T00:00:00+14:00"\n',
    'date: 2025-06-01\nupdated: "9999-12-31T23:00:00-05:00"\n',
], ids=["year-9999-late-offset", "year-1-early-offset", "updated-year-9999"])
def test_extreme_dates_build_or_fail_cleanly(tmp_path: Path, extra: str) -> None:
    write_files(tmp_path, {"site.yaml": config("Asia/Seoul"),
                           "content/articles/far.md": f"---\ntitle: Far\n{extra}---\nB.\n"})
    result = build(tmp_path)
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        repr(result.exception)
    if result.exit_code == 1:
        assert "error: content/articles/far.md" in result.output
    else:
        assert result.exit_code == 0
        feeds_parse(tmp_path / "public")


def test_dates_at_the_edges_of_the_range_build(tmp_path: Path) -> None:
    write_files(tmp_path, {
        "site.yaml": config("Asia/Seoul"),
        "content/articles/first-day.md": article("First day", "0001-01-01"),
        "content/articles/last-day.md": article("Last day", "9999-12-31T23:59:59"),
    })
    out = built(tmp_path, "--future")  # 9999 is scheduled, not yet published, without it
    assert parse_page(out / "articles/first-day/index.html").times[0][1] == "January 1, 1"
    assert parse_page(out / "articles/last-day/index.html").times[0][1] == (
        "December 31, 9999, 11:59\u202fPM KST")
    listing = (out / "articles/index.html").read_text(encoding="utf-8")
    assert listing.index("Last day") < listing.index("First day")
