"""Symbolic links in and as the content folders: loops and links out of the site are refused.

Threat: a site is often a repository that someone else wrote (a pull request built by CI, a
shared template site, an archive from a colleague). A symbolic link committed there as
`content/articles -> /home/editor/private` or `content -> ../../..` would make the build
read, render and publish whatever Markdown it leads to, on a public web site. A link inside
the content folders was already refused when it leads out of the site; the folders
themselves must follow the same rule, and a link that loops must be reported, not crash.
Each refusal is one `error: path: message` line, exit 1, and the previous output unchanged.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import build, error_lines, tree_digest, write_files

SECRET = "---\ntitle: Private notes\ndate: 2025-12-01\n---\nSECRET-7f3a must stay private.\n"


@pytest.fixture
def site(built_basic: Path) -> Path:
    return built_basic


def assert_refused(site: Path, before: dict[str, str], where: str, message: str) -> None:
    result = build(site)
    output = result.output
    errors = error_lines(result)
    assert len(errors) == 1, output
    assert errors[0].startswith(f"error: {where}: "), output
    assert message in errors[0], output
    assert "Build failed: 1 problem; nothing was written." in output
    assert tree_digest(site / "public") == before
    assert "SECRET-7f3a" not in "".join(
        p.read_text(encoding="utf-8", errors="replace")
        for p in (site / "public").rglob("*") if p.is_file())
    assert not (site / ".public.staging").exists()


# --- loops ---------------------------------------------------------------------------------


def file_to_itself(site: Path) -> None:
    os.symlink("self.md", site / "content/articles/self.md")


def two_files_to_each_other(site: Path) -> None:
    os.symlink("b.md", site / "content/articles/a.md")
    os.symlink("a.md", site / "content/articles/b.md")


def folder_to_itself(site: Path) -> None:
    os.symlink("round", site / "content/articles/round")


LOOPS = {
    "file-to-itself": (file_to_itself, "content/articles/self.md"),
    "two-files": (two_files_to_each_other, "content/articles/a.md"),
    "folder-to-itself": (folder_to_itself, "content/articles/round"),
}


@pytest.mark.parametrize("case", list(LOOPS))
def test_a_symlink_loop_in_content_is_reported(site: Path, case: str) -> None:
    make, where = LOOPS[case]
    before = tree_digest(site / "public")
    make(site)
    result = build(site)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert f"error: {where}: is a symbolic link that leads back to itself" in result.output
    assert tree_digest(site / "public") == before


def test_a_looping_content_folder_is_reported(site: Path) -> None:
    before = tree_digest(site / "public")
    articles = site / "content/articles"
    articles.rename(site / "content/articles.real")
    os.symlink("articles", articles)
    assert_refused(site, before, "content/articles", "leads back to itself (a loop")


# --- the content folders themselves ---------------------------------------------------------


@pytest.mark.parametrize("folder", ["content/articles", "content/briefings", "content"])
def test_a_content_folder_linked_out_of_the_site_is_refused(site: Path, tmp_path: Path,
                                                            folder: str) -> None:
    before = tree_digest(site / "public")
    outside = tmp_path / "private"
    # The outside folder mirrors what the link stands for, so that only the link is wrong.
    real = site / folder
    write_files(outside, {rel.relative_to(real).as_posix(): rel.read_bytes()
                          for rel in real.rglob("*") if rel.is_file()})
    for name in ("secret.md", "articles/secret.md", "briefings/secret.md"):
        if (outside / name).parent.is_dir():
            write_files(outside, {name: SECRET})
    real.rename(real.with_name(real.name + ".moved"))
    os.symlink(outside, site / folder, target_is_directory=True)
    assert_refused(site, before, folder,
                   f"is a symbolic link to {outside.resolve()}, outside the site")


def test_a_content_folder_linked_inside_the_site_builds(site: Path) -> None:
    (site / "content/articles").rename(site / "shared-articles")
    os.symlink("../shared-articles", site / "content/articles", target_is_directory=True)
    result = build(site)
    assert result.exit_code == 0, result.output
    assert (site / "public/articles/first/index.html").is_file()


def test_an_unreadable_content_folder_is_reported(site: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    # Permission bits do not stop root (the tests' user in CI): fail the listing instead.
    before = tree_digest(site / "public")
    write_files(site, {"content/articles/locked/x.md": SECRET})
    real_scandir = os.scandir

    def scandir(path: str) -> object:
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", path)
        return real_scandir(path)

    monkeypatch.setattr("generator.scan.os.scandir", scandir)
    assert_refused(site, before, "content/articles/locked", "cannot be read: Permission denied")
