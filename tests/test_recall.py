"""Rebuilds after body edits from the kept model equal fresh builds, and fall back safely."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator import body_edits
from tests.conftest import build, tree_digest, write_files
from tests.test_incremental import big_site, fresh


def phases(site: Path, *args: str) -> list[str]:
    """Build with -v; return the names of the phases the build went through."""
    result = build(site, "-v", *args)
    assert result.exit_code == 0, result.output
    line = next(ln for ln in result.output.splitlines() if ln.startswith("Phases:"))
    return re.findall(r"(\w+) [\d.]+ s", line)


def append(site: Path, name: str, text: str) -> None:
    path = site / f"content/articles/{name}.md"
    path.write_text(path.read_text() + f"\n{text}\n")


MODEL = Path(".briefings-cache") / body_edits.MODEL


def test_body_edits_are_built_from_the_kept_model(tmp_path: Path) -> None:
    site = big_site(tmp_path / "site", 60)
    out = site / "public"
    assert "content" in phases(site)
    assert (site / MODEL).is_file()
    original = (site / "content/articles/a059.md").read_text()
    # The newest article (in the feeds), then an old one, then the first edit undone.
    for step, edit in enumerate([lambda: append(site, "a059", "Late news."),
                                 lambda: append(site, "a010", "An old correction."),
                                 lambda: (site / "content/articles/a059.md").write_text(original)]):
        edit()
        assert phases(site) == ["read", "recall", "bodies", "publish"], step
        assert tree_digest(out) == fresh(site, tmp_path, f"f{step}"), step
    assert "An old correction." in (out / "articles/a010/index.html").read_text()
    assert "Late news." not in (out / "articles/a059/index.html").read_text()
    # A title is on every list: the whole build runs, and keeps a new model.
    a20 = site / "content/articles/a020.md"
    a20.write_text(a20.read_text().replace("title: Article 20", "title: Article Twenty"))
    assert "content" in phases(site)
    assert tree_digest(out) == fresh(site, tmp_path, "title")
    append(site, "a020", "And a body edit after it.")
    assert phases(site) == ["read", "recall", "bodies", "publish"]
    assert tree_digest(out) == fresh(site, tmp_path, "after-title")


@pytest.mark.parametrize("damage", ["delete", "truncate", "garbage", "other-schema"])
def test_a_damaged_model_falls_back_to_reading_everything(tmp_path: Path, damage: str) -> None:
    import pickle

    site = big_site(tmp_path / "site", 30)
    assert build(site).exit_code == 0
    model = site / MODEL
    if damage == "delete":
        model.unlink()
    elif damage == "truncate":
        model.write_bytes(model.read_bytes()[:len(model.read_bytes()) // 2])
    elif damage == "garbage":
        model.write_bytes(b"\x80\x05garbage" * 50)
    else:
        with open(model, "rb") as handle:
            _, frame, structure = pickle.load(handle)
            rest = handle.read()
        model.write_bytes(pickle.dumps((body_edits.MODEL_SCHEMA + 1, frame, structure)) + rest)
    append(site, "a001", "After damage.")
    # Still only bodies changed: the pages are chosen after reading every file instead.
    assert phases(site) == ["read", "recall", "content", "bodies", "publish"]
    assert tree_digest(site / "public") == fresh(site, tmp_path, "f")
    assert "After damage." in (site / "public/articles/a001/index.html").read_text()


def clock_site(root: Path) -> Path:
    write_files(root, {
        "site.yaml": "title: Clock\nbase_url: https://clock.example/\nsearch: false\n",
        "content/articles/old.md": "---\ntitle: Old\ndate: 2026-01-05T09:00:00Z\n---\nO.\n",
        "content/articles/due.md": ("---\ntitle: Due\ndate: 2026-01-06T09:00:00Z\n"
                                    "publish_date: 2026-01-07T00:00:00Z\n---\nD.\n"),
    })
    return root


def edit_after_due(site: Path, tmp_path: Path, later: str) -> None:
    """Edit a body once 'Due' is out; the whole read must run and show it."""
    append(site, "old", "More.")
    assert "content" in phases(site, "--now", later)
    assert "Due" in (site / "public/index.html").read_text()
    expected = tmp_path / "fresh"
    assert build(site, "--no-cache", "--now", later, "--output", str(expected)).exit_code == 0
    assert tree_digest(site / "public") == tree_digest(expected)


def test_a_model_older_than_the_published_site_is_not_used(tmp_path: Path) -> None:
    site = clock_site(tmp_path / "site")
    assert build(site, "--now", "2026-01-06T12:00:00Z").exit_code == 0
    stale = (site / MODEL).read_bytes()
    # The same files a day later: 'Due' is published, and a new model is kept.
    later = "2026-01-07T12:00:00Z"
    assert build(site, "--now", later).exit_code == 0
    # As if the build that published 'Due' had failed to keep its model: every file is
    # as that model knew it, but the site it holds is from before 'Due' came out.
    (site / MODEL).write_bytes(stale)
    edit_after_due(site, tmp_path, later)


def test_what_the_model_cannot_answer_takes_the_whole_read(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = big_site(tmp_path / "site", 30)
    assert build(site).exit_code == 0
    monkeypatch.setattr(body_edits, "RECALL_AT_MOST", 2)
    for name in ("a001", "a002", "a003"):
        append(site, name, "One of many edits.")
    assert "content" in phases(site)
    assert tree_digest(site / "public") == fresh(site, tmp_path, "many")
    # A briefing's own text is on its page, not in an article.
    b0 = site / "content/briefings/b0.md"
    b0.write_text(b0.read_text() + "\nMore about the topic.\n")
    assert "content" in phases(site)
    assert "More about the topic." in (site / "public/briefings/b0/index.html").read_text()
    assert tree_digest(site / "public") == fresh(site, tmp_path, "briefing")
    # A new article is a new file.
    write_files(site, {"content/articles/zz.md": "---\ntitle: Z\ndate: 2025-06-01\n---\nZ.\n"})
    assert "content" in phases(site)
    assert tree_digest(site / "public") == fresh(site, tmp_path, "new")


def test_a_body_edit_after_the_clock_moved_past_a_due_date(tmp_path: Path) -> None:
    site = clock_site(tmp_path / "site")
    assert build(site, "--now", "2026-01-06T12:00:00Z").exit_code == 0
    assert "Due" not in (site / "public/index.html").read_text()
    later = "2026-01-07T12:00:00Z"
    edit_after_due(site, tmp_path, later)


def test_no_model_is_kept_without_a_cache(tmp_path: Path) -> None:
    site = big_site(tmp_path / "site", 10)
    assert build(site, "--no-cache").exit_code == 0
    assert not (site / MODEL).exists()
