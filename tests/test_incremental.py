"""The cache and incremental publishing never change what a build produces."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from generator import output, routes
from generator.ledger import journal_path, read_journal
from tests.conftest import build, tree_digest, write_files


def big_site(root: Path, articles: int = 160) -> Path:
    files: dict[str, str] = {
        "site.yaml": "title: Big\nbase_url: https://big.example/\ntimezone: Asia/Seoul\n"
                     "search: false\n",
    }
    for b in range(4):
        files[f"content/briefings/b{b}.md"] = (
            f"---\ntitle: Topic {b}\nweight: {b}\n---\nAbout {b}.\n")
    for i in range(articles):
        files[f"content/articles/a{i:03d}.md"] = (
            f"---\ntitle: Article {i}\ndate: 2025-{1 + i % 12:02d}-{1 + i % 27:02d}T10:00:00Z\n"
            f"briefings: [b{i % 4}]\ntags: [t{i % 7}, t{i % 5}]\n---\n"
            f"Body of article {i} with a [link](../a{(i + 1) % articles:03d}/).\n\n## Part\n\n"
            + "Some words here. " * 40 + "\n")
    write_files(root, files)
    return root


def fresh(site: Path, tmp: Path, name: str) -> dict[str, str]:
    out = tmp / name
    result = build(site, "--no-cache", "--output", str(out), "-j", "1")
    assert result.exit_code == 0, result.output
    return tree_digest(out)


def test_jobs_do_not_change_output(tmp_path: Path) -> None:
    site = big_site(tmp_path / "site")
    one = tmp_path / "one"
    two = tmp_path / "two"
    assert build(site, "--no-cache", "-j", "1", "--output", str(one)).exit_code == 0
    assert build(site, "--no-cache", "-j", "2", "--output", str(two)).exit_code == 0
    assert tree_digest(one) == tree_digest(two)
    assert len(list((one / "articles").glob("*/index.html"))) == 160


def test_cached_rebuilds_equal_fresh_builds(tmp_path: Path) -> None:
    site = big_site(tmp_path / "site")
    out = site / "public"
    assert build(site, "-j", "2").exit_code == 0
    assert tree_digest(out) == fresh(site, tmp_path, "f0")
    nothing = build(site, "-v")
    assert "(0 files changed)" in nothing.output
    # Edit one article's body, another's title (its neighbours and lists change too).
    a1 = site / "content/articles/a001.md"
    a1.write_text(a1.read_text() + "\nA new closing line.\n")
    a2 = site / "content/articles/a002.md"
    a2.write_text(a2.read_text().replace("title: Article 2", "title: Article Two"))
    # The first paragraph is the summary that lists show; an edit there reaches them.
    a4 = site / "content/articles/a004.md"
    a4.write_text(a4.read_text().replace("Body of article 4", "Opening of article 4"))
    result = build(site)
    assert result.exit_code == 0 and "(0 files changed)" not in result.output
    assert tree_digest(out) == fresh(site, tmp_path, "f1")
    assert "A new closing line." in (out / "articles/a001/index.html").read_text()
    assert "Opening of article 4" in (out / "digests/2025-W19/index.html").read_text()
    # Delete one, add one, change the config and a template.
    (site / "content/articles/a003.md").unlink()
    write_files(site, {"content/articles/new.md": "---\ntitle: New\ndate: 2026-01-01\n---\nN.\n"})
    assert build(site).exit_code == 0
    assert not (out / "articles/a003").exists()
    assert tree_digest(out) == fresh(site, tmp_path, "f2")
    cfg = site / "site.yaml"
    cfg.write_text(cfg.read_text().replace("title: Big", "title: Bigger"))
    assert build(site).exit_code == 0
    assert tree_digest(out) == fresh(site, tmp_path, "f3")


def test_template_edit_rerenders_every_page(tmp_path: Path) -> None:
    from tests.conftest import REPO

    site = big_site(tmp_path / "site", 20)
    shutil.copytree(REPO / "themes/default", site / "themes/default")
    assert build(site).exit_code == 0
    base = site / "themes/default/templates/base.html"
    text = base.read_text()
    assert "{{ t('built_with') }}" in text
    base.write_text(text.replace("{{ t('built_with') }}", "Built with care."))
    assert build(site).exit_code == 0
    pages = [p for p in (site / "public").rglob("*.html") if p.name != "email.html"]
    assert pages and all("Built with care." in p.read_text() for p in pages)
    assert tree_digest(site / "public") == fresh(site, tmp_path, "f")


def test_unchanged_files_keep_inode_and_mtime(tmp_path: Path) -> None:
    site = big_site(tmp_path / "site", 20)
    assert build(site).exit_code == 0
    untouched = site / "public/articles/a010/index.html"
    edited = site / "public/articles/a001/index.html"
    before = {p: os.stat(p) for p in (untouched, edited)}
    a1 = site / "content/articles/a001.md"
    a1.write_text(a1.read_text() + "\nMore.\n")
    assert build(site).exit_code == 0
    after_untouched = os.stat(untouched)
    assert (after_untouched.st_ino, after_untouched.st_mtime_ns) == (
        before[untouched].st_ino, before[untouched].st_mtime_ns)
    assert os.stat(edited).st_ino != before[edited].st_ino


@pytest.mark.parametrize("damage", [
    "delete", "truncate", "garbage", "foreign-sqlite", "snapshot-garbage", "folder-is-file",
    "snapshot-overflow", "snapshot-memory", "rows-overflow", "rows-memory",
    "model-overflow", "model-memory",
])
def test_damaged_cache_is_rebuilt_not_fatal(tmp_path: Path, damage: str) -> None:
    import pickle
    import sqlite3

    class Failing:
        """Pickled as a call that fails when loaded, as a damaged file can make one fail:
        bytes(2**64) raises OverflowError, bytearray(2**60) MemoryError (no memory is
        taken: no machine can map that much)."""

        def __init__(self, kind: str) -> None:
            self.call = (bytes, (2**64,)) if kind == "overflow" else (bytearray, (2**60,))

        def __reduce__(self) -> tuple[object, tuple[int]]:
            return self.call

    site = big_site(tmp_path / "site", 30)
    assert build(site).exit_code == 0
    expected = tree_digest(site / "public")
    cache = site / ".briefings-cache"
    db = cache / "cache.sqlite"
    kind = damage.rsplit("-", 1)[-1]
    if damage == "delete":
        shutil.rmtree(cache)
    elif damage == "truncate":
        db.write_bytes(db.read_bytes()[:100])
    elif damage == "garbage":
        db.write_bytes(b"not a database at all" * 100)
    elif damage == "foreign-sqlite":
        db.unlink()
        conn = sqlite3.connect(db)
        conn.execute("CREATE TABLE other (x)")
        conn.commit()
        conn.close()
    elif damage == "snapshot-garbage":
        (cache / "snapshot.pickle").write_bytes(b"\x80\x04garbage")
    elif damage == "folder-is-file":
        shutil.rmtree(cache)
        cache.write_text("oops")
    elif damage.startswith("snapshot-"):
        snapshot = cache / "snapshot.pickle"
        schema, entries = pickle.loads(snapshot.read_bytes())
        entries[next(iter(entries))] = Failing(kind)
        snapshot.write_bytes(pickle.dumps((schema, entries)))
    elif damage.startswith("rows-"):
        (cache / "snapshot.pickle").unlink()  # so that every record is read from a row
        conn = sqlite3.connect(db)
        conn.execute("UPDATE entry SET meta = ?", (pickle.dumps(Failing(kind)),))
        conn.commit()
        conn.close()
    elif damage.startswith("model-"):
        (cache / "model.pickle").write_bytes(pickle.dumps(Failing(kind)))
    a1 = site / "content/articles/a001.md"
    text = a1.read_text() + "\nAfter damage.\n"
    if damage.startswith(("snapshot-", "rows-")):
        # A new title too: an edit below the first paragraph would be swapped into the
        # kept model, and the snapshot and rows of every other file never read.
        text = text.replace("title: Article 1\n", "title: Article 1, revised\n")
    a1.write_text(text)
    result = build(site)
    assert result.exit_code == 0, result.output
    assert "After damage." in (site / "public/articles/a001/index.html").read_text()
    assert tree_digest(site / "public") == fresh(site, tmp_path, "f")
    assert tree_digest(site / "public") != expected


def test_publish_killed_midway_is_completed_by_the_next_build(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch
                                                              ) -> None:
    site = big_site(tmp_path / "site", 20)
    assert build(site).exit_code == 0
    for name in ("a001", "a002", "a003"):
        path = site / f"content/articles/{name}.md"
        path.write_text(path.read_text() + "\nChanged.\n")
    real_replace = os.replace
    calls = {"n": 0}

    def dying_replace(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        calls["n"] += 1
        if calls["n"] == 2:  # one file moved, then the process "dies"
            raise SystemExit(137)
        real_replace(src, dst)

    monkeypatch.setattr(output.os, "replace", dying_replace)
    build(site)
    monkeypatch.setattr(output.os, "replace", real_replace)
    # The journal is kept in the cache, where no file planted in the output can forge it.
    journal = journal_path(site / ".briefings-cache", (site / "public").resolve())
    assert not (site / ".public.journal.json").exists()
    plan = read_journal(journal)
    assert len(plan["moves"]) >= 3
    assert build(site).exit_code == 0
    assert not journal.exists() and not (site / ".public.staging").exists()
    assert tree_digest(site / "public") == fresh(site, tmp_path, "f")


def test_no_change_rebuilds_follow_the_clock(tmp_path: Path) -> None:
    """The same bytes built at a later "now" publish what came due, expired or completed."""
    site = tmp_path / "site"
    write_files(site, {
        "site.yaml": "title: Clock\nbase_url: https://clock.example/\nsearch: false\n",
        "content/articles/old.md": "---\ntitle: Old\ndate: 2026-01-05T09:00:00Z\n---\nO.\n",
        "content/articles/due.md": ("---\ntitle: Due\ndate: 2026-01-06T09:00:00Z\n"
                                    "publish_date: 2026-03-01T00:00:00Z\n---\nD.\n"),
        "content/articles/ends.md": ("---\ntitle: Ends\ndate: 2026-01-07T09:00:00Z\n"
                                     "expires: 2026-02-01T00:00:00Z\n---\nE.\n"),
    })
    out = site / "public"
    moments = ["2026-01-08T00:00:00Z", "2026-01-08T12:00:00Z",  # same week: nothing moves
               "2026-01-13T00:00:00Z",  # the week of 5 January is complete: an edition
               "2026-02-15T00:00:00Z",  # 'Ends' has expired
               "2026-03-02T00:00:00Z"]  # 'Due' is published
    for number, now in enumerate(moments):
        result = build(site, "--now", now, "-v")
        assert result.exit_code == 0, result.output
        if number == 1:
            assert "unchanged" in result.output and "(0 files changed)" in result.output
        fresh_out = tmp_path / f"fresh{number}"
        assert build(site, "--no-cache", "--now", now, "--output",
                     str(fresh_out)).exit_code == 0
        assert tree_digest(out) == tree_digest(fresh_out), now
    front = (out / "index.html").read_text(encoding="utf-8")
    assert "Due" in front and "Ends" not in front
    assert (out / "digests" / "2026-W02" / "index.html").is_file()


def test_a_file_saved_again_while_the_build_reads_it_is_not_cached(tmp_path: Path) -> None:
    """The parse of bytes other than those hashed is reported, never stored under their key."""
    from generator.parse import CHANGED, Settings, parse_job
    from generator.scan import digest_of

    article = tmp_path / "a.md"
    article.write_text("---\ntitle: New\ndate: 2025-01-01\n---\nSaved later.\n")
    old = digest_of(b"---\ntitle: Old\ndate: 2025-01-01\n---\nSaved first.\n")
    key, record, html = parse_job(("k", "article", "content/articles/a.md", str(article), old,
                                   Settings("sanitize", "UTC"), ()))
    assert (key, html, record.card, record.usable) == ("k", "", CHANGED, False)
    assert "changed while the build was reading it" in str(record.problems[0])
    current = digest_of(article.read_bytes())
    _, record, html = parse_job(("k", "article", "content/articles/a.md", str(article),
                                 current, Settings("sanitize", "UTC"), ()))
    assert record.usable and record.values["title"] == "New" and "Saved later." in html


def test_body_only_edits_rerender_just_those_pages(tmp_path: Path) -> None:
    """Edits below the first paragraph take the short path, and it equals a full build."""
    site = big_site(tmp_path / "site", 60)
    out = site / "public"
    assert build(site).exit_code == 0
    before = tree_digest(out)
    # The newest article (in the site feed) and an old one; neither first paragraph.
    for name in ("a059", "a010"):
        path = site / f"content/articles/{name}.md"
        path.write_text(path.read_text() + f"\nA late addition to {name}.\n")
    result = build(site, "-v")
    assert result.exit_code == 0, result.output
    assert "bodies" in result.output and "plan" not in result.output
    after = tree_digest(out)
    assert after == fresh(site, tmp_path, "f1")
    changed = {path for path in after if after[path] != before.get(path)}
    assert {"articles/a059/index.html", "articles/a010/index.html", "feed.xml",
            "atom.xml"} <= changed
    feeds = tuple(name for name, *_ in routes.FEEDS)
    assert not any(p.startswith(("tags/", "briefings/", "archive/", "page/")) or
                   p == "index.html" for p in changed if not p.endswith(feeds))


def test_a_build_that_changes_nothing_loads_no_rendering_library(tmp_path: Path) -> None:
    """The no-change step reads bytes only: Markdown, Jinja2 and feedgen stay unloaded."""
    import subprocess
    import sys

    from tests.conftest import NOW_EPOCH

    site = big_site(tmp_path / "site", 10)
    assert build(site).exit_code == 0
    probe = ("import sys\nfrom generator.cli import main\n"
             "try:\n    main(['build', '--site', sys.argv[1], '-v'])\n"
             "except SystemExit as exc:\n    assert not exc.code, exc.code\n"
             "print(sorted(m for m in ('jinja2', 'markdown_it', 'feedgen', 'lxml', 'pygments')"
             " if m in sys.modules))\n")
    env = {**os.environ, "SOURCE_DATE_EPOCH": NOW_EPOCH}
    done = subprocess.run([sys.executable, "-c", probe, str(site)], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "unchanged" in done.stdout
    assert done.stdout.strip().splitlines()[-1] == "[]"
