"""`briefings serve` in a real browser: live reload, CSS swap, error overlay, recovery,
and edits to theme overrides.

Runs the preview server as a child process and headless Chromium through Playwright
(`pip install playwright`, `apt-get install chromium`; never `playwright install`).
Timeouts here are generous waits for a page that never updates, not performance limits:
the edit-to-visible latencies are printed (`pytest -s`) and, with
BRIEFINGS_RECORD_LATENCY=1, appended to bench/results/preview-latency.jsonl.
"""

from __future__ import annotations

import re
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.conftest import REPO, SITES
from tests.preview_driver import (
    ServeProcess,
    free_port,
    median,
    record,
    wait_visible,
    with_sentence,
    write_and_time,
)

WAIT_MS = 15_000  # the longest a page may take to follow an edit before the test fails
GOOD_DATE = "date: 2025-11-03T09:00:00+01:00"
EDITS = 5


def copy_site(tmp_path: Path) -> Path:
    """Copy tests/sites/basic, with its own copy of the default theme."""
    site = tmp_path / "site"
    shutil.copytree(SITES / "basic", site)
    shutil.copytree(REPO / "themes" / "default", site / "themes" / "default")
    return site


@contextmanager
def serving(site: Path) -> Iterator[ServeProcess]:
    """Serve the site; on leaving, stop it as Ctrl-C does and check it left cleanly."""
    server = ServeProcess(site, free_port())
    try:
        server.start(timeout=60)
    except RuntimeError as exc:
        pytest.fail(str(exc))
    try:
        yield server
    except BaseException:
        server.kill()  # the test failed already; leave no server behind
        raise
    code = server.stop(timeout=5)
    output = server.output
    assert code is not None, f"serve did not exit within 5 s of SIGINT; its output:\n{output}"
    assert code == 0, f"serve exited with {code}; its output:\n{output}"
    assert "Traceback" not in output, output
    assert not (site / "public").exists(), "the preview wrote into the site's public/"


@pytest.fixture
def preview(tmp_path: Path) -> Iterator[ServeProcess]:
    """Serve a copy of tests/sites/basic, with its own copy of the default theme."""
    # Stopped while the browser still has the page (and its event stream) open, as with Ctrl-C.
    with serving(copy_site(tmp_path)) as server:
        yield server


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    yield context.new_page()
    context.close()


def marker(page: Page) -> object:
    return page.evaluate("window.__marker")


def test_preview_follows_edits_in_the_browser(page: Page, preview: ServeProcess) -> None:
    # `page` comes first so that it is still open when `preview` sends SIGINT.
    site = preview.site
    article = site / "content" / "articles" / "first" / "index.md"
    stylesheet = site / "themes" / "default" / "static" / "style.css"
    original = article.read_text(encoding="utf-8")
    assert GOOD_DATE in original
    token = uuid.uuid4().hex[:8]

    page.goto(preview.url + "articles/first/")
    expect(page.locator("h1")).to_contain_text("First alpha development")
    page.evaluate("window.__marker = 1")

    # (a) Each saved edit shows up without the test touching the page.
    latencies = []
    text = original
    for n in range(1, EDITS + 1):
        sentence = f"Edit {n} of run {token} reached the browser."
        text = with_sentence(original, sentence)
        latencies.append(write_and_time(page, article, text, sentence, WAIT_MS))
    assert marker(page) is None, "the page was not reloaded although its content changed"
    last_sentence = sentence
    print(f"\nedit-to-visible latency over {len(latencies)} edits: "
          f"median {median(latencies):.0f} ms; all: "
          + ", ".join(f"{v:.0f}" for v in latencies) + " ms")
    if (path := record("pytest", latencies, site="tests/sites/basic")) is not None:
        print(f"recorded in {path}")

    # (b) A CSS-only change swaps the stylesheet in place: no reload, so the marker survives.
    page.evaluate("window.__marker = 1")
    body_colour = "getComputedStyle(document.body).backgroundColor"
    assert page.evaluate(body_colour) != "rgb(1, 2, 3)"
    css = stylesheet.read_text(encoding="utf-8")
    stylesheet.write_text(css + "\nbody { background-color: rgb(1, 2, 3) !important; }\n",
                          encoding="utf-8")
    page.wait_for_function(f"{body_colour} === 'rgb(1, 2, 3)'", timeout=WAIT_MS)
    assert marker(page) == 1, "a CSS-only change reloaded the whole page"

    # (c) A broken front matter shows the overlay over the last good page.
    broken = text.replace(GOOD_DATE, "date: yesterday")
    line = next(i for i, row in enumerate(broken.splitlines(), 1) if row.startswith("date:"))
    article.write_text(broken, encoding="utf-8")
    overlay = page.locator("#briefings-error-overlay")
    expect(overlay).to_be_visible(timeout=WAIT_MS)
    errors = overlay.locator(".briefings-error")
    expect(errors.first).to_contain_text(f"content/articles/first/index.md:{line}", timeout=WAIT_MS)
    expect(errors.first).to_contain_text(re.compile(r"\bdate\b"))
    expect(page.locator("body")).to_contain_text(last_sentence)
    assert marker(page) == 1, "a failed build reloaded the page"

    # (d) Fixing it reloads into the new good build; the overlay is gone.
    fixed_sentence = f"The fix of run {token} is live."
    article.write_text(with_sentence(original, fixed_sentence), encoding="utf-8")
    wait_visible(page, fixed_sentence, WAIT_MS)
    expect(overlay).to_have_count(0, timeout=WAIT_MS)
    assert marker(page) is None, "the page was not reloaded after the fix"
    assert not (site / "public").exists(), "the preview wrote into the site's public/"


OVERRIDE = """{% extends "theme:article.html" %}
{% block main %}<p class="override">VERSION</p>{{ super() }}{% endblock %}
"""


def test_an_edit_under_theme_overrides_reloads_the_page(page: Page, tmp_path: Path) -> None:
    site = copy_site(tmp_path)
    override = site / "theme_overrides" / "templates" / "article.html"
    override.parent.mkdir(parents=True)
    override.write_text(OVERRIDE.replace("VERSION", "Override one"), encoding="utf-8")
    with serving(site) as preview:
        page.goto(preview.url + "articles/first/")
        expect(page.locator("p.override")).to_have_text("Override one")
        page.evaluate("window.__marker = 1")
        override.write_text(OVERRIDE.replace("VERSION", "Override two"), encoding="utf-8")
        expect(page.locator("p.override")).to_have_text("Override two", timeout=WAIT_MS)
        assert marker(page) is None, "the page was not reloaded after the template changed"
