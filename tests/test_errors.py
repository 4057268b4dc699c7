"""Every invalid input fails cleanly; odd but valid inputs build.

Each error case builds the `basic` fixture site once, breaks it, builds again and checks
that the build exits with 1, names the file (and line) with a helpful message, prints no
traceback, and leaves the previous output untouched.
"""

from __future__ import annotations

import shutil
import unicodedata
from collections.abc import Callable
from pathlib import Path

import feedparser
import pytest

from generator.cache import CACHE_DIR
from generator.ledger import journal_path
from tests.conftest import REPO, build, error_lines, feed_files, tree_digest, write_files

Mutation = dict[str, str | bytes] | Callable[[Path], None]
Check = Callable[[Path], None]

CONFIG = 'title: "Test Briefings"\nbase_url: "https://example.org/"\n'
ARTICLE = "---\ntitle: A title\ndate: 2025-12-05\n{extra}---\nBody.\n"
FIRST = "content/articles/first/index.md"
CAFE_NFC = unicodedata.normalize("NFC", "café")
CAFE_NFD = unicodedata.normalize("NFD", "café")
ARTICLE_TEMPLATE = "themes/default/templates/article.html"


def article(extra: str = "") -> str:
    """An otherwise valid article with extra front matter lines before the closing fence."""
    return ARTICLE.format(extra=extra)


def remove(rel: str) -> Callable[[Path], None]:
    def mutate(site: Path) -> None:
        (site / rel).unlink()

    return mutate


def copy_theme(site: Path) -> None:
    shutil.copytree(REPO / "themes" / "default", site / "themes" / "default")


# The first line of article.html's main block, which every article page renders.
MAIN_LINE = (REPO / ARTICLE_TEMPLATE).read_text(encoding="utf-8").split("\n").index(
    "{% block main %}") + 2


def template_line(text: str) -> Callable[[Path], None]:
    """Copy the default theme into the site and insert a line MAIN_LINE into article.html."""

    def mutate(site: Path) -> None:
        copy_theme(site)
        path = site / ARTICLE_TEMPLATE
        lines = path.read_text(encoding="utf-8").split("\n")
        lines.insert(MAIN_LINE - 1, text)
        path.write_text("\n".join(lines), encoding="utf-8")

    return mutate


def delete_template(name: str) -> Callable[[Path], None]:
    def mutate(site: Path) -> None:
        copy_theme(site)
        (site / "themes" / "default" / "templates" / name).unlink()

    return mutate


