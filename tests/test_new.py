"""`briefings new`: files with correct front matter where the build reads them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from generator.cli import main
from generator.frontmatter import split
from generator.yamlload import load
from tests.conftest import NOW_EPOCH, build, tree_digest, write_files


def run(site: Path, *args: str) -> Result:
    """Run `briefings ARGS --site SITE` at the fixed 'now' of the tests."""
    return CliRunner().invoke(main, [*args, "--site", str(site)],
                              env={"SOURCE_DATE_EPOCH": NOW_EPOCH})


def new(site: Path, *args: str) -> str:
    """Create a file with `briefings new`; return its path relative to the site."""
    result = run(site, "new", *args)
    assert result.exit_code == 0, result.output
    return Path(result.output.strip()).relative_to(site).as_posix()


def front(site: Path, rel: str) -> Any:
    """Read a file's front matter back as the build reads YAML (the 1.2 core schema)."""
    return load(split((site / rel).read_text(encoding="utf-8")).front).data


def make_site(tmp_path: Path, *args: str) -> Path:
    site = tmp_path / "site"
    result = CliRunner().invoke(main, ["init", str(site), *args],
                                env={"SOURCE_DATE_EPOCH": NOW_EPOCH})
    assert result.exit_code == 0, result.output
    return site


def test_every_kind_then_build_with_drafts(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    article = new(site, "article", "Ferry talks resume", "--briefing", "example")
    briefing = new(site, "briefing", "Harbour transport")
    page = new(site, "page", "Contact us", "--menu", "footer")
    entity = new(site, "entity", "Harbour Authority", "--type", "organization")
    assert [article, briefing, page, entity] == [
        "content/articles/ferry-talks-resume.md", "content/briefings/harbour-transport.md",
        "content/pages/contact-us.md", "content/entities/harbour-authority.md"]
    assert front(site, article) == {"title": "Ferry talks resume",
                                    "date": "2026-01-01T00:00:00+00:00", "draft": True,
                                    "briefings": ["example"]}
    assert front(site, page) == {"title": "Contact us", "menu": "footer"}
    assert front(site, entity) == {"name": "Harbour Authority", "type": "organization"}
    built = build(site, "--drafts")
    assert built.exit_code == 0, built.output
    assert "Ferry talks resume" in (site / "public/articles/ferry-talks-resume/index.html"
                                    ).read_text()
    assert "Ferry talks resume" in (site / "public/briefings/example/index.html").read_text()
    assert (site / "public/briefings/harbour-transport/index.html").is_file()
    assert 'href="/contact-us/"' in (site / "public/index.html").read_text()  # footer menu
    assert (site / "public/entities/harbour-authority/index.html").is_file()
    # Without --drafts the new article is held back: it starts as a draft.
    assert build(site).exit_code == 0
    assert not (site / "public/articles/ferry-talks-resume").exists()


def test_date_is_now_in_the_site_timezone_with_its_offset(tmp_path: Path) -> None:
    site = make_site(tmp_path, "--language", "ko")
    rel = new(site, "article", "서울과 모스크바의 협의")
    assert rel == "content/articles/서울과-모스크바의-협의.md"
    assert front(site, rel)["date"] == "2026-01-01T09:00:00+09:00"
    assert "기사 본문을 여기에 직접 씁니다." in (site / rel).read_text()


def test_titles_that_yaml_would_misread_are_quoted(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    titles = ["No", "12:30", "Moscow: \"no talks\"", "# not a comment", "null",
              "[not, a, list]", "yes"]
    for title in titles:
        rel = new(site, "article", title)
        assert front(site, rel)["title"] == title
        assert (site / rel).read_text().splitlines()[1].startswith('title: "')
    assert build(site, "--drafts").exit_code == 0


def test_slugs_are_unique(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    write_files(site, {
        "content/articles/2025/older.md": "---\ntitle: Old\ndate: 2025-01-02\n"
                                          "slug: ferry-talks\n---\nEarlier.\n",
        "content/articles/ferry-talks-2/index.md": "---\ntitle: Bundle\ndate: 2025-01-03\n"
                                                   "---\nA bundle.\n",
    })
    assert new(site, "article", "Ferry talks") == "content/articles/ferry-talks-3.md"
    assert new(site, "article", "Ferry Talks") == "content/articles/ferry-talks-4.md"
    assert new(site, "briefing", "Example") == "content/briefings/example-2.md"
    assert new(site, "page", "Tags") == "content/pages/tags-2.md"  # tags/ is the site's own
    built = build(site, "--drafts")
    assert built.exit_code == 0, built.output


def test_slugs_follow_the_sites_slugify_setting(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    with open(site / "site.yaml", "a", encoding="utf-8") as handle:
        handle.write("slugify: ascii\n")
    assert new(site, "article", "서울 회담") == "content/articles/seoul-hoedam.md"
    assert new(site, "article", "서울 회담") == "content/articles/seoul-hoedam-2.md"
    assert build(site, "--drafts").exit_code == 0


def test_unknown_briefing_gets_did_you_mean_and_nothing_is_written(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    before = tree_digest(site)
    result = run(site, "new", "article", "Ferry talks", "--briefing", "exmaple")
    assert result.exit_code == 1
    assert ("error: unknown briefing 'exmaple'; did you mean 'example'? (or create it: "
            "briefings new briefing \"exmaple\")") in result.output
    assert tree_digest(site) == before


def test_new_needs_a_site(tmp_path: Path) -> None:
    result = run(tmp_path, "new", "article", "Orphan")
    assert result.exit_code == 1
    assert "error: site.yaml: not found" in result.output
    assert list(tmp_path.iterdir()) == []


def test_a_briefing_named_by_its_korean_file_name_on_an_ascii_site(tmp_path: Path) -> None:
    write_files(tmp_path, {
        "site.yaml": 'title: T\nbase_url: "https://example.org/"\nslugify: ascii\n',
        "content/briefings/한러-관계.md": "---\ntitle: 한러 관계\n---\nOverview.\n",
    })
    result = CliRunner().invoke(main, ["new", "article", "Talks", "--site", str(tmp_path),
                                       "--briefing", "한러-관계"])
    assert result.exit_code == 0, result.output
    written = (tmp_path / result.output.strip().splitlines()[-1]).read_text(encoding="utf-8")
    assert load(split(written).front).data["briefings"] == ["halleo-gwangye"]
    assert build(tmp_path, "--drafts").exit_code == 0
    assert (tmp_path / "public/briefings/halleo-gwangye/index.html").is_file()
