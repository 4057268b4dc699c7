"""Claims and positions (issue 15): claim pages, the briefing's and entities' sections and
JSON-LD, checked through their links and parsed data; a draft's positions appear nowhere;
mistakes in claims fail the build naming file and line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import lxml.html

from tests.conftest import build, error_lines, validate_html, write_files

BASE = "https://example.org/"
TALKS = "seoul-moscow-talks"
DISTRUST = "sowing-distrust"


def article(slug: str, day: str, claims: str, extra: str = "",
            briefings: str = "[korea-russia]") -> tuple[str, str]:
    """Return an article file (2025-03-DD, 09:00 in Seoul) recording these claims."""
    return (f"content/articles/{slug}.md",
            f"---\ntitle: {slug.replace('-', ' ').capitalize()}\n"
            f"date: 2025-03-{day}T09:00:00+09:00\nbriefings: {briefings}\n{extra}"
            f"claims:\n{claims}---\nText of {slug}.\n")


SITE = dict([
    ("site.yaml", f"title: Claim Desk\nbase_url: {BASE}\nlanguage: en\n"
                  "timezone: Asia/Seoul\nsearch: false\ndigests:\n  enabled: false\n"),
    ("content/briefings/korea-russia.md", "---\ntitle: Korea and Russia\n---\nTies.\n"),
    ("content/briefings/diplomacy.md", "---\ntitle: Diplomacy\n---\nTalks.\n"),
    ("content/briefings/other.md", "---\ntitle: Other\n---\nElse.\n"),
    ("content/entities/korea-diplomatic-sources.md",
     "---\nname: Seoul diplomatic sources\ntype: organization\n---\n"),
    ("content/entities/maria-zakharova.md",
     "---\nname: {en: Maria Zakharova, ko: 마리야 자하로바}\ntype: person\n"
     "wikidata: Q4191634\n---\n"),
    ("content/entities/russian-foreign-ministry.md",
     "---\nname: Russian Foreign Ministry\ntype: organization\n---\n"),
    article("seoul-report", "01", f"""\
  - id: {TALKS}
    text: "A South Korean official held nuclear talks with Russia's envoy in Moscow"
    by: korea-diplomatic-sources
    stance: asserts
    quote: An official met the envoy
""", extra="source: Yonhap\nsource_url: https://example.com/yonhap/1\n"),
    article("zakharova-denies", "03", f"""\
  - claim: {TALKS}
    by: maria-zakharova
    stance: denies
    quote: Russia does not hold any consultations with the South Korean side
  - id: {DISTRUST}
    text: The reports are an attempt to sow distrust
    by: maria-zakharova
    stance: asserts
    verdict: Unsupported
"""),
    # Dated before Zakharova's article, but the ministry's statement came after it.
    article("ministry-statement", "02", f"""\
  - id: {TALKS}
    by: russian-foreign-ministry
    stance: denies
    date: 2025-03-05T10:00:00
""", briefings="[korea-russia, diplomacy]"),
    article("seoul-confirms", "06", f"""\
  - id: {TALKS}
    by: korea-diplomatic-sources
    stance: confirms
"""),
    ("content/articles/unrelated.md", "---\ntitle: Unrelated\ndate: 2025-03-04\n"
                                      "briefings: [other]\n---\nNothing claimed.\n"),
    # Never published: neither its position nor the claim it defines may show anywhere.
    article("draft-retraction", "07", f"""\
  - id: {TALKS}
    by: korea-diplomatic-sources
    stance: retracts
    quote: DRAFTQUOTE
  - id: secret-claim
    text: SECRETDRAFTCLAIM
    by: maria-zakharova
    stance: asserts
""", extra="draft: true\n"),
])


def built(tmp_path: Path) -> Path:
    """Build the site; return its output folder."""
    site = tmp_path / "site"
    write_files(site, SITE)
    result = build(site)
    assert result.exit_code == 0, result.output
    return site / "public"


def doc(out: Path, path: str) -> Any:
    """Parse one page of the output."""
    return lxml.html.fromstring((out / path / "index.html").read_bytes())


def select(node: Any, selector: str) -> list[Any]:
    """Find nodes by a chain of descendant steps, each ".class" or "tag" (no cssselect here)."""
    found = [node]
    for step in selector.split():
        test = (f"[contains(concat(' ', normalize-space(@class), ' '), ' {step[1:]} ')]"
                if step.startswith(".") else "")
        tag = "*" if step.startswith(".") else step
        found = list(dict.fromkeys(n for f in found for n in f.xpath(f".//{tag}{test}")))
    return found


def hrefs(node: Any, selector: str) -> list[str]:
    """Return the hrefs of the links under the nodes a selector finds, in order."""
    return [a.get("href") for found in select(node, selector) for a in found.iter("a")]


def jsonld(page: Any) -> Any:
    """Return the page's JSON-LD, parsed."""
    [script] = page.xpath('//script[@type="application/ld+json"]')
    return json.loads(script.text)