# Each case: the mutation, then every (location, message part) expected on an error line.
# A location without a line number means that no line may be printed for that problem.
ERROR_CASES = [
    # --- site.yaml ---
    pytest.param(remove("site.yaml"),
                 [("site.yaml", "not found; create site.yaml in the site folder")],
                 id="config-missing"),
    pytest.param({"site.yaml": "- title\n- base_url\n"},
                 [("site.yaml:1", "must be a mapping of keys to values")],
                 id="config-not-a-mapping"),
    pytest.param({"site.yaml": 'base_url: "https://example.org/"\ntitle: Test: Briefings\n'},
                 [("site.yaml:2", "invalid YAML: mapping values are not allowed")],
                 id="config-malformed-yaml"),
    pytest.param({"site.yaml": b"title: \xff\nbase_url: https://example.org/\n"},
                 [("site.yaml", "is not UTF-8 text (bad byte at offset 7); save it as UTF-8")],
                 id="config-not-utf8"),
    pytest.param({"site.yaml": CONFIG + "title: Again\n"},
                 [("site.yaml:3", "duplicate key 'title'; keep only one")],
                 id="config-duplicate-key"),
    pytest.param({"site.yaml": 'title: "Test Briefings"\n'},
                 [("site.yaml", "missing required key 'base_url'")],
                 id="config-missing-base-url"),
    pytest.param({"site.yaml": "title: x\nbase_url: ftp://x\n"},
                 [("site.yaml:2", "'base_url': expected an absolute http(s) URL such as "
                                  "https://example.org/, got 'ftp://x'")],
                 id="config-base-url-not-http"),
    pytest.param({"site.yaml": CONFIG + "timezone: Mars/Olympus\n"},
                 [("site.yaml:3", "unknown timezone 'Mars/Olympus'; use an IANA name such as "
                                  "'Europe/Paris'")],
                 id="config-unknown-timezone"),
    pytest.param({"site.yaml": CONFIG + "language: xx-nope-zz\n"},
                 [("site.yaml:3", "unknown language 'xx-nope-zz'; use a BCP 47 tag such as "
                                  "'en' or 'ko'")],
                 id="config-unknown-language"),
    pytest.param({"site.yaml": "titel: Test\n" + CONFIG},
                 [("site.yaml:1", "unknown key 'titel'; did you mean 'title'?")],
                 id="config-unknown-key"),
    pytest.param({"site.yaml": CONFIG + "feeds: {items: 0}\n"},
                 [("site.yaml:3", "'feeds.items': expected a whole number of at least 1, got 0")],
                 id="config-feed-items-zero"),
    pytest.param({"site.yaml": CONFIG + "markdown: {raw_html: maybe}\n"},
                 [("site.yaml:3", "'markdown.raw_html': expected one of sanitize, allow, "
                                  "escape, got 'maybe'")],
                 id="config-raw-html-unknown"),
    # --- articles ---
    pytest.param({FIRST: "---\ntitle: T\nsummary: Seoul: talks resume\ndate: 2025-12-05\n---\n"},
                 [(f"{FIRST}:3", "invalid YAML: mapping values are not allowed")],
                 id="article-malformed-yaml"),
    pytest.param({FIRST: "---\ntitle: T\ndate: 2025-12-05\n\nBody without a closing fence.\n"},
                 [(f"{FIRST}:1", "the front matter opened on line 1 is never closed; "
                                 "add a line '---'")],
                 id="article-front-matter-not-closed"),
    pytest.param({FIRST: "---\n- title\n- date\n---\nBody.\n"},
                 [(f"{FIRST}:2", "the front matter is a list, not a mapping; write "
                                 "'key: value' lines")],
                 id="article-front-matter-list"),
    pytest.param({FIRST: "---\njust a sentence\n---\nBody.\n"},
                 [(f"{FIRST}:2", "not a mapping; write 'key: value' lines")],
                 id="article-front-matter-scalar"),
    pytest.param({FIRST: "# A heading\n\nBody only.\n"},
                 [(f"{FIRST}:1", "no front matter; start the file with a line '---'")],
                 id="article-no-front-matter"),
    pytest.param({FIRST: ""},
                 [(FIRST, "the file is empty; start it with front matter")],
                 id="article-empty-file"),
    pytest.param({FIRST: "---\ndate: 2025-12-05\n---\nBody.\n"},
                 [(f"{FIRST}:1", "missing required key 'title'")],
                 id="article-missing-title"),
    pytest.param({FIRST: "---\ntitle: T\n---\nBody.\n"},
                 [(f"{FIRST}:1", "missing required key 'date'")],
                 id="article-missing-date"),
    pytest.param({FIRST: "---\ntitle: T\ntags: [a]\ndate: yesterday\n---\nBody.\n"},
                 [(f"{FIRST}:4", "'date': 'yesterday' is not an ISO 8601 date; write e.g. "
                                 "2025-12-22")],
                 id="article-date-not-iso"),
    pytest.param({FIRST: article("tags: 5\n")},
                 [(f"{FIRST}:4", "'tags': expected a list of text, e.g. [a, b], got 5")],
                 id="article-tags-number"),
    pytest.param({FIRST: article('draft: "maybe"\n')},
                 [(f"{FIRST}:4", "'draft': expected true or false, got 'maybe'")],
                 id="article-draft-not-bool"),
    pytest.param({FIRST: "---\ntilte: T\ntitle: T\ndate: 2025-12-05\n---\nBody.\n"},
                 [(f"{FIRST}:2", "unknown key 'tilte'; did you mean 'title'?")],
                 id="article-unknown-key"),
    pytest.param({FIRST: article("briefings: [alpah]\n")},
                 [(f"{FIRST}:4", "unknown briefing 'alpah'; did you mean 'alpha'? "
                                 "(or create content/briefings/alpah.md)")],
                 id="article-unknown-briefing"),
    pytest.param({FIRST: article("slug: same\n"),
                  "content/articles/zz.md": article("slug: same\n")},
                 [("content/articles/zz.md", "writes the same URL /articles/same/ as "
                                             f"{FIRST}")],
                 id="article-duplicate-slug"),
    pytest.param({"content/articles/Second.md": article()},
                 [("content/articles/second.md", "writes the same URL /articles/second/ as "
                                                 "content/articles/Second.md (URLs that differ "
                                                 "only in case")],
                 id="article-slug-differs-in-case"),
    pytest.param({"content/articles/a.md": article(f"slug: {CAFE_NFC}\n"),
                  "content/articles/b.md": article(f"slug: {CAFE_NFD}\n")},
                 [("content/articles/b.md", f"writes the same URL /articles/{CAFE_NFC}/ as "
                                            "content/articles/a.md")],
                 id="article-slug-differs-in-unicode-form"),
    pytest.param({FIRST: article("slug: ../../x\n")},
                 [(f"{FIRST}:4", "'slug' '../../x' must be letters, digits, '-', '_' or '.', "
                                 "with no '/', '..' or spaces")],
                 id="article-slug-climbs-out"),
    pytest.param({FIRST: article("slug: /abs\n")},
                 [(f"{FIRST}:4", "'slug' '/abs' must be letters, digits")],
                 id="article-slug-absolute"),
    pytest.param({FIRST: b"---\ntitle: \xff\n---\n"},
                 [(FIRST, "is not UTF-8 text (bad byte at offset 11); save the file as UTF-8")],
                 id="article-not-utf8"),
    pytest.param({FIRST: "---\ntitle: T\ndate: 2025-12-05\ntitle: U\n---\nBody.\n"},
                 [(f"{FIRST}:4", "duplicate key 'title'; keep only one")],
                 id="article-duplicate-key"),
    pytest.param({FIRST: article("slug: " + "a" * 300 + "\n")},
                 [(f"{FIRST}:4", "is longer than 200 bytes")],
                 id="article-slug-too-long-for-disk"),
    # articles/index.html is the list of all articles: no folder can take its name.
    pytest.param({FIRST: article("slug: index.html\n")},
                 [(f"{FIRST}:4", "'slug' 'index.html' is the name of the list page in the "
                                 "same folder")],
                 id="article-slug-is-the-list-page"),
    pytest.param({FIRST: article("slug: Index.HTML\n")},
                 [(f"{FIRST}:4", "'slug' 'Index.HTML' is the name of the list page")],
                 id="article-slug-is-the-list-page-in-another-case"),
    pytest.param({"content/articles/index.html.md": article()},
                 [("content/articles/index.html.md", "the file name (used as slug) "
                                                     "'index.html' is the name of the list page")],
                 id="article-file-name-is-the-list-page"),
    pytest.param({"content/briefings/index.html.md": "---\ntitle: Index\n---\nText.\n"},
                 [("content/briefings/index.html.md", "the file name (used as slug) "
                                                      "'index.html' is the name of the list "
                                                      "page")],
                 id="briefing-file-name-is-the-list-page"),
    # --- briefings ---
    pytest.param({"content/briefings/alpha.md": "---\nweight: 1\n---\nOverview.\n"},
                 [("content/briefings/alpha.md:1", "missing required key 'title'")],
                 id="briefing-missing-title"),
    pytest.param({"content/briefings/alpha.md": "---\ntitle: Alpha\ncolour: red\n---\nText.\n"},
                 [("content/briefings/alpha.md:3", "unknown key 'colour'; allowed keys: "
                                                   "events, lang, summary, title, translation_key, "
                                                   "updated, weight")],
                 id="briefing-unknown-key"),
    # --- templates ---
    pytest.param(template_line("{% if %}"),
                 [(f"{ARTICLE_TEMPLATE}:{MAIN_LINE}",
                   "template syntax error: Expected an expression")],
                 id="template-syntax-error"),
    pytest.param(template_line("{{ nope }}"),
                 [(f"{ARTICLE_TEMPLATE}:{MAIN_LINE}", "'nope' is undefined (rendering /articles/")],
                 id="template-undefined-variable"),
    pytest.param(delete_template("tag.html"),
                 [("themes/default/templates", "template 'tag.html' not found; "
                                               "add it to the theme")],
                 id="template-missing"),
    pytest.param(template_line("{{ 1 // 0 }}"),
                 [(f"{ARTICLE_TEMPLATE}:{MAIN_LINE}", "division")],
                 id="template-runtime-error"),
    # --- several problems at once ---
    pytest.param({FIRST: "",
                  "content/articles/second.md": article("tags: 5\n"),
                  "content/articles/third.md": "---\ntitle: Never closed\n"},
                 [(FIRST, "the file is empty"),
                  ("content/articles/second.md:4", "'tags': expected a list of text"),
                  ("content/articles/third.md:1", "the front matter opened on line 1 is "
                                                  "never closed")],
                 id="three-broken-articles"),
]


