"""Entity pages (issue 15) in the default theme, checked through their links: the index by
type, each entity's names, profile, articles and feeds, an article's people and
organizations, JSON-LD, the Nu checker, and the search page's entity filter."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import feedparser
import lxml.html
import pytest
import yaml

from tests.conftest import REPO, build_apart, serve_folder, validate_html, write_files

BASE = "https://example.org/"
THEME = REPO / "themes" / "default"


def article(title: str, date: str, body: str, briefing: str = "korea-russia",
            extra: str = "") -> str:
    """Return an article file (dated 2025-03-DD at 09:00 in Seoul)."""
    return (f"---\ntitle: {title}\ndate: 2025-03-{date}T09:00:00+09:00\n"
            f"briefings: [{briefing}]\n{extra}---\n{body}\n")


def entity(front: str, body: str = "") -> str:
    """Return an entity file."""
    return f"---\n{textwrap.dedent(front).strip()}\n---\n{body}\n"


ENTITIES = {
    "content/entities/maria-zakharova.md": entity("""
        name: {en: Maria Zakharova, ko: 마리야 자하로바, ru: Мария Захарова}
        type: person
        aliases: {en: [Zakharova], ko: [자하로바], ru: [Захарова]}
        wikidata: Q4191634
        description: Spokeswoman of Russia's Foreign Ministry
        member_of: russian-foreign-ministry
        """, "She has spoken for the **ministry** since 2015."),
    "content/entities/russian-foreign-ministry.md": entity("""
        name: {en: Russian Foreign Ministry, ru: МИД России}
        type: organization
        aliases: {en: [Russia's Foreign Ministry]}
        wikidata: Q1056557
        """),
    "content/entities/russia.md": entity("name: Russia\ntype: country\nwikidata: Q159"),
    "content/entities/tass.md": entity(
        "name: TASS\ntype: organization\ndescription: Russian state news agency"),
    # Only a Korean name: shown in Korean, marked as such, on this English site.
    "content/entities/seoul-foreign-ministry.md": entity(
        "name: {ko: 외교부}\ntype: organization"),
    # Named by no article: its page says so, and it has no briefing.
    "content/entities/moscow-summit.md": entity("name: Moscow summit\ntype: event"),
}

SITE = {
    "site.yaml": f"""\
        title: Entity Desk
        base_url: {BASE}
        language: en
        timezone: Asia/Seoul
        search: true
        paginate: 2
        digests:
          enabled: false
        """,
    "content/briefings/korea-russia.md": "---\ntitle: Korea and Russia\n---\nTies.\n",
    "content/briefings/diplomacy.md": "---\ntitle: Diplomacy\n---\nTalks.\n",
    **ENTITIES,
    "content/articles/moscow-denies-talks.md": article(
        "Moscow denies talks", "01",
        "Maria Zakharova said Russia's Foreign Ministry held no consultations with Seoul.",
        extra="about: [maria-zakharova]\n"),
    "content/articles/spokeswoman-korean.md": article(
        "자하로바 대변인 발언", "02", "자하로바는 협의가 없었다고 말했다."),
    "content/articles/tass-report.md": article(
        "Agency report", "03", "TASS quoted Maria Zakharova on the talks."),
    "content/articles/denial-repeated.md": article(
        "Denial repeated", "04", "Maria Zakharova repeated the denial."),
    "content/articles/seoul-statement.md": article(
        "Seoul statement", "05", "A statement on the talks came out in the evening.",
        briefing="diplomacy", extra="about: [seoul-foreign-ministry]\n"),
    "content/articles/ferry-fares.md": article(
        "Ferry fares", "06", "Ferry fares rise, whatever the talks decide.",
        briefing="diplomacy"),
}

ZAKHAROVA = "entities/maria-zakharova/"
MINISTRY = "entities/russian-foreign-ministry/"
A = {slug: f"articles/{slug}/" for slug in (
    "moscow-denies-talks", "spokeswoman-korean", "tass-report", "denial-repeated",
    "seoul-statement", "ferry-fares")}




def built(tmp_path_factory: pytest.TempPathFactory, name: str, files: dict[str, str]) -> Path:
    """Write a site and build it; return its output folder."""
    root = tmp_path_factory.mktemp(name) / "site"
    data: dict[str, str | bytes] = {**files}
    write_files(root, data)
    build_apart(root)
    return root / "public"


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return built(tmp_path_factory, "entities", SITE)


@pytest.fixture(scope="module")
def out_ko(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Korean site: Korean UI strings, and a name with no Korean form marked English."""
    return built(tmp_path_factory, "entities-ko", {
        "site.yaml": SITE["site.yaml"].replace("language: en", "language: ko"),
        "content/briefings/korea-russia.md": SITE["content/briefings/korea-russia.md"],
        "content/entities/maria-zakharova.md": ENTITIES["content/entities/maria-zakharova.md"],
        "content/entities/russian-foreign-ministry.md":
            ENTITIES["content/entities/russian-foreign-ministry.md"],
        "content/articles/korean.md": article(
            "자하로바 대변인 발언", "02",
            "자하로바는 러시아 외무부(Russia's Foreign Ministry) 입장을 전했다.",
            extra="about: [maria-zakharova]\n"),
    })


@pytest.fixture(scope="module")
def out_plain(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same site without entities."""
    return built(tmp_path_factory, "plain", {
        k: v for k, v in SITE.items()
        if not k.startswith("content/entities/") and "about:" not in v})


def page(out: Path, path: str) -> Any:
    """Parse the page at a site path."""
    return lxml.html.fromstring((out / path / "index.html").read_bytes())


def links(node: Any, xpath: str = ".//a") -> list[str]:
    """Return the site paths that the links under a node point at, in order."""
    return [a.get("href").removeprefix("/") for a in node.xpath(xpath)]


def section(doc: Any, css_class: str) -> Any:
    """Return the section of a class, or None."""
    found = doc.xpath(f"//section[contains(concat(' ', @class, ' '), ' {css_class} ')]")
    return found[0] if found else None


def entry_links(node: Any) -> list[str]:
    """The article links of a list of entries (each entry's title)."""
    return [] if node is None else links(node, ".//*[@class='entry-title']/a")


def jsonld(doc: Any) -> dict[str, Any]:
    (script,) = doc.xpath("//script[@type='application/ld+json']")
    data: dict[str, Any] = json.loads(script.text)
    return data


def resolves(out: Path, path: str) -> bool:
    return (out / path / "index.html").is_file()


# --- the index --------------------------------------------------------------------------

def test_the_index_groups_entities_by_type_in_order_and_links_each_page(out: Path) -> None:
    doc = page(out, "entities/")
    groups = doc.xpath("//section[@class='entity-group']")
    assert [g.get("aria-labelledby") for g in groups] == [
        "type-person", "type-organization", "type-country", "type-event"]
    listed = {g.get("aria-labelledby"): links(g, ".//li/a") for g in groups}
    assert listed == {
        "type-person": [ZAKHAROVA],
        # By name: Russian…, TASS, then the Korean-only 외교부.
        "type-organization": [MINISTRY, "entities/tass/", "entities/seoul-foreign-ministry/"],
        "type-country": ["entities/russia/"],
        "type-event": ["entities/moscow-summit/"],
    }
    for group in groups:
        (count,) = group.xpath("./h2/span[@class='count']/text()")
        assert int(count) == len(listed[group.get("aria-labelledby")])
    assert all(resolves(out, p) for paths in listed.values() for p in paths)


def test_every_page_links_the_index_in_its_header_only_when_there_are_entities(
        out: Path, out_plain: Path) -> None:
    for path in ("", "articles/", A["ferry-fares"], ZAKHAROVA, "search/"):
        assert "entities/" in links(page(out, path), "//header[@class='masthead']//a"), path
    assert "entities/" not in links(page(out_plain, ""), "//header[@class='masthead']//a")
    assert not (out_plain / "entities").exists()
    plain_article = (out_plain / A["ferry-fares"] / "index.html").read_text(encoding="utf-8")
    assert 'data-pagefind-meta="entities"' not in plain_article
    assert "in-story" not in plain_article
    assert not page(out_plain, "search/").xpath("//select[@id='search-entity']")


# --- an entity's page -------------------------------------------------------------------

def test_the_entity_page_lists_articles_about_it_then_those_that_mention_it(out: Path) -> None:
    first, second = page(out, ZAKHAROVA), page(out, ZAKHAROVA + "page/2/")
    assert entry_links(section(first, "entity-about")) == [A["moscow-denies-talks"]]
    # Newest first, two a page; the article about her is not listed again as a mention.
    assert entry_links(section(first, "entity-mentioned")) == [A["denial-repeated"],
                                                              A["tass-report"]]
    assert section(second, "entity-about") is None
    assert entry_links(section(second, "entity-mentioned")) == [A["spokeswoman-korean"]]
    assert links(first, "//nav[@class='pager']/a[@rel='next']") == [ZAKHAROVA + "page/2/"]
    assert links(second, "//nav[@class='pager']/a[@rel='prev']") == [ZAKHAROVA]
    (about_count,) = section(first, "entity-about").xpath("./h2/span[@class='count']/text()")
    (mention_count,) = section(first, "entity-mentioned").xpath(
        "./h2/span[@class='count']/text()")
    assert (int(about_count), int(mention_count)) == (1, 3)


def test_the_entity_page_shows_its_names_profile_wikidata_and_relations(out: Path) -> None:
    doc = page(out, ZAKHAROVA)
    names = [(s.get("lang"), s.text)
             for s in doc.xpath("//ul[@class='entity-names']/li/span[@lang]")]
    assert names == [("en", "Maria Zakharova"), ("ko", "마리야 자하로바"), ("ru", "Мария Захарова")]
    assert doc.xpath("//section[contains(@class, 'profile')]//strong/text()") == ["ministry"]
    assert doc.xpath("//a[@class='wikidata']/@href") == [
        "https://www.wikidata.org/wiki/Q4191634"]
    assert links(doc, "//header[@class='page-head']//a[@rel='up']") == [MINISTRY]
    assert links(page(out, MINISTRY), "//section[@aria-labelledby='members-heading']//li/a") \
        == [ZAKHAROVA]
    assert links(doc, "//section[@aria-labelledby='appears-heading']//a") == [
        "briefings/korea-russia/"]


def test_an_entity_no_article_names_has_an_empty_page(out: Path) -> None:
    doc = page(out, "entities/moscow-summit/")
    assert section(doc, "entity-about") is None and section(doc, "entity-mentioned") is None
    assert not doc.xpath("//section[@aria-labelledby='appears-heading']")
    assert not doc.xpath("//nav[@class='pager']")


def test_the_entity_feeds_parse_and_carry_its_articles(out: Path) -> None:
    doc = page(out, ZAKHAROVA)
    follow = doc.xpath("//header[@class='page-head']/p[@class='meta']/a[contains(@href, "
                       "'/entities/maria-zakharova/')]/@href")
    assert sorted(urlsplit(u).path for u in follow) == [
        f"/{ZAKHAROVA}atom.xml", f"/{ZAKHAROVA}feed.json", f"/{ZAKHAROVA}feed.xml"]
    # The same feeds are announced in the head, for feed readers.
    assert set(follow) <= set(doc.xpath("//link[@rel='alternate']/@href"))
    expected = {BASE + p for p in (A["moscow-denies-talks"], A["spokeswoman-korean"],
                                   A["tass-report"], A["denial-repeated"])}
    for name in ("feed.xml", "atom.xml"):
        feed = feedparser.parse(str(out / ZAKHAROVA / name))
        assert not feed.bozo, (name, feed.bozo_exception)
        assert {e.link for e in feed.entries} == expected, name
    items = json.loads((out / ZAKHAROVA / "feed.json").read_text(encoding="utf-8"))["items"]
    assert {i["url"] for i in items} == expected


# --- an article's entities --------------------------------------------------------------

def test_the_article_links_its_people_and_organizations_about_first(out: Path) -> None:
    doc = page(out, A["moscow-denies-talks"])
    (story,) = doc.xpath("//aside[@class='in-story']")
    listed = links(story, ".//li/a")
    # Her first (the article is about her), then the ministry it mentions; Russia, a
    # country, is left to the JSON-LD.
    assert listed == [ZAKHAROVA, MINISTRY]
    assert story.xpath(".//li[@class='about']/a/@href") == ["/" + ZAKHAROVA]
    assert all(resolves(out, p) for p in listed)
    korean = page(out, A["seoul-statement"])
    assert [(s.get("lang"), s.text) for s in korean.xpath(
        "//aside[@class='in-story']//li/a/span")] == [("ko", "외교부")]
    assert not page(out, A["ferry-fares"]).xpath("//aside[@class='in-story']")


def test_the_entity_pages_list_the_article_that_links_them(out: Path) -> None:
    """Every link of an article's "In this story" is answered by the entity's page."""
    for slug, path in A.items():
        for target in links(page(out, path), "//aside[@class='in-story']//li/a"):
            pages = [target] + [f"{target}page/{n}/" for n in range(2, 5)]
            listed = [p for t in pages if resolves(out, t)
                      for p in entry_links(section(page(out, t), "entity-about"))
                      + entry_links(section(page(out, t), "entity-mentioned"))]
            assert path in listed, (slug, target)


# --- JSON-LD ----------------------------------------------------------------------------

def test_the_entity_json_ld_names_it_in_every_language(out: Path) -> None:
    data = jsonld(page(out, ZAKHAROVA))
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Person"
    assert data["name"] == "Maria Zakharova"
    assert data["url"] == BASE + ZAKHAROVA
    assert data["sameAs"] == "https://www.wikidata.org/wiki/Q4191634"
    assert data["description"] == "Spokeswoman of Russia's Foreign Ministry"
    alternates = {(a["@language"], a["@value"]) for a in data["alternateName"]}
    assert {("ko", "마리야 자하로바"), ("ru", "Мария Захарова"), ("ko", "자하로바"),
            ("ru", "Захарова"), ("en", "Zakharova")} == alternates
    assert data["memberOf"] == {"@type": "Organization", "name": "Russian Foreign Ministry",
                                "url": BASE + MINISTRY}
    ministry = jsonld(page(out, MINISTRY))
    assert ministry["@type"] == "Organization"
    assert [m["url"] for m in ministry["member"]] == [BASE + ZAKHAROVA]
    assert jsonld(page(out, "entities/russia/"))["@type"] == "Country"
    assert jsonld(page(out, "entities/moscow-summit/"))["@type"] == "Event"
    assert "sameAs" not in jsonld(page(out, "entities/tass/"))


def test_the_news_article_json_ld_has_typed_about_and_mentions(out: Path) -> None:
    data = jsonld(page(out, A["moscow-denies-talks"]))
    assert data["@type"] == "NewsArticle"
    assert data["about"] == [{"@type": "Person", "name": "Maria Zakharova",
                              "url": BASE + ZAKHAROVA,
                              "sameAs": "https://www.wikidata.org/wiki/Q4191634",
                              "alternateName": [
                                  {"@value": "마리야 자하로바", "@language": "ko"},
                                  {"@value": "Мария Захарова", "@language": "ru"}]}]
    mentions = {m["url"]: m for m in data["mentions"]}
    assert mentions[BASE + MINISTRY]["@type"] == "Organization"
    assert mentions[BASE + MINISTRY]["sameAs"] == "https://www.wikidata.org/wiki/Q1056557"
    assert BASE + ZAKHAROVA not in mentions  # about her, not only mentioning her
    for ref in data["mentions"]:
        assert {"@type", "name", "url"} <= set(ref) and ref["url"].startswith(BASE)
    tass = jsonld(page(out, A["tass-report"]))
    assert "about" not in tass
    assert {m["url"] for m in tass["mentions"]} >= {BASE + "entities/tass/", BASE + ZAKHAROVA}
    # TASS has no Wikidata item: no sameAs, rather than an empty one.
    assert "sameAs" not in next(m for m in tass["mentions"] if m["url"].endswith("/tass/"))
    plain = jsonld(page(out, A["ferry-fares"]))
    assert "about" not in plain and "mentions" not in plain


# --- Korean -----------------------------------------------------------------------------

def test_a_korean_site_labels_entities_in_korean(out_ko: Path) -> None:
    ko = yaml.safe_load((THEME / "i18n" / "ko.yaml").read_text(encoding="utf-8"))
    index = page(out_ko, "entities/")
    assert index.xpath("//h1/text()") == [ko["entities"]]
    assert [h.text.strip() for h in index.xpath("//section[@class='entity-group']/h2")] == [
        ko["types_person"], ko["types_organization"]]
    doc = page(out_ko, "articles/korean/")
    assert doc.xpath("//aside[@class='in-story']/h2/text()") == [ko["in_this_story"]]
    # The Korean name first on a Korean site, unmarked; the ministry's English name marked.
    assert [(s.get("lang"), s.text) for s in doc.xpath(
        "//aside[@class='in-story']//li/a/span")] == [("en", "Russian Foreign Ministry")]
    assert doc.xpath("//aside[@class='in-story']//li[@class='about']/a/text()") == [
        "마리야 자하로바"]
    assert page(out_ko, ZAKHAROVA).xpath("//p[@class='kicker']/text()") == [ko["type_person"]]


def test_both_languages_name_every_entity_string() -> None:
    en, ko = (yaml.safe_load((THEME / "i18n" / f"{lang}.yaml").read_text(encoding="utf-8"))
              for lang in ("en", "ko"))
    from generator.model import ENTITY_TYPES

    keys = {f"{prefix}_{kind}" for kind in ENTITY_TYPES for prefix in ("type", "types")} | {
        "entities", "entities_lede", "in_this_story", "about_name", "mentioned_in",
        "appears_in", "member_of", "members", "follow_entity", "names", "wikidata",
        "entity_no_articles", "entity_filter", "all_entities"}
    assert keys - set(en) == set() and keys - set(ko) == set()
    assert "{name}" in ko["about_name"] and "{name}" in ko["follow_entity"]


# --- the Nu checker ---------------------------------------------------------------------

def test_every_page_passes_the_nu_checker(out: Path, out_ko: Path) -> None:
    assert validate_html(out, out_ko) == []


# --- search, in a browser ---------------------------------------------------------------

@pytest.fixture(scope="module")
def served(out: Path) -> Iterator[str]:
    with serve_folder(out) as url:
        yield url


def results(browser: Any, url: str) -> list[str]:
    """Open a search page URL; return the result links' site paths, sorted."""
    tab = browser.new_page()
    try:
        tab.goto(url)
        tab.wait_for_function("document.getElementById('search-status').textContent !== ''",
                              timeout=15_000)
        found: list[str] = tab.locator(".search-result-link").evaluate_all(
            "links => links.map(a => new URL(a.href).pathname)")
        return sorted(p.removeprefix("/") for p in found)
    finally:
        tab.close()


@pytest.mark.parametrize(("entity_slug", "briefing", "expected"), [
    pytest.param("", "", ["ferry-fares", "moscow-denies-talks", "seoul-statement",
                          "tass-report"], id="anyone"),
    pytest.param("maria-zakharova", "", ["moscow-denies-talks", "tass-report"],
                 id="about-or-named"),
    pytest.param("tass", "", ["tass-report"], id="named"),
    pytest.param("seoul-foreign-ministry", "", ["seoul-statement"], id="about-only"),
    pytest.param("moscow-summit", "", [], id="nobody"),
    # The briefing filter still works, alone and with an entity.
    pytest.param("", "diplomacy", ["ferry-fares", "seoul-statement"], id="briefing"),
    pytest.param("tass", "diplomacy", [], id="briefing-and-entity"),
])
def test_search_results_can_be_narrowed_to_an_entity(out: Path, browser: Any, served: str,
                                                      entity_slug: str, briefing: str,
                                                      expected: list[str]) -> None:
    options = page(out, "search/").xpath("//select[@id='search-entity']//option/@value")
    assert entity_slug in options
    found = results(browser, f"{served}search/?q=talks&entity={entity_slug}&briefing={briefing}")
    assert found == sorted(A[slug] for slug in expected)


def test_choosing_an_entity_narrows_the_results_and_the_address(browser: Any,
                                                                served: str) -> None:
    tab = browser.new_page()
    try:
        tab.goto(f"{served}search/?q=talks")
        tab.wait_for_function("document.querySelectorAll('.search-result-link').length === 4",
                              timeout=15_000)
        tab.select_option("#search-entity", "tass")
        tab.wait_for_function("document.querySelectorAll('.search-result-link').length === 1",
                              timeout=15_000)
        assert "entity=tass" in tab.url
        # The filters' slugs are metadata, not text: no excerpt shows them.
        assert "|" not in tab.locator(".search-results .summary").text_content()
        assert tab.locator(".search-result-link").get_attribute("href") == "/" + A["tass-report"]
    finally:
        tab.close()
