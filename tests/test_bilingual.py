"""A site in two languages: each language a site of its own under its prefix, its pages
linked to their translations (hreflang, the switcher, the sitemap), its feeds and search in
its own language, its mistakes reported together, and its cached builds equal to fresh ones.

The fixture is tests/sites/bilingual: English at the root, Korean under ko/, served from
https://example.org/desk/. talks is translated, denial is English only, 협의-공방 Korean only.
"""

from __future__ import annotations

import json
import shutil
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

import feedparser
import lxml.etree
import lxml.html
import pytest

from tests.conftest import (
    SITES,
    build,
    build_apart,
    error_lines,
    serve_folder,
    tree_digest,
    validate_html,
    write_files,
)

BASE = "https://example.org/desk/"
DEFAULT = "en"
OTHER = {"en": "ko", "ko": "en"}
FRONT = {"en": "/desk/", "ko": "/desk/ko/"}
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"

TALKS_EN = "Seoul official meets Russian envoy in Moscow"
DENIAL_EN = "Moscow denies any nuclear consultations"
TALKS_KO = "외교부 당국자, 모스크바서 러시아 특사 면담"
DISPUTE_KO = '러시아 "협의 없었다"…외교부와 공방'
DISPUTE_URL = BASE + "ko/articles/" + quote("협의-공방") + "/"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bilingual site, built once for the read-only checks."""
    root = tmp_path_factory.mktemp("bilingual") / "site"
    shutil.copytree(SITES / "bilingual", root)
    result = build(root)
    assert result.exit_code == 0, result.output
    return root / "public"


def fresh_bilingual(tmp_path: Path) -> Path:
    """A copy of the bilingual site to change and build."""
    root = tmp_path / "site"
    shutil.copytree(SITES / "bilingual", root)
    return root


def language_of(rel: str, nested: str = "ko") -> str:
    """The language an output path belongs to, by its folder (`nested` is the one in a folder)."""
    return nested if rel.startswith(nested + "/") else OTHER[nested]


def url_of(rel: str) -> str:
    """The public URL of an output file (folders end in /), percent-encoded like the site's."""
    path = rel.removesuffix("index.html")
    return BASE + quote(path)


def file_of(out: Path, url: str) -> Path:
    """The output file a site URL points to; fails for URLs outside the site."""
    assert url.startswith(BASE), url
    rel = unquote(url.removeprefix(BASE))
    return out / (rel + "index.html" if rel == "" or rel.endswith("/") else rel)


def html_pages(out: Path) -> list[str]:
    """Every web page of the output (email editions are mail, not pages), relative, sorted."""
    return sorted(p.relative_to(out).as_posix() for p in out.rglob("*.html")
                  if p.name != "email.html")


def alternates(doc: Any) -> dict[str, str]:
    """A page's hreflang alternates: language → URL."""
    found: dict[str, str] = {}
    for link in doc.xpath("//head/link[@rel='alternate'][@hreflang]"):
        lang = link.get("hreflang")
        assert lang not in found, f"two alternates for {lang}"
        found[lang] = link.get("href")
    return found


def parse(path: Path) -> Any:
    return lxml.html.fromstring(path.read_bytes())


# --- every page is valid HTML --------------------------------------------------------


def test_every_page_passes_the_nu_checker(site: Path) -> None:
    pages = sorted(site.rglob("*.html"))
    assert any(p.name == "email.html" and "ko" in p.parts for p in pages)
    assert validate_html(*pages) == []


# --- hreflang ------------------------------------------------------------------------


def test_the_fixture_has_what_the_checks_need(site: Path) -> None:
    """The checks below would pass vacuously on a site with nothing translated."""
    pages = html_pages(site)
    assert "articles/talks/index.html" in pages and "ko/articles/talks/index.html" in pages
    assert "articles/denial/index.html" in pages
    assert "ko/articles/denial/index.html" not in pages
    assert "ko/articles/협의-공방/index.html" in pages
    assert "articles/협의-공방/index.html" not in pages
    linked = [rel for rel in pages if alternates(parse(site / rel))]
    assert len(linked) >= 10, linked


