"""The output folder is untrusted and public; the build's own records are private.

Anyone who can put a file into the output (a committed `public/`, a shared deploy folder)
must not be able to make a build write or delete outside it, and nothing in the output may
tell a reader about drafts, scheduled articles or the build's bookkeeping.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.ledger import journal_path, write_journal
from tests.conftest import NOW_EPOCH, REPO, build, tree_digest, write_files

CopySite = Callable[[str], Path]
MARKER = ".briefings-manifest.json"


@pytest.fixture
def site(copy_site: CopySite) -> Path:
    return copy_site("basic")


@pytest.fixture
def canary(tmp_path: Path) -> Path:
    """A folder outside the site that no build may ever touch."""
    folder = tmp_path / "canary"
    write_files(folder, {"keep.txt": "precious\n", "deep/also.txt": "also precious\n"})
    return folder


def forge_marker(site: Path, paths: list[str]) -> None:
    marker = site / "public" / MARKER
    data = json.loads(marker.read_text(encoding="utf-8"))
    data["files"] = sorted(data["files"] + paths)
    marker.write_text(json.dumps(data), encoding="utf-8")


def test_a_forged_marker_cannot_delete_outside_the_output(site: Path, canary: Path) -> None:
    # Threat: a planted marker names '../..' or absolute paths, and the next build deletes them.
    assert build(site).exit_code == 0
    before = tree_digest(canary)
    rel = os.path.relpath(canary / "keep.txt", site / "public")
    forge_marker(site, [rel, str(canary / "deep/also.txt"), "./x/../../../keep.txt"])
    (site / ".briefings-cache").rename(site / ".old-cache")  # no record: trust the marker only
    result = build(site)
    assert result.exit_code == 0, result.output
    assert tree_digest(canary) == before


def test_a_forged_record_in_an_old_manifest_cannot_delete_outside(site: Path,
                                                                   canary: Path) -> None:
    # Threat: the format-2 manifest (files with digests) carried '..' paths the build deleted.
    assert build(site).exit_code == 0
    rel = os.path.relpath(canary / "keep.txt", site / "public")
    ours = json.loads((site / "public" / MARKER).read_text(encoding="utf-8"))["files"]
    (site / "public" / MARKER).write_text(json.dumps(
        {"format": 2, "summary": {}, "files": {p: "x" for p in [*ours, rel]}}),
        encoding="utf-8")
    (site / "content/articles/second.md").unlink()  # so that the build deletes something
    before = tree_digest(canary)
    assert build(site).exit_code == 0
    assert tree_digest(canary) == before


def test_a_journal_planted_beside_the_output_is_never_applied(site: Path,
                                                               canary: Path) -> None:
    # Threat: a '.public.journal.json' beside the output made the next build move and delete.
    assert build(site).exit_code == 0
    write_files(site, {".public.staging/evil.html": "planted\n"})
    journal = {"moves": ["evil.html"], "deletes": [str(canary / "keep.txt"), "index.html"],
               "manifest": {"evil.html": "x"}, "summary": {}}
    (site / ".public.journal.json").write_text(json.dumps(journal), encoding="utf-8")
    before, published = tree_digest(canary), tree_digest(site / "public")
    result = build(site)
    assert result.exit_code == 0, result.output
    assert tree_digest(canary) == before
    assert tree_digest(site / "public") == published
    assert not (site / "public/evil.html").exists()


def test_a_journal_in_the_cache_with_escaping_paths_is_refused(site: Path,
                                                                canary: Path) -> None:
    # Threat: even a journal where the build keeps its own is checked path by path.
    assert build(site).exit_code == 0
    journal = journal_path(site / ".briefings-cache", (site / "public").resolve())
    write_journal(journal, {
        "out": str((site / "public").resolve()), "moves": [], "files": {}, "sizes": {},
        "summary": {}, "deletes": [os.path.relpath(canary / "keep.txt", site / "public")]})
    before = tree_digest(canary)
    assert build(site).exit_code == 0
    assert tree_digest(canary) == before
    assert not journal.exists()


def test_force_never_writes_through_a_symlink_out_of_the_output(site: Path,
                                                                canary: Path) -> None:
    # Threat: a symlinked 'public/tags' made --force write tag pages into another folder.
    assert build(site).exit_code == 0
    tags = site / "public/tags"
    for path in sorted(tags.rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()
    tags.rmdir()
    tags.symlink_to(canary, target_is_directory=True)
    before = tree_digest(canary)
    result = build(site, "--force")
    assert result.exit_code == 1, result.output
    assert "tags" in result.output and "Traceback" not in result.output
    assert tree_digest(canary) == before


@pytest.mark.parametrize("name", ["index.html", "feed.xml", "robots.txt"])
def test_force_refuses_to_overwrite_a_users_file(site: Path, tmp_path: Path,
                                                 name: str) -> None:
    # Threat: --force replaced the user's own files at paths Briefings writes.
    out = tmp_path / "mixed"
    write_files(out, {name: "the user's own file\n", "notes.txt": "mine\n"})
    result = build(site, "--output", str(out), "--force")
    assert result.exit_code == 1, result.output
    assert name in result.output and "did not write" in result.output
    assert (out / name).read_text(encoding="utf-8") == "the user's own file\n"
    assert sorted(p.name for p in out.iterdir()) == sorted([name, "notes.txt"])


def test_force_keeps_foreign_files_that_do_not_collide(site: Path, tmp_path: Path) -> None:
    out = tmp_path / "mixed"
    write_files(out, {"notes.txt": "mine\n"})
    assert build(site, "--output", str(out), "--force").exit_code == 0
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine\n"
    marker = json.loads((out / MARKER).read_text(encoding="utf-8"))
    assert "notes.txt" not in marker["files"]


@pytest.mark.parametrize("folder", ["templates", "theme_overrides", "static",
                                    "themes/custom", "theme_overrides/partials"])
def test_output_into_a_folder_the_theme_reads_is_refused(site: Path, folder: str) -> None:
    # Threat: generated pages in templates/ are loaded as templates by the next build, so an
    # article title runs as template code (server-side template injection).
    target = site / folder
    result = build(site, "--output", str(target))
    assert result.exit_code == 1, result.output
    assert "refusing to publish" in result.output
    assert not target.exists() or not any(target.iterdir())


def test_a_title_written_as_template_code_stays_text(site: Path, tmp_path: Path) -> None:
    # Threat: a title like {{ cycler.__init__.__globals__.os.getcwd() }} must never execute.
    payload = "{{ cycler.__init__.__globals__.os.getcwd() }}"
    write_files(site, {"content/articles/ssti.md": (
        f"---\ntitle: \"{payload}\"\ndate: 2025-12-01\n---\nBody.\n")})
    assert build(site, "--output", str(site / "templates")).exit_code == 1
    assert build(site, "--output", str(tmp_path / "elsewhere")).exit_code == 0
    page = (tmp_path / "elsewhere/articles/ssti/index.html").read_text(encoding="utf-8")
    assert str(site) not in page and "cycler.__init__" in page
    # An output made before templates/ was refused is never loaded as templates either.
    shutil.copytree(tmp_path / "elsewhere", site / "templates")
    result = build(site, "--output", str(tmp_path / "again"))
    assert result.exit_code == 1 and "never loaded from an output folder" in result.output


def held_back_words(site: Path) -> list[str]:
    """The slug, title and id of every draft and scheduled article of the basic site."""
    words = []
    for path in (site / "content/articles").glob("*.md"):
        text = path.read_text(encoding="utf-8")
        if "draft: true" in text or "publish_date: 2099" in text:
            words.append(path.stem)
            for line in text.splitlines():
                if line.startswith(("title:", "id:", "slug:")):
                    words.append(line.split(":", 1)[1].strip().strip('"'))
    return words


def test_nothing_about_held_back_articles_is_published(site: Path) -> None:
    # Threat: the published manifest named drafts' and scheduled articles' URLs (embargoes).
    write_files(site, {"content/articles/embargo-plans.md": (
        "---\ntitle: Embargoed merger talks\nid: urn:embargo:7731\ndate: 2025-12-01\n"
        "publish_date: 2099-01-01\n---\nSecret.\n")})
    secrets = [w for w in held_back_words(site) if len(w) > 5]
    assert "embargo-plans" in secrets and "urn:embargo:7731" in secrets
    assert build(site).exit_code == 0
    assert build(site).exit_code == 0  # and after a cached rebuild too
    leaks = []
    for path in (site / "public").rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            leaks += [(path.name, w) for w in secrets if w.encode() in data]
    assert leaks == []
    marker = json.loads((site / "public" / MARKER).read_text(encoding="utf-8"))
    assert set(marker) == {"format", "generator", "files"}


def test_a_file_truncated_by_hand_is_written_again(site: Path) -> None:
    assert build(site).exit_code == 0
    page = site / "public/index.html"
    whole = page.read_bytes()
    page.write_bytes(whole[:100])
    assert build(site).exit_code == 0
    assert page.read_bytes() == whole


def _hold_lock(site: Path) -> int:
    fd = os.open(site / ".public.lock", os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX)
    return fd


def test_a_second_build_refuses_with_no_wait(site: Path) -> None:
    assert build(site).exit_code == 0
    fd = _hold_lock(site)
    try:
        result = build(site, "--no-wait")
    finally:
        os.close(fd)
    assert result.exit_code == 1, result.output
    assert "another build" in result.output


def test_two_builds_at_once_run_one_after_the_other(site: Path, tmp_path: Path) -> None:
    # Threat: a second build deleted the first one's staging, and both reported success while
    # hundreds of pages stayed stale for good.
    for number in range(300):
        write_files(site, {f"content/articles/gen{number:03d}.md": (
            f"---\ntitle: Generated {number}\ndate: 2025-11-{1 + number % 28:02d}\n"
            f"briefings: [alpha]\ntags: [t{number % 7}]\n---\nBody {number}.\n\nMore.\n")})
    env = {**os.environ, "SOURCE_DATE_EPOCH": NOW_EPOCH}
    command = [sys.executable, "-m", "generator", "build", "--site", str(site), "-j", "1"]
    first = subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    time.sleep(0.5)
    # Another build of other output (drafts shown) into the same folder, while it runs.
    second = subprocess.run([*command, "--drafts"], cwd=REPO, env=env, capture_output=True,
                            text=True, timeout=600)
    _, first_err = first.communicate(timeout=600)
    assert first.returncode == 0, first_err
    assert second.returncode == 0, second.stderr
    assert build(site).exit_code == 0
    reference = tmp_path / "reference"
    assert build(site, "--no-cache", "--output", str(reference)).exit_code == 0
    assert tree_digest(site / "public") == tree_digest(reference)


def test_a_file_name_that_is_not_utf8_is_reported(site: Path) -> None:
    # Threat: an undecodable file name crashed the build deep in the cache's keys.
    name = os.fsencode(site / "content/articles") + b"/caf\xe9.md"
    with open(name, "wb") as handle:
        handle.write(b"---\ntitle: Cafe\ndate: 2025-12-01\n---\nBody.\n")
    result = build(site)
    assert result.exit_code == 1, result.output
    assert "not UTF-8" in result.output and "Traceback" not in result.output