def art(slug: str) -> str:
    return f"/articles/{slug}/"


def test_claim_pages_briefings_entities_and_json_ld(tmp_path: Path) -> None:
    out = built(tmp_path)
    talks = doc(out, f"claims/{TALKS}")
    # Every listed position, in the order the positions were taken (not the articles' dates).
    links = hrefs(talks, ".positions .position-list .meta")
    assert links == [art("seoul-report"), "https://example.com/yonhap/1",
                     art("zakharova-denies"), art("ministry-statement"), art("seoul-confirms")]
    assert [s.get("data-stance") for s in select(talks, ".positions .stance")] == [
        "asserts", "denies", "denies", "confirms"]
    assert [q.text_content() for q in select(talks, ".positions blockquote")] == [
        "An official met the envoy",
        "Russia does not hold any consultations with the South Korean side"]
    # Where each party stands now: its latest stance only.
    standing = select(talks, ".standing .standings li")
    assert [hrefs(li, "a") for li in standing] == [[f"/entities/{e}/"] for e in (
        "korea-diplomatic-sources", "maria-zakharova", "russian-foreign-ministry")]
    assert [select(li, ".stance")[0].get("data-stance") for li in standing] == [
        "confirms", "denies", "denies"]
    assert [select(li, "time")[0].get("datetime")[:10] for li in standing] == [
        "2025-03-06", "2025-03-03", "2025-03-05"]
    assert select(talks, ".stance")[0].text_content() == "confirms"

    # JSON-LD: the claim, its first asserting entity, the articles it appears in.
    [claim] = jsonld(talks)["@graph"]
    assert claim["@type"] == "Claim"
    assert claim["text"] == ("A South Korean official held nuclear talks with Russia's envoy "
                             "in Moscow")
    assert claim["author"]["@type"] == "Organization"
    assert claim["author"]["url"] == BASE + "entities/korea-diplomatic-sources/"
    urls = [BASE + "articles/" + s + "/" for s in (
        "seoul-report", "zakharova-denies", "ministry-statement", "seoul-confirms")]
    assert [w["url"] for w in claim["appearance"]] == urls
    assert claim["firstAppearance"]["url"] == urls[0]
    # A verdict, and only a verdict, makes a ClaimReview of the claim.
    claim, review = jsonld(doc(out, f"claims/{DISTRUST}"))["@graph"]
    assert claim["author"] == {"@type": "Person", "name": "Maria Zakharova",
                               "url": BASE + "entities/maria-zakharova/",
                               "sameAs": "https://www.wikidata.org/wiki/Q4191634"}
    assert review["@type"] == "ClaimReview"
    assert review["claimReviewed"] == claim["text"]
    assert review["itemReviewed"]["@id"] == claim["@id"]
    assert review["reviewRating"]["alternateName"] == "Unsupported"

    # The article names the claims it reports, by the claim pages' @id.
    news = jsonld(doc(out, "articles/zakharova-denies"))
    claims = [m for m in news["mentions"] if m["@type"] == "Claim"]
    assert [c["url"] for c in claims] == [BASE + f"claims/{TALKS}/", BASE + f"claims/{DISTRUST}/"]
    assert claims[0]["@id"] == jsonld(talks)["@graph"][0]["@id"]

    # Briefings: each claim with a position in one of their articles, linked.
    summary = ".claims-summary .claim-text"
    assert hrefs(doc(out, "briefings/korea-russia"), summary) == [  # latest position first
        f"/claims/{TALKS}/", f"/claims/{DISTRUST}/"]
    assert hrefs(doc(out, "briefings/diplomacy"), summary) == [f"/claims/{TALKS}/"]
    assert not select(doc(out, "briefings/other"), ".claims-summary")
    # Entities: their positions, newest first, with the claim and the article.
    assert hrefs(doc(out, "entities/korea-diplomatic-sources"), ".entity-positions li") == [
        f"/claims/{TALKS}/", art("seoul-confirms"), f"/claims/{TALKS}/", art("seoul-report")]
    zakharova = doc(out, "entities/maria-zakharova")
    assert sorted(hrefs(zakharova, ".entity-positions li")) == sorted([
        f"/claims/{TALKS}/", art("zakharova-denies"), f"/claims/{DISTRUST}/",
        art("zakharova-denies")])
    # The index links every claim; the sitemap lists the claim pages.
    assert hrefs(doc(out, "claims"), ".claim-text") == [f"/claims/{TALKS}/",
                                                        f"/claims/{DISTRUST}/"]
    sitemap = (out / "sitemap.xml").read_text()
    assert f"{BASE}claims/{TALKS}/" in sitemap and f"{BASE}claims/" in sitemap

    # The draft's position and claim are nowhere: no page, feed or sitemap entry.
    for file in out.rglob("*"):
        if file.is_file():
            data = file.read_bytes()
            for secret in (b"DRAFTQUOTE", b"SECRETDRAFTCLAIM", b"secret-claim", b"retracts",
                           b"draft-retraction"):
                assert secret not in data, (file, secret)
    assert not (out / "claims" / "secret-claim").exists()
    assert validate_html(out) == []


