"""End-to-end builds of the example site and fixture sites: pages, feeds, validity."""

from __future__ import annotations

import re
from pathlib import Path

import feedparser
import pytest

from tests.conftest import (
    REPO,
    build,
    feed_files,
    run_module,
    tree_digest,
    validate_html,
    write_files,
)


def feeds_in(folder: Path) -> list[Path]:
    return feed_files(folder)


def test_example_site_builds_valid_pages_and_feeds(tmp_path: Path) -> None:
    out = tmp_path / "public"
    result = build(REPO, "--output", str(out))
    assert result.exit_code == 0, result.output
    assert re.search(r"Built \d+ pages and \d+ feeds .* in \d+\.\d+ s", result.output)
    # English at the root; the Korean versions (.ko.md) under ko/.
    briefings = sorted(p.stem for p in (REPO / "content" / "briefings").glob("*.md")
                       if "." not in p.stem)
    assert len(briefings) >= 3
    assert (out / "ko/briefings/korea-russia/index.html").is_file()
    korean = (out / "ko/index.html").read_text()
    assert '<html lang="ko"' in korean and 'href="/ko/briefings/korea-russia/"' in korean
    front = (out / "index.html").read_text()
    for slug in briefings:
        assert (out / "briefings" / slug / "index.html").is_file()
        assert (out / "briefings" / slug / "feed.xml").is_file()
        assert f'href="/briefings/{slug}/"' in front
    assert len(list((out / "articles").glob("*/index.html"))) >= 8
    for feed in feeds_in(out):
        parsed = feedparser.parse(feed.read_bytes())
        assert not parsed.bozo, (feed, parsed.get("bozo_exception"))
        assert parsed.entries, feed
        for entry in parsed.entries:
            assert entry.title and entry.link.startswith("https://") and entry.id
    assert validate_html(out) == []


@pytest.fixture
def basic(copy_site) -> Path:  # type: ignore[no-untyped-def]
    site: Path = copy_site("basic")
    result = build(site)
    assert result.exit_code == 0, result.output
    return site


def test_pages_of_the_basic_site(basic: Path) -> None:
    out = basic / "public"
    expected = ["index.html", "404.html", "articles/index.html", "tags/index.html",
                "briefings/alpha/index.html", "briefings/beta/index.html",
                "articles/first/index.html", "articles/second/index.html",
                "articles/third/index.html", "tags/policy/index.html",
                "tags/economy/index.html", "tags/트렌드/index.html"]
    for rel in expected:
        assert (out / rel).is_file(), rel
    (css,) = (out / "static").glob("style.*.css")  # fingerprinted: style.<hash>.css
    assert f'href="/static/{css.name}"' in (out / "index.html").read_text()
    assert not (out / "articles" / "draft").exists()
    article = (out / "articles/first/index.html").read_text()
    assert "Jane Roe" in article
    assert '<a class="source" href="https://news.example.com/alpha-1">Example Times</a>' in article
    # The time of day in the site timezone (Babel's "en": a narrow no-break space before AM).
    assert ('<time datetime="2025-11-03T09:00:00+01:00">November 3, 2025, 9:00\u202fAM CET'
            '</time>') in article
    assert 'href="/briefings/alpha/"' in article  # its briefing
    assert 'rel="next"' in article and 'href="/articles/second/"' in article  # neighbour
    assert 'lang="en"' in article
    briefing = (out / "briefings/alpha/index.html").read_text()
    assert "The editor&#39;s" in briefing or "The editor's" in briefing
    assert "December 2025" in briefing and "November 2025" in briefing  # timeline months
    assert re.search(r"Example Times\s*<span class=\"count\">2</span>", briefing)
    assert 'type="application/rss+xml"' in briefing
    assert 'href="https://example.org/briefings/alpha/feed.xml"' in briefing
    assert 'href="https://example.org/feed.xml"' in briefing
    # A date without offset is midnight in the site timezone (Europe/Berlin).
    third = (out / "articles/third/index.html").read_text()
    assert '<time datetime="2025-12-15T00:00:00+01:00">' in third
    assert "<h1>No</h1>" in third
    assert "<script>" not in third and "<b>bold</b>" in third
    front = (out / "index.html").read_text()
    assert front.index("Alpha topic") < front.index("Beta topic")  # weight order
    assert "Beta is followed here. This first paragraph is the summary." in front
    assert validate_html(out) == []


