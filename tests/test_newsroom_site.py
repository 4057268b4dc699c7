"""End to end on tests/sites/newsroom, a site using every feature of issue 14 at once."""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urljoin, urlsplit

import feedparser
import lxml.html
import pytest

from generator.sanitize import srcset_urls
from tests.conftest import (
    SANDBOX_ADVICE,
    SITES,
    build,
    error_lines,
    feed_files,
    run_module,
    serve_folder,
    tree_digest,
    validate_html,
)

FIXTURE = SITES / "newsroom"
# Fixed, and later than SOURCE_DATE_EPOCH in build(): the week of 5-11 January 2026 is
# complete, so its edition (with the editor's note) exists in every run.
NOW = "2026-01-15T00:00:00+00:00"
BASE = "https://example.org/news/"
PREFIX = "/news/"
KOREAN_SLUG = "서울-모스크바-회담"
KOREAN_URL = f"{BASE}articles/{quote(KOREAN_SLUG)}/"
EDITION = "digests/2026-W02/"
REMOTE_IMAGE = "https://images.example.com/ferries/terminal.jpg"
EMBED = Path("content/articles/storm-video.md")


def script_warning(site: Path) -> str:
    """The warning the <script> in the embed article must give, its line read from the file."""
    lines = (site / EMBED).read_text(encoding="utf-8").splitlines()
    line = next(n for n, text in enumerate(lines, 1) if text.startswith("<script>"))
    return f"warning: {EMBED.as_posix()}:{line}: removed <script> (raw_html: sanitize)"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture copied (its build writes a cache beside it) and built once."""
    root = tmp_path_factory.mktemp("newsroom") / "site"
    shutil.copytree(FIXTURE, root)
    result = build(root, "--now", NOW)
    assert result.exit_code == 0, result.output
    assert script_warning(root) in result.output.splitlines()
    return root


@pytest.fixture(scope="module")
def out(site: Path) -> Path:
    return site / "public"


def pages(out: Path) -> Iterator[tuple[str, Any]]:
    """Yield (site path, parsed page) of every HTML file of the output."""
    for path in sorted(out.rglob("*.html")):
        rel = path.relative_to(out).as_posix()
        yield rel, lxml.html.fromstring(path.read_bytes())


def page_url(rel: str) -> str:
    """The public URL of an output file, as a browser resolves relative links against."""
    return BASE + quote(rel.removesuffix("index.html"))


def all_bytes(out: Path) -> Iterator[tuple[Path, bytes]]:
    """Yield every output file's bytes, gzip-compressed ones (Pagefind's) unpacked."""
    for path in sorted(out.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            yield path, gzip.decompress(data) if data.startswith(b"\x1f\x8b") else data


# --- 1. the build and its warning -------------------------------------------------------

def test_a_second_build_repeats_the_sanitizer_warning_and_changes_nothing(
        site: Path, out: Path) -> None:
    before = tree_digest(out)
    again = build(site, "--now", NOW)
    assert again.exit_code == 0, again.output
    # The warning names the file and line as long as the script is there, not once.
    assert script_warning(site) in again.output.splitlines()
    assert tree_digest(out) == before


# --- 2. the Nu checker on every page ----------------------------------------------------

def test_every_page_passes_the_nu_checker(out: Path) -> None:
    html_files = sorted(out.rglob("*.html"))
    assert out / EDITION / "email.html" in html_files and len(html_files) > 30
    # Checked without `allow=(SANDBOX_ADVICE,)` so that the advice is accepted on the embed
    # page alone, once: Briefings forces "allow-scripts allow-same-origin" on iframes from
    # the embed hosts (other origins, whose players need both), the checker advises against
    # the pair in any sandbox. Anything else, on any page, fails.
    errors = validate_html(out)
    advised = [e for e in errors if SANDBOX_ADVICE in e]
    assert [e for e in errors if e not in advised] == []
    assert len(advised) == 1 and advised[0].startswith(str(out / "articles/storm-video/"))


# --- 3. images resolve; the draft is nowhere --------------------------------------------

def test_every_img_src_and_srcset_entry_is_a_file_in_the_output(out: Path) -> None:
    local: set[str] = set()
    remote: set[str] = set()
    for rel, page in pages(out):
        urls = page.xpath("//img/@src")
        urls += [url for value in page.xpath("//img/@srcset | //source/@srcset")
                 for url, _ in srcset_urls(value)]
        for url in urls:
            absolute = urljoin(page_url(rel), url)
            if not absolute.startswith("https://example.org/"):
                remote.add(absolute)
                continue
            assert absolute.startswith(BASE), (rel, url)  # never outside the path prefix
            path = unquote(urlsplit(absolute).path).removeprefix(PREFIX)
            assert (out / path).is_file(), (rel, url)
            local.add(path)
    assert remote == {REMOTE_IMAGE}
    # Every kind of picture was seen: bundle originals and copies, the figure, the site path.
    assert {"articles/harbour-reopens/quay.jpg", "articles/harbour-reopens/quay-480w.jpg",
            "articles/harbour-reopens/crossings.png",
            "articles/harbour-reopens/crossings-960w.png", "images/x.png"} <= local


def test_the_bundle_publishes_its_pdf_and_figure(out: Path) -> None:
    page = lxml.html.fromstring((out / "articles/harbour-reopens/index.html").read_bytes())
    (link,) = page.xpath("//a[text()='its damage assessment']")
    pdf = urljoin(page_url("articles/harbour-reopens/index.html"), link.get("href"))
    assert (out / pdf.removeprefix(BASE)).read_bytes() == \
        (FIXTURE / "content/articles/harbour-reopens/assessment.pdf").read_bytes()
    (caption,) = page.xpath("//figure[img[@alt='Daily ferry crossings, December']]/figcaption")
    assert caption.text_content() == "Ferry crossings fell by two thirds during the closure."
    (credit,) = page.xpath("//figure[contains(@class, 'featured')]//*[@class='credit']")
    assert credit.text == "Photo: Harbour Desk"


def test_the_draft_and_its_image_appear_nowhere(out: Path) -> None:
    secret = (FIXTURE / "content/articles/draft-ferry/secret-timetable.jpg").read_bytes()
    for path, data in all_bytes(out):
        for word in (b"draft-ferry", b"secret-timetable", b"Unfinished ferry"):
            assert word not in data, (path, word)
        assert hashlib.sha256(data).digest() != hashlib.sha256(secret).digest(), path


# --- 4. site files, favicon, menus, the path prefix -------------------------------------

def test_static_files_are_published_at_the_root_as_they_are(out: Path) -> None:
    for rel in ("CNAME", ".nojekyll", ".well-known/security.txt", "favicon.svg",
                "images/x.png"):
        assert (out / rel).read_bytes() == (FIXTURE / "static" / rel).read_bytes(), rel
    assert (out / "pagefind/shards.json").is_file() and (out / "search/index.html").is_file()


def test_every_page_links_the_site_favicon_and_the_about_page_in_its_header(out: Path) -> None:
    checked = 0
    for rel, page in pages(out):
        if rel.endswith("email.html"):
            continue  # mail: no site chrome
        assert page.xpath("//link[@rel='icon']/@href") == [f"{PREFIX}favicon.svg"], rel
        header = page.xpath("//header[contains(@class, 'masthead')]//nav//a")
        assert ("About", f"{PREFIX}about/") in [(a.text, a.get("href")) for a in header], rel
        assert f"{PREFIX}contact/" not in [a.get("href") for a in header], rel
        footer = page.xpath("//*[contains(@class, 'footer-menu')]//a/@href")
        assert footer == [f"{PREFIX}contact/"], rel
        checked += 1
    assert checked > 30
    sitemap = (out / "sitemap.xml").read_text(encoding="utf-8")
    assert f"<loc>{BASE}about/</loc>" in sitemap and f"<loc>{BASE}contact/</loc>" in sitemap


def test_root_relative_links_carry_the_path_prefix(out: Path) -> None:
    page = lxml.html.fromstring((out / "articles/about-our-coverage/index.html").read_bytes())
    prose = page.xpath("//*[contains(@class, 'prose')]")[0]
    assert prose.xpath(".//a[text()='who we are']/@href") == [f"{PREFIX}about/"]
    assert prose.xpath(".//img/@src") == [f"{PREFIX}images/x.png"]
    for rel, each in pages(out):  # and nothing on any page escapes the prefix
        for url in each.xpath("//@href | //@src | //@action"):
            assert not url.startswith("/") or url.startswith(PREFIX), (rel, url)


# --- 5. feeds and the email -------------------------------------------------------------

def html_urls(fragment: str) -> list[str]:
    """Return the href, src and srcset URLs in an HTML fragment."""
    tree = lxml.html.fragment_fromstring(fragment, create_parent="div")
    urls: list[str] = tree.xpath("//@href | //@src")
    return urls + [url for value in tree.xpath("//@srcset") for url, _ in srcset_urls(value)]


def assert_uri(url: str, where: str) -> None:
    assert url.isascii() and url.startswith("https://"), (where, url)
    assert not url.startswith("https://example.org/") or url.startswith(BASE), (where, url)


def test_feeds_parse_and_hold_absolute_percent_encoded_urls(out: Path) -> None:
    for path in feed_files(out):
        feed = feedparser.parse(str(path))
        assert not feed.bozo and feed.entries, (path, feed.get("bozo_exception"))
        for entry in feed.entries:
            urls = [entry.link, entry.id] + [u for c in entry.get("content", [])
                                             for u in html_urls(c.value)]
            for url in urls:
                assert_uri(url, str(path))
    assert KOREAN_URL in [e.link for e in feedparser.parse(str(out / "feed.xml")).entries]


def test_every_json_feed_matches_its_rss_feed(out: Path) -> None:
    feeds = sorted(out.rglob("feed.json"))
    assert len(feeds) == 6  # the site, two briefings, three digest feeds
    for path in feeds:
        data = json.loads(path.read_text(encoding="utf-8"))
        assert data["version"] == "https://jsonfeed.org/version/1.1"
        assert data["title"] and data["items"]
        assert data["feed_url"] == BASE + path.relative_to(out).as_posix()
        rss = feedparser.parse(str(path.with_name("feed.xml")))
        assert [item["id"] for item in data["items"]] == [e.id for e in rss.entries], path
        for item in data["items"]:
            urls = [item["id"], item["url"], *html_urls(item["content_html"])]
            urls += [item["image"]] if "image" in item else []
            for url in urls:
                assert_uri(url, str(path))


def test_the_email_holds_only_absolute_percent_encoded_urls(out: Path) -> None:
    email = (out / EDITION / "email.html").read_text(encoding="utf-8")
    urls = html_urls(email)
    assert KOREAN_URL in urls and REMOTE_IMAGE in urls
    for url in urls:
        assert_uri(url, "email.html")
    text = (out / EDITION / "email.txt").read_text(encoding="utf-8")
    assert KOREAN_URL in text.split() and KOREAN_SLUG not in text
    for url in re.findall(r"\S+://\S+", text):
        assert_uri(url, "email.txt")
    assert "{$unsubscribe}" in email and "{$unsubscribe}" in text  # as written


NOTE = "The harbour reopened this week"
FIRST_ARTICLE = "Video: the storm reaches the quay"


def test_the_note_shows_first_in_the_edition_page_email_and_digest_feed(out: Path) -> None:
    page = lxml.html.fromstring((out / EDITION / "index.html").read_bytes())
    text = page.xpath("//main")[0].text_content()
    assert -1 < text.index(NOTE) < text.index(FIRST_ARTICLE)
    email = lxml.html.fromstring((out / EDITION / "email.html").read_bytes())
    for hidden in email.xpath("//*[contains(@class, 'preheader')]"):
        hidden.getparent().remove(hidden)  # it repeats the note's first line by design
    text = email.xpath("//body")[0].text_content()
    assert -1 < text.index(NOTE) < text.index(FIRST_ARTICLE)
    mail_text = (out / EDITION / "email.txt").read_text(encoding="utf-8")
    assert -1 < mail_text.index(NOTE) < mail_text.index(FIRST_ARTICLE)
    for entry in feedparser.parse(str(out / "digests/atom.xml")).entries:
        if entry.link == BASE + EDITION:
            body = entry.content[0].value
            assert -1 < body.index(NOTE) < body.index(FIRST_ARTICLE)
            break
    else:
        pytest.fail(f"no digest feed item for {EDITION}")


# --- 6. a broken site fails once, naming all four problems ------------------------------

def test_four_mistakes_fail_one_build_each_named_and_nothing_written(tmp_path: Path) -> None:
    root = tmp_path / "site"
    shutil.copytree(FIXTURE, root)
    assert build(root, "--now", NOW).exit_code == 0
    before = tree_digest(root / "public")
    bundle = root / "content/articles/harbour-reopens/index.md"
    bundle.write_text(bundle.read_text(encoding="utf-8") + "\n![Gone](gone.jpg)\n",
                      encoding="utf-8")
    missing_line = len(bundle.read_text(encoding="utf-8").splitlines())
    talks = root / "content/articles/talks-denied.md"
    text = talks.read_text(encoding="utf-8")
    tags_line = text.splitlines().index("tags: [russia, diplomacy]") + 1
    talks.write_text(text.replace("tags: [russia, diplomacy]", "tags: russia, diplomacy"),
                     encoding="utf-8")
    (root / "content/notes.md").write_text("# Notes to self\n", encoding="utf-8")
    (root / "static/feed.xml").write_text("<rss/>\n", encoding="utf-8")

    errors = error_lines(build(root, "--now", NOW))
    assert len(errors) == 4, errors
    expected = [
        (f"error: content/articles/harbour-reopens/index.md:{missing_line}: ", "'gone.jpg'"),
        (f"error: content/articles/talks-denied.md:{tags_line}: ", "[russia, diplomacy]"),
        ("error: content/notes.md: ", "content/pages/"),
        ("error: static/feed.xml: ", "/feed.xml"),
    ]
    for prefix, hint in expected:
        assert any(e.startswith(prefix) and hint in e for e in errors), (prefix, errors)
    assert tree_digest(root / "public") == before


# --- 7. in a browser --------------------------------------------------------------------

def test_the_korean_article_breaks_between_words(browser: Any, out: Path) -> None:
    with serve_folder(out, PREFIX) as url:
        page = browser.new_page(viewport={"width": 390, "height": 800})
        page.route("https://**/*", lambda route: route.abort())  # offline: no remote images
        try:
            page.goto(f"{url}articles/{quote(KOREAN_SLUG)}/")
            for selector in (".page-head h1", ".prose p"):
                style = page.eval_on_selector(
                    selector, "e => [getComputedStyle(e).wordBreak, "
                              "getComputedStyle(e).overflowWrap, e.textContent]")
                assert style[2].startswith(("서울과", "외교")), (selector, style)
                # A Korean article on an English site: keep-all applies to every page; a word
                # too long for its line still wraps (anywhere under :lang(ko), else break-word).
                assert style[0] == "keep-all" and style[1] in ("anywhere", "break-word"), (
                    selector, style)
        finally:
            page.close()


def test_the_email_fits_600_pixels_without_scrolling(browser: Any, out: Path) -> None:
    page = browser.new_page(viewport={"width": 600, "height": 800})
    page.route("http*://**/*", lambda route: route.abort())  # the pictures' hosts: offline
    try:
        page.goto((out / EDITION / "email.html").as_uri())
        assert page.evaluate("document.body.innerText").count(NOTE) >= 1
        assert page.evaluate("document.documentElement.scrollWidth") <= 600
        widest = page.evaluate("Math.max(...[...document.querySelectorAll('body *')]"
                               ".map(e => e.getBoundingClientRect().right))")
        assert widest <= 600
    finally:
        page.close()


# --- 8. determinism ---------------------------------------------------------------------

def test_separate_processes_build_byte_identical_trees(site: Path, out: Path,
                                                       tmp_path: Path) -> None:
    # Separate processes: anything seeded per process (hash order, a Rust HashMap) shows.
    trees = [tree_digest(out)]
    for name in ("a", "b"):
        result = run_module("build", "--site", str(site), "--now", NOW, "--no-cache",
                            "--quiet", "--output", str(tmp_path / name))
        assert result.returncode == 0, result.stdout + result.stderr
        trees.append(tree_digest(tmp_path / name))
    differing = sorted(k for k in trees[0] if len({t.get(k) for t in trees}) > 1)
    assert differing == [] and trees[1] == trees[0] == trees[2]
