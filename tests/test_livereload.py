"""The preview server's logic, without sockets: paths, types, reload state, waiting."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pytest

from generator.livereload import EVENTS, SCRIPT, Preview, content_type
from tests.conftest import write_files


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "out"
    write_files(root, {
        "index.html": "<!DOCTYPE html><html><body><p>home</p></body></html>",
        "articles/a/index.html": "<html><body>article a</body></html>",
        "404.html": "<html><body>themed not found</body></html>",
        "static/style.css": "body{}",
        "feed.xml": "<?xml version='1.0'?>\n<rss version=\"2.0\"></rss>",
        "atom.xml": "<?xml version='1.0'?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\"></feed>",
        "sitemap.xml": "<?xml version='1.0'?>\n<urlset></urlset>",
        "feed.json": '{"version": "https://jsonfeed.org/version/1.1", "items": []}',
        "logo.png": b"\x89PNG\r\n",
    })
    (tmp_path / "secret.txt").write_text("TOPSECRET")
    return root


def preview(root: Path, errors: list[str] | None = None) -> Preview:
    return Preview(root, lambda: list(errors or []), log=lambda _: None)


def test_pretty_urls_redirects_and_404(site: Path) -> None:
    p = preview(site)
    home = p.respond("GET", "/")
    assert home.status == 200 and b"home" in home.body
    assert p.respond("GET", "/articles/a/").status == 200
    moved = p.respond("GET", "/articles/a?x=1")
    assert moved.status == 301 and moved.headers["Location"] == "/articles/a/?x=1"
    missing = p.respond("GET", "/nowhere/")
    assert missing.status == 404 and b"themed not found" in missing.body
    assert missing.headers["Content-Type"] == "text/html; charset=utf-8"


@pytest.mark.parametrize(("path", "kind"), [
    ("/", "text/html; charset=utf-8"),
    ("/static/style.css", "text/css; charset=utf-8"),
    ("/feed.xml", "application/rss+xml; charset=utf-8"),
    ("/atom.xml", "application/atom+xml; charset=utf-8"),
    ("/sitemap.xml", "application/xml; charset=utf-8"),
    ("/feed.json", "application/feed+json; charset=utf-8"),
    ("/logo.png", "image/png"),
])
def test_content_types_and_headers(site: Path, path: str, kind: str) -> None:
    response = preview(site).respond("GET", path)
    assert response.status == 200
    assert response.headers["Content-Type"] == kind
    assert response.headers["Cache-Control"] == "no-store"
    assert int(response.headers["Content-Length"]) == len(response.body)


def test_head_has_headers_but_no_body(site: Path) -> None:
    p = preview(site)
    get, head = p.respond("GET", "/feed.xml"), p.respond("HEAD", "/feed.xml")
    assert head.status == 200 and head.body == b""
    assert head.headers["Content-Length"] == get.headers["Content-Length"]
    assert p.respond("POST", "/").status == 405


@pytest.mark.parametrize("path", [
    "/../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E/secret.txt", "/articles/../../secret.txt",
    "/..%2fsecret.txt", "/..\\secret.txt", "/%5c..%5csecret.txt", "//etc/passwd/../..",
    "/%00", "/%ff", "http://evil/../secret.txt",
])
def test_paths_outside_the_output_are_refused(site: Path, path: str) -> None:
    response = preview(site).respond("GET", path)
    assert response.status in (403, 404), path
    assert b"TOPSECRET" not in response.body


def test_absolute_paths_stay_inside(site: Path) -> None:
    # "//etc/passwd" is the path /etc/passwd under the output, which does not exist there.
    response = preview(site).respond("GET", "//etc/passwd")
    assert response.status == 404 and b"root:" not in response.body


def test_symlinks_leading_out_are_refused_and_inside_allowed(site: Path) -> None:
    os.symlink(site.parent / "secret.txt", site / "leak.txt")
    os.symlink(site.parent, site / "up")
    os.symlink(site / "static" / "style.css", site / "alias.css")
    p = preview(site)
    assert p.respond("GET", "/leak.txt").status == 403
    assert p.respond("GET", "/up/secret.txt").status == 403
    assert p.respond("GET", "/alias.css").status == 200


def test_html_gets_the_reload_script_and_the_script_is_served(site: Path) -> None:
    p = preview(site)
    body = p.respond("GET", "/").body
    assert body.endswith(f'<script src="{SCRIPT}" data-version="0"></script></body></html>'
                         .encode())
    assert b"EventSource" in p.respond("GET", SCRIPT).body
    assert b"data-version" not in p.respond("GET", "/static/style.css").body


def test_rebuild_versions_errors_and_css_only(site: Path) -> None:
    errors: list[str] = []
    p = preview(site, errors)
    assert p.rebuild() == () and p.state.version == 1
    errors.append("content/articles/a.md:3: 'date': bad")
    assert p.rebuild() == ("content/articles/a.md:3: 'date': bad",)
    assert p.state.version == 1  # a failed build keeps the last good site
    assert p.respond("GET", "/").status == 200
    errors.clear()
    assert p.rebuild(css_only=True) == ()
    # Leaving an error state needs a full reload, even for a CSS change.
    assert p.state.version == 2 and not p.state.css_only and p.state.errors == ()
    p.rebuild(css_only=True)
    assert p.state.version == 3 and p.state.css_only


def test_a_crashing_build_becomes_an_error_not_a_dead_server(site: Path) -> None:
    def crash() -> list[str]:
        raise RuntimeError("boom")

    p = Preview(site, crash, log=lambda _: None)
    assert p.rebuild() == ("the build crashed: RuntimeError: boom",)
    assert p.respond("GET", "/").status == 200


def test_requests_wait_for_the_rebuild_in_flight(site: Path) -> None:
    release, started = threading.Event(), threading.Event()

    def slow_build() -> list[str]:
        started.set()
        release.wait(10)
        (site / "index.html").write_text("<html><body>new home</body></html>")
        return []

    p = Preview(site, slow_build, log=lambda _: None)
    builder = threading.Thread(target=p.rebuild)
    builder.start()
    assert started.wait(10)
    answers: list[bytes] = []
    reader = threading.Thread(target=lambda: answers.append(p.respond("GET", "/").body))
    reader.start()
    reader.join(0.3)
    assert reader.is_alive() and not answers  # held back while the build runs
    release.set()
    reader.join(10)
    builder.join(10)
    assert answers and b"new home" in answers[0]


def test_event_stream_sends_state_and_ends_on_stop(site: Path) -> None:
    p = preview(site)
    received: list[bytes] = []
    stream = threading.Thread(target=p.events, args=(received.append,))
    stream.start()
    p.rebuild()
    for _ in range(100):
        if len(received) >= 2:
            break
        threading.Event().wait(0.02)
    p.stop()
    stream.join(5)
    assert not stream.is_alive()
    events = [json.loads(chunk.decode()[len("data: "):]) for chunk in received
              if chunk.startswith(b"data: ")]
    assert events[0] == {"version": 0, "errors": [], "cssOnly": False}
    assert events[-1]["version"] == 1


def test_event_path_constant_is_under_the_private_prefix() -> None:
    assert EVENTS.startswith("/__briefings__/")
    assert content_type(Path("x.unknown"), b"") == "application/octet-stream"
