"""`briefings deploy` to a git branch (GitHub Pages), with a bare repository standing in."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.conftest import tree_digest
from tests.deploy_helpers import RECORD, build, deploy, edit_article, make_site, published


def git(repo: Path, *args: str, data: bytes | None = None) -> str:
    """Run git in a repository; return its output."""
    done = subprocess.run(["git", "-C", str(repo), *args], input=data, capture_output=True,
                          check=True, env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t",
                                           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t",
                                           "PATH": "/usr/bin:/bin"})
    return done.stdout.decode().strip()


def branch_tree(repo: Path, ref: str = "gh-pages") -> dict[str, str]:
    """Return the files of a branch with the SHA-256 of their bytes."""
    import hashlib

    names = [n for n in git(repo, "ls-tree", "-r", "-z", "--name-only", ref).split("\0") if n]
    return {name: hashlib.sha256(subprocess.run(
        ["git", "-C", str(repo), "cat-file", "blob", f"{ref}:{name}"], capture_output=True,
        check=True).stdout).hexdigest() for name in names}


def test_commits_the_output_to_a_branch_of_a_bare_repository(tmp_path: Path) -> None:
    pages = tmp_path / "pages.git"
    git(tmp_path, "init", "-q", "--bare", str(pages))
    # The branch GitHub serves already holds a CNAME and a page of an older site.
    blob = git(pages, "hash-object", "-w", "--stdin", data=b"news.example.org\n")
    old = git(pages, "hash-object", "-w", "--stdin", data=b"<p>old</p>\n")
    tree = git(pages, "mktree", data=f"100644 blob {blob}\tCNAME\n100644 blob {old}\t"
                                      "old.html\n".encode())
    first = git(pages, "commit-tree", tree, "-m", "by hand")
    git(pages, "update-ref", "refs/heads/gh-pages", first)

    site = make_site(tmp_path, f'deploy:\n  targets:\n    pages: {{git: "{pages}"}}\n')
    build(site)
    deploy(site)
    files = branch_tree(pages)
    assert files.pop("CNAME") and files.pop(".nojekyll") == tree_digest_of(b"")
    assert files.pop(RECORD)
    assert files == published(site)  # old.html is gone
    assert git(pages, "rev-parse", "gh-pages~1") == first
    head = git(pages, "rev-parse", "gh-pages")
    assert deploy(site) == (0, 0)
    assert git(pages, "rev-parse", "gh-pages") == head  # no commit when nothing changed

    edit_article(site, "content/articles/third.md", "the", "a")
    build(site)
    deploy(site)
    assert git(pages, "rev-parse", "gh-pages~1") == head
    files = branch_tree(pages)
    for name in ("CNAME", ".nojekyll", RECORD):
        files.pop(name)
    assert files == published(site)


def tree_digest_of(data: bytes) -> str:
    """Return the SHA-256 of some bytes."""
    import hashlib

    return hashlib.sha256(data).hexdigest()


def test_the_sites_own_repository_keeps_its_working_tree(tmp_path: Path) -> None:
    site = make_site(tmp_path, 'deploy:\n  targets:\n    pages: {git: ".", branch: gh-pages}\n')
    (site / ".gitignore").write_text("public/\n.public.lock\n.briefings-cache/\n", encoding="utf-8")
    git(site, "init", "-q", "-b", "main")
    git(site, "add", ".")
    git(site, "commit", "-q", "-m", "the site")
    head, index = git(site, "rev-parse", "HEAD"), (site / ".git" / "index").read_bytes()
    before = tree_digest(site)
    build(site)
    deploy(site)
    assert git(site, "rev-parse", "HEAD") == head
    assert git(site, "status", "--porcelain") == ""
    assert (site / ".git" / "index").read_bytes() == index
    after = tree_digest(site)
    assert {p: d for p, d in after.items() if not p.startswith(("public/", ".briefings-cache/",
                                                                  ".git/", ".public"))} == {
        p: d for p, d in before.items() if not p.startswith(".git/")}
    files = branch_tree(site)
    for name in (".nojekyll", RECORD):
        files.pop(name)
    assert files == published(site)