def test_drafts_are_built_only_on_request(basic: Path, tmp_path: Path) -> None:
    out = tmp_path / "with-drafts"
    assert build(basic, "--drafts", "--output", str(out)).exit_code == 0
    assert (out / "articles/draft/index.html").is_file()
    assert "A draft" in (out / "feed.xml").read_text()
    assert "A draft" not in (basic / "public/feed.xml").read_text()


def test_feeds_follow_rss_and_atom_rules(basic: Path) -> None:
    out = basic / "public"
    rss = feedparser.parse((out / "feed.xml").read_bytes())
    atom = feedparser.parse((out / "atom.xml").read_bytes())
    assert not rss.bozo and not atom.bozo
    assert rss.version == "rss20" and atom.version == "atom10"
    assert [e.title for e in rss.entries] == ["No", "Second development",
                                              "First alpha development"]
    assert [e.title for e in atom.entries] == [e.title for e in rss.entries]
    third, second, first = rss.entries
    assert third.id == "urn:uuid:3c7d7c1e-2f1b-4a8e-9c57-1f7c1b0a0003"
    assert second.id == "https://example.org/articles/second/"
    assert second.summary == "A hand-written summary."
    assert first.summary.startswith("The first paragraph of the first article")
    html = first.content[0].value
    assert 'href="https://example.org/articles/second/"' in html
    assert 'src="https://example.org/articles/first/chart.png"' in html
    assert "<script" not in third.content[0].value
    assert first.author == "Jane Roe"
    assert {t.term for t in first.tags} == {"policy", "Economy"}
    # The newest item's date (third: 2025-12-15 midnight Berlin), never the clock.
    assert "<lastBuildDate>Mon, 15 Dec 2025 00:00:00 +0100</lastBuildDate>" in (
        out / "feed.xml").read_text()
    assert atom.feed.updated == "2025-12-15T00:00:00+01:00"
    self_links = [link.href for link in rss.feed.links if link.rel == "self"]
    assert self_links == ["https://example.org/feed.xml"]
    assert rss.feed.link == "https://example.org/"
    beta = feedparser.parse((out / "briefings/beta/feed.xml").read_bytes())
    assert [e.title for e in beta.entries] == ["No", "Second development"]


def test_feed_settings_limit_items_and_content(copy_site) -> None:  # type: ignore[no-untyped-def]
    site = copy_site("basic")
    text = (site / "site.yaml").read_text()
    (site / "site.yaml").write_text(text + "feeds:\n  items: 2\n  full_content: false\n")
    assert build(site).exit_code == 0
    rss = feedparser.parse((site / "public/feed.xml").read_bytes())
    assert len(rss.entries) == 2
    assert all("content" not in e for e in rss.entries)
    assert rss.entries[1].summary == "A hand-written summary."


def test_guid_survives_title_and_date_edits(copy_site) -> None:  # type: ignore[no-untyped-def]
    site = copy_site("basic")
    assert build(site).exit_code == 0
    before = {e.title: e.id for e in feedparser.parse(
        (site / "public/feed.xml").read_bytes()).entries}
    path = site / "content/articles/second.md"
    path.write_text(path.read_text().replace("Second development", "Second, retitled")
                    .replace("2025-12-01 10:30", "2025-12-03 10:30"))
    assert build(site).exit_code == 0
    after = {e.title: e.id for e in feedparser.parse(
        (site / "public/feed.xml").read_bytes()).entries}
    assert after["Second, retitled"] == before["Second development"]