def test_same_input_same_bytes(tmp_path: Path) -> None:
    first = built(tmp_path / "a")
    second = built(tmp_path / "b")
    for name in (f"claims/{TALKS}/index.html", "briefings/korea-russia/index.html",
                 "entities/maria-zakharova/index.html"):
        assert (first / name).read_bytes() == (second / name).read_bytes()


def test_mistakes_in_claims_are_reported_at_once(tmp_path: Path) -> None:
    site = tmp_path / "site"
    write_files(site, {**SITE, **dict([
        article("typo-entity", "08", f"  - id: {TALKS}\n    by: maria-zaharova\n"
                                     "    stance: denies\n"),
        article("typo-stance", "08", f"  - id: {TALKS}\n    by: maria-zakharova\n"
                                     "    stance: deny\n"),
        article("typo-claim", "08", "  - id: seoul-moscow-talk\n    by: maria-zakharova\n"
                                    "    stance: denies\n"),
        article("again", "08", f"  - id: {TALKS}\n    text: Talks took place\n"
                               "    by: maria-zakharova\n    stance: asserts\n"),
        article("no-text", "08", "  - id: unheard-of\n    by: maria-zakharova\n"
                                 "    stance: asserts\n"),
        article("typo-key", "08", f"  - id: {TALKS}\n    by: maria-zakharova\n"
                                  "    stanse: denies\n"),
        article("bad-date", "08", f"  - id: {TALKS}\n    by: maria-zakharova\n"
                                  "    stance: denies\n    date: March 5\n"),
    ])})
    errors = error_lines(build(site))
    line = 5  # the 'claims:' key: after ---, title, date and briefings

    def one(name: str) -> str:
        [found] = [e for e in errors if f"content/articles/{name}.md:{line}:" in e]
        return found

    assert "did you mean 'maria-zakharova'" in one("typo-entity")
    assert "did you mean 'denies'" in one("typo-stance")
    assert "unknown claim 'seoul-moscow-talk'" in one("typo-claim")
    assert f"did you mean '{TALKS}'" in one("typo-claim")
    assert "content/articles/seoul-report.md:7" in one("again")
    assert "unknown claim 'unheard-of'" in one("no-text")
    assert "did you mean 'stance'" in one("typo-key")
    assert "'date'" in one("bad-date") and "ISO 8601" in one("bad-date")
    assert not (site / "public").exists()


def test_korean_site_uses_korean_stance_verbs(tmp_path: Path) -> None:
    site = tmp_path / "site"
    write_files(site, {**SITE, "site.yaml": SITE["site.yaml"].replace("language: en",
                                                                      "language: ko")})
    result = build(site)
    assert result.exit_code == 0, result.output
    talks = doc(site / "public", f"claims/{TALKS}")
    assert [s.text_content() for s in select(talks, ".positions .stance")] == [
        "주장", "부인", "부인", "확인"]
    assert [s.text_content() for s in select(talks, ".standing .stance")] == [
        "확인", "부인", "부인"]


def test_feeds_carry_the_positions_an_article_records(tmp_path: Path) -> None:
    import feedparser

    out = built(tmp_path)
    # The briefing's feed and the feed of each entity that takes a position (Zakharova's
    # article names her nowhere in its text: recording her position mentions her).
    for folder in ("briefings/korea-russia/", "entities/maria-zakharova/"):
        parsed = feedparser.parse((out / folder / "feed.xml").read_bytes())
        assert not parsed.bozo, parsed.get("bozo_exception")
        entry = next(e for e in parsed.entries if e.link == BASE + "articles/zakharova-denies/")
        item = lxml.html.fromstring(entry.content[0].value)
        rows = [" ".join(li.text_content().split()) for li in item.xpath(
            '//section[@class="positions"]//li')]
        assert rows == [
            "Maria Zakharova denies: A South Korean official held nuclear talks with Russia's "
            "envoy in Moscow — “Russia does not hold any consultations with the South Korean "
            "side”",
            "Maria Zakharova says: The reports are an attempt to sow distrust"], rows
        assert item.xpath('//section[@class="positions"]//a/@href') == [
            BASE + "entities/maria-zakharova/", BASE + f"claims/{TALKS}/",
            BASE + "entities/maria-zakharova/", BASE + f"claims/{DISTRUST}/"]
    for feed in out.rglob("feed.*"):
        assert b"DRAFTQUOTE" not in feed.read_bytes() and b"SECRETDRAFT" not in feed.read_bytes()
