"""`briefings deploy` to a local folder, a loopback S3 server and a loopback WebDAV server."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from generator.rclone import binary
from tests.conftest import tree_digest
from tests.deploy_helpers import (
    RECORD,
    build,
    cli,
    deploy,
    edit_article,
    env,
    make_site,
    on_target,
    published,
    rclone_server,
    s3_env,
    webdav_env,
)


@pytest.fixture(params=["local", "s3", "webdav"])
def target(request: pytest.FixtureRequest, tmp_path: Path
           ) -> Iterator[tuple[str, Path, dict[str, str]]]:
    """Yield (rclone remote, the folder that holds what it stores, its environment)."""
    store = tmp_path / "store"
    store.mkdir()
    with ExitStack() as stack:
        if request.param == "local":
            yield str(store / "www"), store / "www", {}
        elif request.param == "s3":
            url = stack.enter_context(rclone_server("s3", store, "--auth-key",
                                                    "test-key,test-secret"))
            (store / "bucket").mkdir()
            yield "s3:bucket/site", store / "bucket" / "site", s3_env(url)
        else:
            url = stack.enter_context(rclone_server("webdav", store))
            yield "dav:site", store / "site", webdav_env(url)


def test_deploys_only_what_changed(tmp_path: Path,
                                   target: tuple[str, Path, dict[str, str]]) -> None:
    remote, folder, extra = target
    site = make_site(tmp_path, f'deploy:\n  targets:\n    web: {{remote: "{remote}"}}\n')
    build(site)
    first = published(site)
    assert deploy(site, extra=extra) == (len(first), 0)
    assert on_target(folder) == first
    record = json.loads((folder / RECORD).read_text(encoding="utf-8"))
    assert set(record["files"]) == set(first) and record["pending"] == []
    assert "draft" not in json.dumps(record)  # nothing about drafts

    assert deploy(site, extra=extra) == (0, 0)  # the second deploy moves nothing

    edit_article(site, "content/articles/third.md", "the", "a")
    build(site)
    second = published(site)
    changed = {p for p in second if first.get(p) != second[p]}
    assert changed and len(changed) < len(second) // 2
    assert deploy(site, extra=extra) == (len(changed), 0)
    assert on_target(folder) == second

    (site / "content/articles/second.md").unlink()
    build(site)
    third = published(site)
    gone = set(second) - set(third)
    assert any(p.startswith("articles/second/") for p in gone)
    moved = {p for p in third if second.get(p) != third[p]}  # lists that named it
    assert deploy(site, extra=extra) == (len(moved), len(gone))
    assert on_target(folder) == third


def test_max_deletes_and_dry_run(tmp_path: Path) -> None:
    www = tmp_path / "www"
    site = make_site(tmp_path, f"deploy:\n  max_deletes: 2\n  targets:\n"
                               f"    web: {{remote: \"{www}\"}}\n")
    build(site)
    deploy(site)
    shutil_tree = on_target(www)
    bundle = site / "content/articles/first"
    for file in sorted(bundle.iterdir()):
        file.unlink()
    bundle.rmdir()
    edit_article(site, "content/articles/third.md", "the", "a")
    build(site)
    plan = cli(site, "deploy", "--dry-run")
    assert plan.returncode == 0, plan.stderr
    assert "nothing was changed" in plan.stdout and "articles/first/" in plan.stdout
    assert on_target(www) == shutil_tree  # --dry-run changed nothing
    stopped = cli(site, "deploy")
    assert stopped.returncode == 1 and "Traceback" not in stopped.stderr
    count = len(set(shutil_tree) - set(published(site)))
    assert f"would delete {count} files, more than deploy.max_deletes (2)" in stopped.stderr
    assert on_target(www) == shutil_tree
    assert deploy(site, "--yes")[1] == count
    assert on_target(www) == published(site)
    assert not (www / "articles" / "first").exists()  # no empty folder left


def test_killed_deploy_completes_on_rerun(tmp_path: Path) -> None:
    store = tmp_path / "store"
    (store / "bucket").mkdir(parents=True)
    with rclone_server("s3", store, "--auth-key", "test-key,test-secret") as url:
        site = make_site(tmp_path, 'deploy:\n  targets:\n    web: {remote: "s3:bucket/w"}\n',
                         example=True)
        build(site)
        folder = store / "bucket" / "w"
        # One file a second: the deploy is still uploading when it is killed.
        slow = env(**s3_env(url), RCLONE_BWLIMIT="20k", RCLONE_TRANSFERS="1")
        process = subprocess.Popen([sys.executable, "-m", "generator", "deploy", "--site",
                                    str(site)], env=slow, start_new_session=True,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while not (folder.exists() and any(p.is_file() for p in folder.rglob("*"))):
            assert process.poll() is None, "the deploy ended before it was killed"
            time.sleep(0.02)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        partial = tree_digest(folder)
        assert partial and RECORD not in partial and len(partial) < len(published(site))
        uploaded, _ = deploy(site, extra=s3_env(url))
        assert uploaded < len(published(site))  # what was up already is not sent again
        assert on_target(folder) == published(site)
        assert deploy(site, extra=s3_env(url)) == (0, 0)


def test_headers_and_content_types_on_s3(tmp_path: Path) -> None:
    store = tmp_path / "store"
    (store / "bucket").mkdir(parents=True)
    with rclone_server("s3", store, "--auth-key", "test-key,test-secret") as url:
        site = make_site(tmp_path, 'deploy:\n  targets:\n    web: {remote: "s3:bucket/w"}\n'
                         '  headers:\n    - {match: "about/**", cache_control: "no-store"}\n',
                         example=True)
        build(site)
        deploy(site, extra=s3_env(url))
        listed = subprocess.run([binary(), "lsjson", "-R", "--metadata", "--files-only",
                                 "s3:bucket/w"], capture_output=True, text=True, check=True,
                                env=env(**s3_env(url)))
    meta = {item["Path"]: item["Metadata"] for item in json.loads(listed.stdout)}
    expected = {"feed.xml": "application/rss+xml; charset=utf-8",
                "atom.xml": "application/atom+xml; charset=utf-8",
                "feed.json": "application/feed+json", "index.html": "text/html; charset=utf-8",
                "sitemap.xml": "application/xml; charset=utf-8",
                "robots.txt": "text/plain; charset=utf-8"}
    for path, kind in expected.items():
        assert meta[path]["content-type"] == kind, path
    style = next(p for p in meta if p.startswith("static/style.") and p.endswith(".css"))
    assert meta[style]["content-type"] == "text/css; charset=utf-8"
    assert meta[style]["cache-control"] == "public, max-age=31536000, immutable"
    assert meta["index.html"]["cache-control"] == "public, max-age=300"
    assert meta["about/index.html"]["cache-control"] == "no-store"  # the site's own rule
    pagefind = [p for p in meta if p.endswith((".pf_meta", ".pf_fragment", ".pf_index",
                                               ".pagefind"))]
    assert pagefind and all(meta[p]["content-type"] == "application/octet-stream"
                            for p in pagefind)
    script = next(p for p in meta if p.endswith("/pagefind.js"))
    assert meta[script]["content-type"] == "text/javascript; charset=utf-8"


def test_refuses_without_a_current_build(tmp_path: Path) -> None:
    site = make_site(tmp_path, f'deploy:\n  targets:\n    web: {{remote: "{tmp_path / "w"}"}}\n')
    none = cli(site, "deploy")
    assert none.returncode == 1 and "no build of" in none.stderr and "--build" in none.stderr
    build(site)
    edit_article(site, "content/articles/third.md", "the", "a")
    stale = cli(site, "deploy")
    assert stale.returncode == 1 and "sources changed since the last build" in stale.stderr
    assert not (tmp_path / "w").exists()
    assert deploy(site, "--build")[0] > 0
    assert on_target(tmp_path / "w") == published(site)


def test_unknown_target_and_unreachable_remote(tmp_path: Path) -> None:
    site = make_site(tmp_path, 'deploy:\n  default: production\n  targets:\n'
                               '    production: {remote: "s3:bucket/site"}\n')
    build(site)
    typo = cli(site, "deploy", "prodution")
    assert typo.returncode == 1 and "did you mean 'production'?" in typo.stderr
    unreachable = cli(site, "deploy", "--build", extra=s3_env("http://127.0.0.1:9"))
    errors = [line for line in unreachable.stderr.splitlines() if line.startswith("error:")]
    assert unreachable.returncode == 1 and "Traceback" not in unreachable.stderr
    assert len(errors) == 1 and "'production'" in errors[0]
    assert "connection refused" in errors[0]