def test_html_lang_is_the_page_language(site: Path) -> None:
    for rel in sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html")):
        assert parse(site / rel).get("lang") == language_of(rel), rel


def check_reciprocal(out: Path, nested: str, default: str) -> int:
    """Check every page's hreflang links both ways; return how many pages have them."""
    linked = 0
    for rel in html_pages(out):
        lang, own = language_of(rel, nested), url_of(rel)
        found = alternates(parse(out / rel))
        if not found:
            continue
        linked += 1
        assert "x-default" in found, rel
        fallback = found.pop("x-default")
        assert fallback == found.get(default), f"{rel}: x-default {fallback} is not in {default}"
        assert found.get(lang) == own, f"{rel}: does not name itself for {lang}: {found}"
        assert len(found) >= 2, f"{rel}: alternates without a translation: {found}"
        for other, url in found.items():
            target = file_of(out, url)
            assert target.is_file(), f"{rel}: alternate {other} {url} is not in the output"
            back_doc = parse(target)
            assert back_doc.get("lang") == other, f"{rel}: {url} is not in {other}"
            back = alternates(back_doc)
            assert back.get(lang) == own, f"{url} does not link back to {own} for {lang}: {back}"
            assert back.get("x-default") == fallback, url
    return linked


def test_hreflang_alternates_are_reciprocal(site: Path) -> None:
    assert check_reciprocal(site, "ko", DEFAULT) >= 10


def test_korean_at_the_root_as_the_default_language(tmp_path: Path) -> None:
    """default_language: ko serves Korean at the root and English under en/."""
    root = fresh_bilingual(tmp_path)
    config = root / "site.yaml"
    text = config.read_text(encoding="utf-8")
    text = text.replace('path: ""}', "path: en}").replace("path: ko}", 'path: ""}')
    config.write_text(text + "default_language: ko\n", encoding="utf-8")
    # A file without a suffix is now Korean: English files get .en, Korean ones lose .ko.
    for kind in ("articles", "briefings", "pages"):
        files = sorted((root / "content" / kind).glob("*.md"))
        for path in [p for p in files if not p.name.endswith(".ko.md")]:
            path.rename(path.with_name(path.name.removesuffix(".md") + ".en.md"))
        for path in [p for p in files if p.name.endswith(".ko.md")]:
            path.rename(path.with_name(path.name.removesuffix(".ko.md") + ".md"))
    result = build(root)
    assert result.exit_code == 0, result.output
    out = root / "public"
    assert (out / "articles/협의-공방/index.html").is_file()
    assert (out / "en/articles/denial/index.html").is_file()
    assert parse(out / "index.html").get("lang") == "ko"
    assert parse(out / "en/index.html").get("lang") == "en"
    assert check_reciprocal(out, "en", "ko") >= 10
    assert alternates(parse(out / "en/articles/talks/index.html")) == {
        "en": BASE + "en/articles/talks/", "ko": BASE + "articles/talks/",
        "x-default": BASE + "articles/talks/"}
    assert switcher(parse(out / "en/articles/denial/index.html")) == {"ko": "/desk/"}
    assert validate_html(out) == []


def test_untranslated_pages_have_no_alternates(site: Path) -> None:
    assert alternates(parse(site / "articles/denial/index.html")) == {}
    assert alternates(parse(site / "ko/articles/협의-공방/index.html")) == {}
    assert alternates(parse(site / "articles/talks/index.html")) == {
        "en": BASE + "articles/talks/", "ko": BASE + "ko/articles/talks/",
        "x-default": BASE + "articles/talks/"}


