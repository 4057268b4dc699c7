"""`briefings init`: a site that builds at once, in English or Korean, never overwriting."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result

from generator.cli import main
from generator.config import load_config
from generator.scaffold import FILES, WORKFLOW
from tests.conftest import NOW_EPOCH, build, tree_digest, validate_html

WRITTEN = [*(rel for rel, _ in FILES), WORKFLOW[0]]


def init(*args: str) -> Result:
    """Run `briefings init ARGS` at the fixed 'now' of the tests."""
    return CliRunner().invoke(main, ["init", *args], env={"SOURCE_DATE_EPOCH": NOW_EPOCH})


def test_english_site_builds_at_once_and_checks_clean(tmp_path: Path) -> None:
    site = tmp_path / "my site"
    result = init(str(site), "--title", "Harbour notes: ferries & trams",
                  "--base-url", "https://example.org/harbour")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        f"Created a Briefings site in {site}:", *(f"  {rel}" for rel in WRITTEN),
        "Next, preview it (it reloads as you edit), then start your first article:",
        f"  briefings serve --site '{site}'",
        f"  briefings new article \"Your first headline\" --site '{site}'"]
    config = load_config(site)
    assert (config.title, config.language, config.timezone, config.base_url) == (
        "Harbour notes: ferries & trams", "en", "UTC", "https://example.org/harbour/")
    assert "/public/" in (site / ".gitignore").read_text().splitlines()
    assert "/.briefings-cache/" in (site / ".gitignore").read_text().splitlines()
    workflow = yaml.safe_load((site / ".github/workflows/publish.yml").read_text())
    runs = [step.get("run", "") for step in workflow["jobs"]["publish"]["steps"]]
    assert runs.index("briefings check --format github") < runs.index("briefings build") \
        < runs.index("briefings deploy")
    cached = [step for step in workflow["jobs"]["publish"]["steps"]
              if str(step.get("uses", "")).startswith("actions/cache/")]
    assert [step["with"]["path"] for step in cached] == [".briefings-cache"] * 2
    built = build(site)
    assert built.exit_code == 0, built.output
    home = (site / "public/index.html").read_text()
    assert "Harbour notes: ferries &amp; trams" in home
    assert 'href="/harbour/briefings/example/"' in home
    article = (site / "public/articles/welcome/index.html").read_text()
    assert "Welcome to your briefings site" in article
    checked = CliRunner().invoke(main, ["check", "--site", str(site), "--strict"],
                                 env={"SOURCE_DATE_EPOCH": NOW_EPOCH})
    assert checked.exit_code == 0, checked.output
    assert "Checked: 0 errors, 0 warnings." in checked.output


def test_korean_site_has_korean_content_and_strings(tmp_path: Path) -> None:
    site = tmp_path / "ko"
    assert init(str(site), "--language", "ko").exit_code == 0
    config = load_config(site)
    assert (config.title, config.language, config.timezone) == ("나의 브리핑", "ko", "Asia/Seoul")
    assert 'date: "2026-01-01T09:00:00+09:00"' in (site / "content/articles/welcome.md"
                                                   ).read_text()
    built = build(site)
    assert built.exit_code == 0, built.output
    article = (site / "public/articles/welcome/index.html").read_text()
    assert '<html lang="ko"' in article
    assert "브리핑 사이트를 시작했습니다" in article  # the example's own words
    assert "본문으로 건너뛰기" in article  # the theme's Korean strings
    assert "2026년 1월 1일" in article  # dates in Korean, in Seoul time
    assert "예시 브리핑" in (site / "public/briefings/example/index.html").read_text()
    assert validate_html(site / "public") == []


def test_init_refuses_a_folder_holding_a_file_it_would_write(tmp_path: Path) -> None:
    (tmp_path / "site.yaml").write_text("title: Mine\nbase_url: https://mine.example/\n")
    before = tree_digest(tmp_path)
    result = init(str(tmp_path))
    assert result.exit_code == 1
    assert f"error: {tmp_path} already holds site.yaml; init never overwrites" in result.output
    assert tree_digest(tmp_path) == before
    assert not (tmp_path / "content").exists()


def test_init_twice_never_overwrites(tmp_path: Path) -> None:
    assert init(str(tmp_path)).exit_code == 0
    (tmp_path / "content/articles/welcome.md").write_text("my edits\n")
    before = tree_digest(tmp_path)
    result = init(str(tmp_path), "--language", "ko")
    assert result.exit_code == 1
    assert ("already holds site.yaml, content/briefings/example.md, "
            "content/articles/welcome.md, .gitignore, .github/workflows/publish.yml"
            ) in result.output
    assert tree_digest(tmp_path) == before


def test_init_writes_beside_files_it_does_not_write(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "README.md").write_text("notes\n")
    (tmp_path / "content/drafts-on-paper").mkdir(parents=True)
    result = init(str(tmp_path))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "README.md").read_text() == "notes\n"
    assert sorted(tree_digest(tmp_path)) == sorted([*WRITTEN, "README.md"])
    (tmp_path / "here").mkdir()
    monkeypatch.chdir(tmp_path / "here")  # init in the current folder: no --site to type
    here = init()
    assert here.exit_code == 0, here.output
    assert here.output.splitlines()[-2:] == [
        "  briefings serve", '  briefings new article "Your first headline"']


def test_bad_options_write_nothing(tmp_path: Path) -> None:
    for args, message in [
            (("--language", "xx-nonsense"), "error: --language: unknown language"),
            (("--timezone", "Mars/Olympus"), "error: --timezone: unknown timezone"),
            (("--base-url", "example.org"), "error: --base-url: expected an absolute http(s)"),
            (("--title", " "), "error: --title: the site's title must not be empty")]:
        result = init(str(tmp_path / "site"), *args)
        assert result.exit_code == 1
        assert message in result.output
        assert not (tmp_path / "site").exists()