@pytest.mark.parametrize(("mutation", "expected"), ERROR_CASES)
def test_invalid_input_fails_cleanly(copy_site: Callable[[str], Path], mutation: Mutation,
                                     expected: list[tuple[str, str]]) -> None:
    site = copy_site("basic")
    first = build(site)
    assert first.exit_code == 0, first.output
    before = tree_digest(site / "public")
    assert before

    if callable(mutation):
        mutation(site)
    else:
        write_files(site, mutation)
    result = build(site)

    output = result.output
    errors = error_lines(result)
    for where, message in expected:
        assert any(line.startswith(f"error: {where}: ") and message in line
                   for line in errors), f"no error at {where!r} with {message!r} in:\n{output}"
    count = len(expected)
    assert f"Build failed: {count} problem{'s' if count != 1 else ''}; nothing was written." \
        in output
    assert tree_digest(site / "public") == before
    # A failed build never begins to publish: its staged files are gone, and no journal
    # is left for the next build to apply.
    assert not (site / ".public.staging").exists()
    assert not journal_path(site / CACHE_DIR, (site / "public").resolve()).exists()


def page(public: Path, rel: str) -> str:
    return (public / rel).read_text(encoding="utf-8")


def check_bom_crlf(public: Path) -> None:
    html = page(public, "articles/first/index.html")
    assert "<h1>Windows title</h1>" in html
    assert "<title>Windows title · Test Briefings</title>" in html
    assert "<p>Body line.</p>" in html
    assert "\r" not in html and "\ufeff" not in html