def test_json_ld_and_dates_are_in_the_page_language(site: Path) -> None:
    said = 0
    for rel in html_pages(site):
        doc = parse(site / rel)
        for script in doc.xpath("//script[@type='application/ld+json']"):
            data = json.loads(script.text)
            if "inLanguage" in data:
                said += 1
                assert data["inLanguage"] == doc.get("lang"), rel
    assert said >= 4
    ko_dates = [t.text_content() for t in parse(site / "ko/articles/talks/index.html").xpath(
        "//main//time")]
    assert ko_dates and all("2025년 12월" in text for text in ko_dates), ko_dates
    en_dates = [t.text_content() for t in parse(site / "articles/talks/index.html").xpath(
        "//main//time")]
    assert en_dates and all("December" in text or "Dec" in text for text in en_dates), en_dates


def test_entity_pages_use_each_language_s_name(site: Path) -> None:
    assert parse(site / "entities/russia/index.html").xpath("//h1")[0].text_content() == "Russia"
    assert parse(site / "ko/entities/russia/index.html").xpath("//h1")[0].text_content() == "러시아"


# --- the language switcher ----------------------------------------------------------


def switcher(doc: Any) -> dict[str, str]:
    """The header's language switcher: language → link (the current language has none)."""
    navs = doc.xpath("//header//nav[contains(concat(' ', @class, ' '), ' languages ')]")
    assert len(navs) == 1, "no single nav.languages in the header"
    current = navs[0].xpath(".//*[@aria-current]")
    assert [c.get("lang") for c in current] == [doc.get("lang")]
    return {a.get("hreflang"): a.get("href") for a in navs[0].xpath(".//a[@hreflang]")}


def test_switcher_goes_to_the_translation(site: Path) -> None:
    assert switcher(parse(site / "articles/talks/index.html")) == {"ko": "/desk/ko/articles/talks/"}
    assert switcher(parse(site / "ko/articles/talks/index.html")) == {"en": "/desk/articles/talks/"}


def test_switcher_goes_to_the_front_page_without_a_translation(site: Path) -> None:
    assert switcher(parse(site / "articles/denial/index.html")) == {"ko": "/desk/ko/"}
    assert switcher(parse(site / "ko/articles/협의-공방/index.html")) == {"en": "/desk/"}


def test_switcher_agrees_with_hreflang_on_every_page(site: Path) -> None:
    for rel in html_pages(site):
        doc = parse(site / rel)
        lang = language_of(rel)
        found = alternates(doc)
        other = OTHER[lang]
        expected = urlsplit(found[other]).path if other in found else FRONT[other]
        assert switcher(doc) == {other: expected}, rel


# --- the sitemap ---------------------------------------------------------------------


def test_sitemap_alternates_resolve_and_match_the_pages(site: Path) -> None:
    tree = lxml.etree.parse(str(site / "sitemap.xml"))  # raises on XML that is not well formed
    root = tree.getroot()
    assert root.tag == f"{{{SITEMAP_NS}}}urlset"
    assert root.nsmap.get("xhtml") == XHTML_NS
    entries = {}
    for url in root.findall(f"{{{SITEMAP_NS}}}url"):
        loc = url.findtext(f"{{{SITEMAP_NS}}}loc")
        assert loc not in entries, f"{loc} twice"
        entries[loc] = {link.get("hreflang"): link.get("href")
                        for link in url.findall(f"{{{XHTML_NS}}}link")}
        for link in url.findall(f"{{{XHTML_NS}}}link"):
            assert link.get("rel") == "alternate"
    assert BASE + "ko/" in entries and DISPUTE_URL in entries
    assert sum(1 for found in entries.values() if found) >= 10
    for loc, found in entries.items():
        page = file_of(site, loc)
        assert page.is_file(), f"sitemap lists {loc}, which is not in the output"
        head = alternates(parse(page))
        head.pop("x-default", None)
        assert found == head, f"{loc}: sitemap alternates {found} differ from the page's {head}"
        for href in found.values():
            assert file_of(site, href).is_file(), f"{loc}: alternate {href} is not in the output"
            assert href in entries, f"{loc}: alternate {href} is not in the sitemap"
            assert entries[href] == found, f"{href} lists other alternates than {loc}"


# --- feeds ---------------------------------------------------------------------------


