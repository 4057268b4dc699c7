"""Deploy to a branch of a git repository (GitHub Pages) with git plumbing alone.

The new tree is built in a temporary index from the branch's last commit, with only the
changed files hashed into the object store, then committed and the branch moved with a
compare-and-swap. No working tree and no real index is touched, so `git: "."` is safe in
the site's own checkout. A tree equal to the last commit's makes no commit. CNAME and
.nojekyll stay (.nojekyll is added: the output is not a Jekyll site).
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path

from generator.cache import CACHE_DIR
from generator.deploy import RECORD, Echo, Plan, Report, guard, plan, read_record, record_bytes
from generator.deploy_headers import in_order
from generator.model import DeploySettings, DeployTarget
from generator.rclone import DeployError

KEEP = ("CNAME", ".nojekyll")  # GitHub Pages' own files: never deleted unless published
ZERO = "0" * 40
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://|[^/\s]+@[^/\s]+:")


class _Git:
    """Run git in one repository for one target, turning failures into DeployErrors."""

    def __init__(self, target: DeployTarget, git_dir: Path, index: str | None = None) -> None:
        self.target, self.git_dir, self.index = target, git_dir, index

    def __call__(self, *args: str, data: bytes | None = None, check: bool = True) -> str:
        env = {**os.environ, "GIT_DIR": str(self.git_dir), "GIT_TERMINAL_PROMPT": "0"}
        if self.index:
            env["GIT_INDEX_FILE"] = self.index
        for role in ("AUTHOR", "COMMITTER"):  # CI machines often have no identity set
            env.setdefault(f"GIT_{role}_NAME", "Briefings")
            env.setdefault(f"GIT_{role}_EMAIL", "briefings@localhost")
        try:
            done = subprocess.run(["git", *args], input=data, capture_output=True, env=env,
                                  check=False)
        except OSError as exc:
            raise DeployError(f"cannot run git for target '{self.target.name}': "
                              f"{exc.strerror or exc}") from None
        if check and done.returncode != 0:
            why = done.stderr.decode("utf-8", "replace").strip().splitlines() or ["failed"]
            raise DeployError(f"deploy to '{self.target.name}' (git {self.target.git}, branch "
                              f"{self.target.branch}) failed: {why[-1]}")
        return done.stdout.decode("utf-8", "surrogateescape").strip() if done.returncode == 0 \
            else ""


def _repository(target: DeployTarget, root: Path) -> tuple[Path, str]:
    """Return the git folder to commit in, and the URL to push to ("" for a local path)."""
    if _URL.match(target.git):
        # A private bare clone in the cache, fetched before and pushed after each deploy.
        key = hashlib.blake2b(target.git.encode(), digest_size=8).hexdigest()
        folder = root / CACHE_DIR / "deploy" / f"{key}.git"
        if not (folder / "HEAD").exists():
            folder.parent.mkdir(parents=True, exist_ok=True)
            subprocess.run(["git", "init", "-q", "--bare", str(folder)], check=True,
                           capture_output=True)
        return folder, target.git
    repo = (root / target.git).resolve()
    found = subprocess.run(["git", "-C", str(repo), "rev-parse", "--absolute-git-dir"],
                           capture_output=True, check=False)
    if found.returncode != 0:
        raise DeployError(f"deploy target '{target.name}': {repo} is not a git repository; "
                          "run git init there, or name another in deploy.targets")
    return Path(found.stdout.decode().strip()), ""


def deploy(settings: DeploySettings, target: DeployTarget, root: Path, out: Path,
           files: Mapping[str, str], dry_run: bool, yes: bool, echo: Echo,
           started: float) -> Report:
    """Commit the output to the target's branch (and push it, for a URL)."""
    git_dir, url = _repository(target, root)
    git = _Git(target, git_dir)
    ref = f"refs/heads/{target.branch}"
    if url:
        git("fetch", "-q", "--no-tags", url, f"+{ref}:{ref}", check=False)  # none yet: a new one
    for line in git("worktree", "list", "--porcelain", check=False).splitlines():
        if line == f"branch {ref}":
            raise DeployError(f"deploy target '{target.name}': {target.branch} is checked out "
                              "in a working tree, which a deploy never touches; switch that "
                              "tree to another branch")
    parent = git("rev-parse", "--verify", "-q", ref + "^{commit}", check=False)
    known = read_record(git("cat-file", "blob", f"{parent}:{RECORD}", check=False).encode(
        "utf-8", "surrogateescape")) if parent else None
    the_plan = plan(files, known[0], known[1]) if known else _by_blobs(git, parent, out, files)
    if dry_run:
        return Report(target, the_plan, 0, 0, time.perf_counter() - started)
    guard(target, the_plan, settings.max_deletes, yes)
    with tempfile.TemporaryDirectory(prefix="briefings-deploy-") as tmp:
        staged = _Git(target, git_dir, str(Path(tmp) / "index"))
        staged("read-tree", parent) if parent else staged("read-tree", "--empty")
        uploads = [p for paths in the_plan.uploads.values() for p in paths]
        blobs = staged("hash-object", "-w", "--stdin-paths",
                       data="".join(f"{out / p}\n" for p in uploads).encode()).split()
        entries = [f"100644 blob {sha}\t{path}" for sha, path in zip(blobs, uploads, strict=True)]
        entries += [f"0 {ZERO}\t{path}" for path in the_plan.deletes]
        record = staged("hash-object", "-w", "--stdin", data=record_bytes(files))
        entries.append(f"100644 blob {record}\t{RECORD}")
        if not (parent and _exists(staged, parent, ".nojekyll")):
            empty = staged("hash-object", "-w", "--stdin", data=b"")
            entries.append(f"100644 blob {empty}\t.nojekyll")
        staged("update-index", "-z", "--index-info",
               data="".join(e + "\0" for e in entries).encode("utf-8", "surrogateescape"))
        tree = staged("write-tree")
    if parent and tree == git("rev-parse", parent + "^{tree}"):
        return Report(target, the_plan, 0, 0, time.perf_counter() - started)
    message = (f"Deploy: {the_plan.upload_count} changed, {len(the_plan.deletes)} deleted "
               f"({len(files)} files)")
    commit = git("commit-tree", tree, *(["-p", parent] if parent else []), "-m", message)
    git("update-ref", "-m", "briefings deploy", ref, commit, parent or ZERO)
    if url:
        git("push", "-q", url, f"{ref}:{ref}")
    return Report(target, the_plan, len(uploads), len(the_plan.deletes),
                  time.perf_counter() - started, commit)


def _exists(git: _Git, commit: str, path: str) -> bool:
    return bool(git("rev-parse", "--verify", "-q", f"{commit}:{path}", check=False))


def _by_blobs(git: _Git, parent: str, out: Path, files: Mapping[str, str]) -> Plan:
    """Plan without a record: compare each file's blob id with the branch's tree."""
    paths = sorted(files)
    ids = git("hash-object", "--stdin-paths",
              data="".join(f"{out / p}\n" for p in paths).encode()).split()
    mine = dict(zip(paths, ids, strict=True))
    theirs: dict[str, str] = {}
    if parent:
        for line in git("ls-tree", "-r", "-z", "--full-tree", parent).split("\0"):
            meta, _, path = line.partition("\t")
            if path:
                theirs[path] = meta.split()[-1]
    changed = {p for p, sha in mine.items() if theirs.get(p) != sha}
    deletes = sorted(set(theirs) - set(mine) - {*KEEP, RECORD})
    return Plan(in_order(changed), deletes, len(files) - len(changed), True,
                sorted(changed | set(deletes)))
