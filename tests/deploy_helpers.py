"""Helpers of the deploy tests: a site copy with deploy targets, loopback rclone servers."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from generator.rclone import binary
from tests.conftest import NOW_EPOCH, REPO, SITES, tree_digest

RECORD = ".briefings-deploy.json"
MANIFEST = ".briefings-manifest.json"


def make_site(tmp: Path, deploy_yaml: str, example: bool = False) -> Path:
    """Copy the basic fixture (or the example site) and append a deploy: section."""
    site = tmp / "site"
    if example:
        site.mkdir()
        for name in ("site.yaml", "content", "static", "themes"):
            source = REPO / name
            if source.is_dir():
                shutil.copytree(source, site / name)
            elif source.exists():
                shutil.copy(source, site / name)
    else:
        shutil.copytree(SITES / "basic", site)
    with open(site / "site.yaml", "a", encoding="utf-8") as handle:
        handle.write("\n" + deploy_yaml)
    return site


def env(**extra: str) -> dict[str, str]:
    """Return the environment of a CLI run: the fixed clock and no user rclone config."""
    found = {k: v for k, v in os.environ.items() if not k.startswith("RCLONE_")}
    return {**found, "SOURCE_DATE_EPOCH": NOW_EPOCH, "RCLONE_CONFIG": os.devnull, **extra}


def cli(site: Path, *args: str, extra: dict[str, str] | None = None
        ) -> subprocess.CompletedProcess[str]:
    """Run `briefings ARGS --site SITE` as its own process."""
    return subprocess.run([sys.executable, "-m", "generator", *args, "--site", str(site)],
                          capture_output=True, text=True, check=False, env=env(**extra or {}),
                          cwd=site)


def build(site: Path) -> None:
    """Build the site, or fail the test with the build's output."""
    done = cli(site, "build", "-j1")
    assert done.returncode == 0, done.stderr


def deploy(site: Path, *args: str, extra: dict[str, str] | None = None) -> tuple[int, int]:
    """Deploy (building first: other work may change the generator's code meanwhile);
    return (uploaded, deleted) as the command reports them."""
    done = cli(site, "deploy", "--build", *args, extra=extra)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    if "is up to date" in done.stdout:
        return 0, 0
    found = re.search(r"(\d+) uploaded, (\d+) deleted", done.stdout)
    assert found, done.stdout
    return int(found.group(1)), int(found.group(2))


def published(site: Path) -> dict[str, str]:
    """Return the output's files and digests, without the build's private marker."""
    files = tree_digest(site / "public")
    files.pop(MANIFEST)
    return files


def on_target(folder: Path) -> dict[str, str]:
    """Return what a target folder holds, without the deploy record."""
    files = tree_digest(folder)
    assert RECORD in files
    files.pop(RECORD)
    return files


def edit_article(site: Path, path: str, old: str, new: str) -> None:
    """Replace words in a content file."""
    file = site / path
    text = file.read_text(encoding="utf-8")
    assert old in text
    file.write_text(text.replace(old, new, 1), encoding="utf-8")


def free_port() -> int:
    """Return a loopback port that is free now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def rclone_server(kind: str, root: Path, *args: str) -> Iterator[str]:
    """Run `rclone serve KIND ROOT` on a loopback port; yield its URL."""
    port = free_port()
    process = subprocess.Popen([binary(), "serve", kind, str(root), "--addr",
                                f"127.0.0.1:{port}", *args], env=env(),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while True:  # until it listens (a server that dies fails the test below)
            assert process.poll() is None, f"rclone serve {kind} exited"
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait()


S3_KEYS = ("test-key", "test-secret")


def s3_env(url: str, name: str = "s3") -> dict[str, str]:
    """Return the RCLONE_CONFIG_* variables of an S3 remote at a loopback server."""
    prefix = f"RCLONE_CONFIG_{name.upper()}_"
    return {prefix + "TYPE": "s3", prefix + "PROVIDER": "Rclone", prefix + "ENDPOINT": url,
            prefix + "ACCESS_KEY_ID": S3_KEYS[0], prefix + "SECRET_ACCESS_KEY": S3_KEYS[1]}


def webdav_env(url: str, name: str = "dav") -> dict[str, str]:
    """Return the RCLONE_CONFIG_* variables of a WebDAV remote at a loopback server."""
    prefix = f"RCLONE_CONFIG_{name.upper()}_"
    return {prefix + "TYPE": "webdav", prefix + "URL": url, prefix + "VENDOR": "other"}