def feed_entries(path: Path) -> tuple[str, list[tuple[str, str]]]:
    """A feed's language and its entries' (title, link), for RSS, Atom and JSON Feed."""
    if path.suffix == ".json":
        data = json.loads(path.read_text(encoding="utf-8"))
        assert data["version"] == "https://jsonfeed.org/version/1.1"
        return data.get("language", ""), [(i["title"], i["url"]) for i in data["items"]]
    parsed = feedparser.parse(str(path))
    assert not parsed.bozo, f"{path}: {parsed.get('bozo_exception')}"
    return parsed.feed.get("language", ""), [(e.title, e.link) for e in parsed.entries]


@pytest.mark.parametrize(("folder", "lang", "present", "absent"), [
    pytest.param("", "en", {TALKS_EN, DENIAL_EN}, {TALKS_KO, DISPUTE_KO}, id="en"),
    pytest.param("ko/", "ko", {TALKS_KO, DISPUTE_KO}, {TALKS_EN, DENIAL_EN}, id="ko"),
])
@pytest.mark.parametrize("name", ["feed.xml", "atom.xml", "feed.json"])
def test_site_feeds_hold_their_language_only(site: Path, folder: str, lang: str, name: str,
                                             present: set[str], absent: set[str]) -> None:
    language, entries = feed_entries(site / folder / name)
    assert language == lang
    titles = {title for title, _ in entries}
    assert titles == present
    assert not titles & absent
    for _, link in entries:
        assert file_of(site, link).is_file(), link
        assert language_of(unquote(link.removeprefix(BASE))) == lang, link


def test_every_feed_stays_in_its_language(site: Path) -> None:
    feeds = sorted(p for p in site.rglob("*") if p.name in ("feed.xml", "atom.xml", "feed.json"))
    assert sum(1 for p in feeds if "ko" in p.relative_to(site).parts) >= 9
    for path in feeds:
        lang = language_of(path.relative_to(site).as_posix())
        language, entries = feed_entries(path)
        assert language == lang, path
        for _, link in entries:
            assert language_of(unquote(link.removeprefix(BASE))) == lang, f"{path}: {link}"


# --- errors --------------------------------------------------------------------------

ARTICLE = "---\ntitle: {title}\ndate: 2025-12-20\n{extra}---\nBody.\n"


def article(title: str, extra: str = "") -> str:
    return ARTICLE.format(title=title, extra=extra)


def broken_build(root: Path) -> list[str]:
    """Build a site expected to fail; check that nothing was written; return its errors."""
    result = build(root)
    lines = error_lines(result)
    assert not (root / "public").exists(), "a failed build wrote output"
    return lines


def test_content_mistakes_are_reported_together(tmp_path: Path) -> None:
    root = fresh_bilingual(tmp_path)
    write_files(root / "content/articles", {
        "talks.fr.md": article("Un envoyé à Moscou"),
        "lone.md": article("Lone", "lang: fr\n"),
        "clash.ko.md": article("Clash", "lang: en\n"),
        "orphan.md": article("Orphan", "translation_key: nowhere\n"),
        "x-en.md": article("X in English", "translation_key: x\n"),
        "a.ko.md": article("A", "translation_key: x\n"),
        "b.ko.md": article("B", "translation_key: x\n"),
    })
    lines = broken_build(root)
    text = "\n".join(lines)
    expected = [
        ("content/articles/talks.fr.md", None, "'.fr' is not one of the site's languages"),
        ("content/articles/lone.md", 4, "'lang': fr is not one of the site's languages"),
        ("content/articles/clash.ko.md", 4, "'lang' says en but the file name says ko"),
        ("content/articles/orphan.md", 4, "no other file has translation_key 'nowhere'"),
        ("content/articles/b.ko.md", 4, "is a second ko version of content/articles/a.ko.md"),
    ]
    for path, line, message in expected:
        where = f"{path}:{line}: " if line else f"{path}"
        hits = [entry for entry in lines if where in entry and message in entry]
        assert len(hits) == 1, f"no single error at {where} saying {message!r} in:\n{text}"
    assert len(lines) == len(expected), text
    assert "add fr to languages: in site.yaml" in text
    assert "keep one" in text and "give its translation the same key" in text


