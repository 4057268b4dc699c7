"""Related coverage (issue 16): ranked by the weights, then time, then path; never itself,
at most N, stable when an unrelated article is published, and incremental builds equal
fresh ones. Lists are read from the built pages (tests/sites/related/)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import lxml.html
import pytest

from tests.conftest import SITES, build, error_lines, tree_digest, validate_html

BASE = "/desk/"


def related_titles(public: Path, slug: str) -> list[str] | None:
    """Return the titles an article page lists as related, or None without the section."""
    tree = lxml.html.fromstring((public / "articles" / slug / "index.html").read_bytes())
    sections = tree.xpath("//section[@aria-labelledby='related-heading']")
    if not sections:
        return None
    assert len(sections) == 1
    heading = sections[0].xpath("h2[@id='related-heading']")
    assert [h.text_content() for h in heading] == ["Related coverage"]
    items = sections[0].xpath("ul/li")
    for item in items:  # a link and its date, each where a reader and a machine find it
        assert item.xpath("a/@href")[0].startswith(BASE + "articles/")
        assert item.xpath("time/@datetime")
    return [item.xpath("a")[0].text_content() for item in items]


def article_pages(public: Path) -> dict[str, bytes]:
    """Return every article page's bytes, by its folder."""
    return {page.parent.name: page.read_bytes()
            for page in sorted((public / "articles").glob("*/index.html"))}


def fresh(site: Path, out: Path) -> dict[str, str]:
    """Build the site with --no-cache into another folder; return its tree's digests."""
    result = build(site, "--no-cache", "--output", str(out))
    assert result.exit_code == 0, result.output
    return tree_digest(out)


def set_config(site: Path, line: str) -> None:
    """Replace the `related:` line of site.yaml."""
    config = site / "site.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("related: 3", line),
                      encoding="utf-8")


@pytest.fixture(scope="module")
def public(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("related") / "site"
    shutil.copytree(SITES / "related", site)
    result = build(site)
    assert result.exit_code == 0, result.output
    return site / "public"


def test_weights_rank_about_then_mention_then_briefing_then_tag(public: Path) -> None:
    # Each shares one thing with the hub; the tag-only article is the nearest in time and
    # the about one the farthest, so time alone would give the opposite order.
    assert related_titles(public, "hub-report") == [
        "Board ruling", "Minister interview", "Ports roundup"]


def test_expired_articles_are_never_listed_but_get_a_list(public: Path) -> None:
    # The expired notice is about the hub's entity and a day from it: listed, it would lead.
    assert "Expired notice" not in (related_titles(public, "board-ruling") or [])
    assert related_titles(public, "board-ruling") == ["Hub report"]
    assert related_titles(public, "expired-notice") == ["Hub report", "Board ruling"]


def test_equal_scores_go_to_the_nearest_in_time_then_the_path(public: Path) -> None:
    # Zulu is as far before as Alpha is after: a-tide.md sorts first. Far tide, the newest
    # of them, is left out: recency is closeness to this article, not age on the site.
    assert related_titles(public, "tie-hub") == ["Near tide", "Alpha tide", "Zulu tide"]


def test_never_itself_at_most_n_and_none_for_a_loner(public: Path) -> None:
    pages = article_pages(public)
    assert len(pages) == 12
    for slug in pages:
        titles = related_titles(public, slug)
        own = lxml.html.fromstring(pages[slug]).xpath("//h1")[0].text_content()
        assert titles is None or (0 < len(titles) <= 3 and own not in titles), slug
    assert related_titles(public, "lone-garden") is None
    # Seen from the far end, the nearest come first: 17, 19 and 20 days before it.
    assert related_titles(public, "far-tide") == ["Alpha tide", "Near tide", "Tide hub"]


def test_pages_with_the_section_are_valid_html(public: Path) -> None:
    assert validate_html(public / "articles" / "hub-report" / "index.html",
                         public / "articles" / "expired-notice" / "index.html") == []


def test_related_zero_hides_the_section(copy_site: Callable[[str], Path]) -> None:
    site = copy_site("related")
    set_config(site, "related: 0")
    assert build(site).exit_code == 0
    assert all(b"related-heading" not in page
               for page in article_pages(site / "public").values())


@pytest.mark.parametrize("value", ["-1", "five", "1.5", "true", "51"])
def test_a_bad_related_value_is_a_config_error(copy_site: Callable[[str], Path],
                                               value: str) -> None:
    site = copy_site("related")
    set_config(site, f"related: {value}")
    errors = error_lines(build(site))
    assert len(errors) == 1, errors
    assert errors[0].startswith("error: site.yaml:6: 'related': expected a whole number "
                                "from 0 (no related coverage) to 50, such as 5, got ")
    assert not (site / "public").exists()


def test_two_builds_are_byte_identical(copy_site: Callable[[str], Path]) -> None:
    site = copy_site("related")
    assert fresh(site, site / "one") == fresh(site, site / "two")


UNRELATED = ("---\ntitle: Star chart\ndate: 2025-03-10T13:00:00Z\ntags: [Astronomy]\n---\n"
             "Shares nothing with the other stories.\n")


def test_an_unrelated_article_changes_no_existing_page(copy_site: Callable[[str], Path]
                                                       ) -> None:
    site = copy_site("related")
    assert build(site).exit_code == 0
    fresh(site, site / "before")
    cached = article_pages(site / "public")
    before = article_pages(site / "before")
    assert cached == before
    (site / "content/articles/star-chart.md").write_text(UNRELATED, encoding="utf-8")
    after = fresh(site, site / "after")
    assert article_pages(site / "after") == {**before, "star-chart":
                                             (site / "after/articles/star-chart/index.html")
                                             .read_bytes()}
    assert build(site).exit_code == 0  # incrementally, from the first build's record
    assert article_pages(site / "public") == article_pages(site / "after")
    assert tree_digest(site / "public") == after
    assert related_titles(site / "public", "star-chart") is None


def test_retitling_a_listed_article_updates_the_pages_listing_it(
        copy_site: Callable[[str], Path]) -> None:
    site = copy_site("related")
    assert build(site).exit_code == 0
    ruling = site / "content/articles/board-ruling.md"
    ruling.write_text(ruling.read_text(encoding="utf-8").replace(
        "title: Board ruling", "title: Board ruling upheld"), encoding="utf-8")
    assert build(site).exit_code == 0
    assert related_titles(site / "public", "hub-report") == [
        "Board ruling upheld", "Minister interview", "Ports roundup"]
    assert related_titles(site / "public", "expired-notice") == [
        "Hub report", "Board ruling upheld"]
    assert tree_digest(site / "public") == fresh(site, site / "fresh")


def test_a_body_edit_keeps_the_edited_page_list(copy_site: Callable[[str], Path]) -> None:
    # Below the first paragraph only: the build renders just the edited article's page,
    # whose list must still be there and be the one a fresh build makes.
    site = copy_site("related")
    assert build(site).exit_code == 0
    hub = site / "content/articles/hub-report.md"
    hub.write_text(hub.read_text(encoding="utf-8") + "\nA closing line added later.\n",
                   encoding="utf-8")
    result = build(site, "-v")
    assert result.exit_code == 0, result.output
    assert "below the first paragraph" in result.output
    assert b"A closing line" in (site / "public/articles/hub-report/index.html").read_bytes()
    assert related_titles(site / "public", "hub-report") == [
        "Board ruling", "Minister interview", "Ports roundup"]
    assert tree_digest(site / "public") == fresh(site, site / "fresh")