def check_title_no(public: Path) -> None:
    assert "<h1>No</h1>" in page(public, "articles/third/index.html")


def check_time_in_extra(public: Path) -> None:
    assert "<h1>Lunch briefing</h1>" in page(public, "articles/first/index.html")


def check_korean_file_name(public: Path) -> None:
    html = page(public, "articles/서울-회담/index.html")
    assert "<h1>서울 회담</h1>" in html
    assert 'href="/articles/서울-회담/"' in page(public, "articles/index.html")


def check_korean_emoji_title(public: Path) -> None:
    title = "서울 회담 🇰🇷 재개 🎉"
    assert f"<h1>{title}</h1>" in page(public, "articles/first/index.html")
    feed = feedparser.parse((public / "feed.xml").read_bytes())
    assert not feed.bozo
    assert title in [entry.title for entry in feed.entries]


def check_control_characters_feeds(public: Path) -> None:
    feeds = feed_files(public)
    assert len([f for f in feeds if "digests" not in f.parts]) == 6
    for path in feeds:
        feed = feedparser.parse(path.read_bytes())
        assert not feed.bozo, f"{path}: {feed.get('bozo_exception')}"
        for entry in feed.entries:
            assert "\x01" not in entry.title and "\x0b" not in entry.title
    for rel in ("feed.xml", "atom.xml", "briefings/alpha/feed.xml", "briefings/alpha/atom.xml"):
        titles = [entry.title for entry in feedparser.parse((public / rel).read_bytes()).entries]
        assert "BadTitle" in titles, (rel, titles)


def check_control_characters_html(public: Path) -> None:
    html = page(public, "articles/first/index.html")
    assert "\x01" not in html and "\x0b" not in html
    assert "<h1>BadTitle</h1>" in html


CONTROL_TITLE = {FIRST: '---\ntitle: "Bad\\x01\\x0bTitle"\ndate: 2025-12-05\n'
                        "briefings: [alpha]\n---\nBody.\n"}

# Raw control characters (not YAML escapes) are stripped when the file is read.
RAW_CONTROL = {FIRST: "---\ntitle: Bad\x01\x0bTitle\ndate: 2025-12-05\n"
                      "briefings: [alpha]\n---\nBody\x01.\n"}

VALID_CASES = [
    pytest.param({FIRST: b"\xef\xbb\xbf---\r\ntitle: Windows title\r\ndate: 2025-12-05\r\n"
                         b"briefings: [alpha]\r\n---\r\nBody line.\r\n"},
                 check_bom_crlf, id="bom-and-crlf"),
    pytest.param({}, check_title_no, id="title-no-stays-text"),
    pytest.param({FIRST: "---\ntitle: Lunch briefing\ndate: 2025-12-05\nextra:\n  at: 12:30\n"
                         "---\nBody.\n"},
                 check_time_in_extra, id="time-in-extra"),
    pytest.param({"content/articles/서울-회담.md": "---\ntitle: 서울 회담\ndate: 2025-12-05\n"
                                                   "---\n본문.\n"},
                 check_korean_file_name, id="korean-file-name"),
    pytest.param({FIRST: '---\ntitle: "서울 회담 🇰🇷 재개 🎉"\ndate: 2025-12-05\n---\nBody.\n'},
                 check_korean_emoji_title, id="korean-and-emoji-title"),
    pytest.param(CONTROL_TITLE, check_control_characters_feeds, id="control-characters-feeds"),
    pytest.param(CONTROL_TITLE, check_control_characters_html, id="control-characters-html"),
    pytest.param(RAW_CONTROL, check_control_characters_html, id="raw-control-characters"),
]


@pytest.mark.parametrize(("files", "check"), VALID_CASES)
def test_valid_but_odd_inputs_build(copy_site: Callable[[str], Path],
                                    files: dict[str, str | bytes], check: Check) -> None:
    site = copy_site("basic")
    write_files(site, files)
    result = build(site)
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    check(site / "public")