def test_two_files_in_one_language_on_one_path_are_an_error(tmp_path: Path) -> None:
    """talks.md says lang: ko, so it and talks.ko.md both claim the Korean talks."""
    root = fresh_bilingual(tmp_path)
    talks = root / "content/articles/talks.md"
    talks.write_text(talks.read_text(encoding="utf-8").replace(
        "tags: [diplomacy]\n", "tags: [diplomacy]\nlang: ko\n"), encoding="utf-8")
    lines = broken_build(root)
    assert len(lines) == 1, lines
    first, second = sorted(["content/articles/talks.md", "content/articles/talks.ko.md"])
    assert (second in lines[0] and f"is a second ko version of {first}" in lines[0]) or (
        first in lines[0] and f"is a second ko version of {second}" in lines[0]), lines


@pytest.mark.parametrize(("languages", "message"), [
    pytest.param('languages:\n  en: {path: ""}\n  ko: {path: ko}\n  ja: {path: ko}\n',
                 "'ja' and 'ko' both have the path 'ko'", id="duplicate-path"),
    pytest.param('languages:\n  en: {path: ""}\n  "not a code!": {path: x}\n',
                 "'not a code!' is not a language tag", id="bad-code"),
    pytest.param('languages:\n  en: {path: ""}\n  ko: {path: ko}\ndefault_language: ja\n',
                 "default_language 'ja' is not one of languages: en, ko", id="default-unknown"),
    pytest.param('languages:\n  en: {path: ""}\n  ko: {path: "Korean/Site"}\n',
                 "path 'Korean/Site' must be one folder name", id="bad-path"),
    pytest.param('languages:\n  en: {path: ""}\n  ko: {path: static}\n',
                 "path 'static' must be one folder name", id="reserved-path"),
])
def test_bad_languages_in_site_yaml(tmp_path: Path, languages: str, message: str) -> None:
    root = fresh_bilingual(tmp_path)
    head = 'title: "Seoul Desk"\nbase_url: "https://example.org/desk/"\n'
    (root / "site.yaml").write_text(head + languages + "timezone: Mars/Olympus\n",
                                    encoding="utf-8")
    lines = broken_build(root)
    assert any(entry.startswith("error: site.yaml:3: 'languages': ") and message in entry
               for entry in lines), lines
    # Another mistake in site.yaml is reported in the same run.
    assert any("timezone" in entry for entry in lines), lines


# --- incremental builds equal fresh ones --------------------------------------------


def fresh(root: Path, tmp_path: Path, name: str) -> dict[str, str]:
    out = tmp_path / name
    result = build(root, "--no-cache", "--output", str(out))
    assert result.exit_code == 0, result.output
    return tree_digest(out)