def test_base_url_path_prefix_is_honoured_everywhere(copy_site) -> None:  # type: ignore[no-untyped-def]
    site = copy_site("basic")
    text = (site / "site.yaml").read_text().replace(
        "https://example.org/", "https://example.org/briefs/")
    (site / "site.yaml").write_text(text)
    assert build(site).exit_code == 0
    out = site / "public"
    for page in out.rglob("*.html"):
        html = page.read_text()
        for url in re.findall(r'(?:href|src)="([^"]+)"', html):
            if url.startswith("/"):
                assert url.startswith("/briefs/"), (page, url)
            elif url.startswith("https://example.org"):
                assert url.startswith("https://example.org/briefs/"), (page, url)
    for feed in feeds_in(out):
        xml = feed.read_text()
        for url in re.findall(r'(?:href="|<link>|<guid[^>]*>)(https?://example\.org[^"<]*)', xml):
            assert url.startswith("https://example.org/briefs/"), (feed, url)
        parsed = feedparser.parse(xml.encode())
        for entry in parsed.entries:
            for url in re.findall(r'(?:href|src)="([^"]+)"',
                                  entry.get("content", [{"value": ""}])[0]["value"]):
                assert url.startswith(("https://example.org/briefs/", "https://news.")), url
    assert 'href="/briefs/static/style.' in (out / "index.html").read_text()


def test_builds_are_byte_identical(copy_site, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    site = copy_site("basic")
    assert build(site, "--output", str(tmp_path / "one")).exit_code == 0
    assert build(site, "--output", str(tmp_path / "two")).exit_code == 0
    assert build(site, "--output", str(tmp_path / "two")).exit_code == 0  # over itself
    one, two = tree_digest(tmp_path / "one"), tree_digest(tmp_path / "two")
    assert one and one == two


def test_language_localizes_dates_and_lang(copy_site) -> None:  # type: ignore[no-untyped-def]
    site = copy_site("basic")
    text = (site / "site.yaml").read_text().replace("language: en", "language: ko")
    (site / "site.yaml").write_text(text)
    assert build(site).exit_code == 0
    page = (site / "public/articles/third/index.html").read_text()
    assert '<html lang="ko" dir="ltr">' in page
    assert "2025년 12월 15일" in page
    rss = feedparser.parse((site / "public/feed.xml").read_bytes())
    assert rss.feed.language == "ko"


def test_site_without_themes_uses_the_shipped_theme(tmp_path: Path) -> None:
    site = tmp_path / "elsewhere"
    write_files(site, {
        "site.yaml": "title: Elsewhere\nbase_url: https://elsewhere.example/\n",
        "content/articles/one.md": "---\ntitle: One\ndate: 2025-01-02\n---\nBody.\n",
    })
    result = run_module("build", cwd=site)
    assert result.returncode == 0, result.stderr
    assert "Built" in result.stdout
    assert (site / "public/articles/one/index.html").is_file()
    assert list((site / "public/static").glob("style.*.css"))


def test_cli_version_help_and_usage_errors(tmp_path: Path) -> None:
    from generator import __version__

    version = run_module("--version")
    assert version.returncode == 0 and __version__ in version.stdout
    helped = run_module("build", "--help")
    assert helped.returncode == 0 and "--drafts" in helped.stdout
    assert run_module("build", "--no-such-flag").returncode == 2
    assert run_module("build", "--site", str(tmp_path / "missing")).returncode == 2
    assert run_module("build", "--quiet", "--verbose").returncode == 2
    empty = run_module("build", "--site", str(tmp_path))
    assert empty.returncode == 1 and "site.yaml: not found" in empty.stderr


def test_tags_that_slugify_alike_keep_their_own_pages(copy_site) -> None:  # type: ignore[no-untyped-def]
    site = copy_site("basic")
    write_files(site, {
        "content/articles/cpp.md": "---\ntitle: Plus\ndate: 2025-10-01\ntags: [C++, eu]\n---\nA.\n",
        "content/articles/cs.md": "---\ntitle: Sharp\ndate: 2025-10-02\ntags: [C#, EU]\n---\nB.\n",
    })
    assert build(site).exit_code == 0
    pages = {p.parent.name: p.read_text() for p in (site / "public/tags").glob("*/index.html")}
    plus = [html for html in pages.values() if "<h1>C++</h1>" in html]
    sharp = [html for html in pages.values() if "<h1>C#</h1>" in html]
    assert len(plus) == 1 and len(sharp) == 1 and plus != sharp
    assert "Plus" in plus[0] and "Sharp" not in plus[0]
    eu = pages["eu"]  # spellings that differ only in case share one page
    assert "Plus" in eu and "Sharp" in eu