def test_incremental_builds_equal_fresh_builds(tmp_path: Path) -> None:
    root = fresh_bilingual(tmp_path)
    out = root / "public"
    assert build(root).exit_code == 0
    assert tree_digest(out) == fresh(root, tmp_path, "f0")

    talks_ko = root / "content/articles/talks.ko.md"
    talks_ko.write_text(talks_ko.read_text(encoding="utf-8").replace(
        TALKS_KO, "외교부 당국자, 러시아 특사와 두 번째 면담"), encoding="utf-8")
    assert build(root).exit_code == 0
    assert tree_digest(out) == fresh(root, tmp_path, "f1")
    assert "두 번째 면담" in (out / "ko/feed.xml").read_text(encoding="utf-8")

    write_files(root / "content/articles", {"ferry.md": article(
        "Ferry line to Vladivostok resumes", "briefings: [korea-russia]\n")})
    assert build(root).exit_code == 0
    assert tree_digest(out) == fresh(root, tmp_path, "f2")
    assert (out / "articles/ferry/index.html").is_file()
    assert not (out / "ko/articles/ferry").exists()

    denial = root / "content/articles/denial.md"
    denial.rename(denial.with_name("denial.ko.md"))  # moved to the Korean site
    assert build(root).exit_code == 0
    assert tree_digest(out) == fresh(root, tmp_path, "f3")
    assert (out / "ko/articles/denial/index.html").is_file()
    assert not (out / "articles/denial").exists()
    assert DENIAL_EN in (out / "ko/feed.xml").read_text(encoding="utf-8")
    assert DENIAL_EN not in (out / "feed.xml").read_text(encoding="utf-8")

    talks_ko.unlink()
    assert build(root).exit_code == 0
    assert tree_digest(out) == fresh(root, tmp_path, "f4")
    assert not (out / "ko/articles/talks").exists()
    talks = parse(out / "articles/talks/index.html")
    assert alternates(talks) == {}
    assert switcher(talks) == {"ko": "/desk/ko/"}
    assert "ko/articles/talks/" not in (out / "sitemap.xml").read_text(encoding="utf-8")


def test_moving_a_language_to_another_path_rebuilds_like_fresh(tmp_path: Path) -> None:
    root = fresh_bilingual(tmp_path)
    out = root / "public"
    assert build(root).exit_code == 0
    config = root / "site.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("path: ko}", "path: kr}"),
                      encoding="utf-8")
    assert build(root).exit_code == 0
    assert tree_digest(out) == fresh(root, tmp_path, "f")
    assert not (out / "ko").exists()
    assert switcher(parse(out / "articles/talks/index.html")) == {"ko": "/desk/kr/articles/talks/"}
    assert (out / "kr/pagefind/shards.json").is_file()


# --- a site in one language keeps its slugs ------------------------------------------


def test_a_site_without_languages_reads_no_suffix(tmp_path: Path) -> None:
    root = tmp_path / "site"
    write_files(root, {
        "site.yaml": 'title: "One language"\nbase_url: "https://example.org/"\n',
        "content/articles/talks.ko.md": article("Talks"),
        "content/articles/talks.md": article("Talks in English"),
    })
    result = build(root)
    assert result.exit_code == 0, result.output
    out = root / "public"
    assert (out / "articles/talks.ko/index.html").is_file()
    assert (out / "articles/talks/index.html").is_file()
    assert not (out / "ko").exists()
    doc = parse(out / "articles/talks.ko/index.html")
    assert doc.get("lang") == "en"
    assert alternates(doc) == {}
    assert not doc.xpath("//nav[contains(@class, 'languages')]")
    assert "xhtml:link" not in (out / "sitemap.xml").read_text(encoding="utf-8")


# --- in a browser, under /desk/ -------------------------------------------------------
# These come last: Playwright's sync API keeps an event loop in this process, so the
# site is built in a child process and no build runs in-process after them.

PREFIX = "/desk/"




@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("served") / "site"
    shutil.copytree(SITES / "bilingual", root)
    build_apart(root)
    with serve_folder(root / "public", PREFIX) as url:
        yield url


def visit(browser: Any, url: str, act: Callable[[Any], None]) -> None:
    page = browser.new_page()
    try:
        page.goto(url)
        act(page)
    finally:
        page.close()


@pytest.mark.parametrize(("start", "target"), [
    pytest.param("articles/talks/", "/desk/ko/articles/talks/", id="translated"),
    pytest.param("articles/denial/", "/desk/ko/", id="untranslated"),
])
def test_clicking_the_switcher_opens_the_korean_page(browser: Any, served: str, start: str,
                                                     target: str) -> None:
    def act(page: Any) -> None:
        assert page.locator("html").get_attribute("lang") == "en"
        with page.expect_navigation():
            page.locator("nav.languages").get_by_role("link", name="한국어").click()
        assert urlsplit(page.url).path == target
        assert page.locator("html").get_attribute("lang") == "ko"

    visit(browser, served + start, act)


def results(browser: Any, url: str, query: str) -> list[tuple[str, str]]:
    """Search in the page; return each result link's (URL path, text)."""
    found: list[tuple[str, str]] = []

    def act(page: Any) -> None:
        page.wait_for_function(
            "document.getElementById('search-status').textContent !== ''", timeout=15_000)
        links = page.locator(".search-result-link").evaluate_all(
            "links => links.map(a => [a.href, a.textContent])")
        found.extend((unquote(urlsplit(href).path), text.strip()) for href, text in links)

    visit(browser, f"{url}search/?q={quote(query)}", act)
    return sorted(found)


def assert_served(url: str, found: list[tuple[str, str]]) -> None:
    """Each result opens its article: the link is a page of the site with that title."""
    origin = url[: url.index(PREFIX)]
    for path, title in found:
        with urllib.request.urlopen(origin + quote(path), timeout=10) as response:
            assert response.status == 200
            page = lxml.html.fromstring(response.read())
        assert [h.text_content() for h in page.xpath("//h1")] == [title], path


def test_korean_search_finds_the_korean_only_article(browser: Any, served: str) -> None:
    found = results(browser, served + "ko/", "공방")
    assert found == [("/desk/ko/articles/협의-공방/", DISPUTE_KO)]
    assert_served(served, found)


def test_korean_search_stays_in_korean(browser: Any, served: str) -> None:
    found = results(browser, served + "ko/", "러시아")
    assert sorted(title for _, title in found) == sorted([DISPUTE_KO, TALKS_KO])
    assert all(path.startswith("/desk/ko/articles/") for path, _ in found), found
    assert not any(path.startswith("/desk/ko/ko/") for path, _ in found), found
    assert_served(served, found)


def test_english_search_stays_in_english(browser: Any, served: str) -> None:
    assert results(browser, served, "공방") == []
    found = results(browser, served, "Moscow")
    assert ("/desk/articles/talks/", TALKS_EN) in found
    assert ("/desk/articles/denial/", DENIAL_EN) in found
    assert not any(path.startswith("/desk/ko/") for path, _ in found), found
    assert_served(served, found)


# --- untranslated articles in the other language's lists, when asked for ---------------


def test_show_untranslated_lists_them_marked_with_a_canonical_original(tmp_path: Path) -> None:
    root = fresh_bilingual(tmp_path)
    with (root / "site.yaml").open("a", encoding="utf-8") as handle:
        handle.write("show_untranslated: true\n")
    assert build(root).exit_code == 0
    out = root / "public"
    # The English-only article in the Korean lists, marked as English; and the other way.
    briefing = parse(out / "ko/briefings/korea-russia/index.html")
    [link] = [a for a in briefing.xpath("//a[@lang='en']") if a.text_content() == DENIAL_EN]
    assert link.get("href") == "/desk/ko/articles/denial/"
    assert link.getnext() is not None and link.getnext().text_content() == "English"
    english = parse(out / "briefings/korea-russia/index.html")
    assert DISPUTE_KO in [a.text_content() for a in english.xpath("//main//a[@lang='ko']")]
    # The copy names the original as canonical and claims no translation.
    copy = parse(out / "ko/articles/denial/index.html")
    assert copy.xpath("//link[@rel='canonical']/@href") == [BASE + "articles/denial/"]
    assert alternates(copy) == {}
    assert copy.xpath("//article[@lang='en']")  # its text is English on a Korean page
    assert "ko/articles/denial/" not in (out / "sitemap.xml").read_text(encoding="utf-8")
    assert alternates(parse(out / "articles/denial/index.html")) == {}
    # Translated articles are not copied: each language lists its own version.
    assert not (out / "articles/talks.ko").exists()
    assert [a for a in english.xpath("//a") if a.text_content() == TALKS_KO] == []
    assert validate_html(out / "ko/articles/denial/index.html",
                         out / "ko/briefings/korea-russia/index.html",
                         out / "briefings/korea-russia/index.html") == []
