"""Search: one Pagefind index per year, re-indexed only when its pages change, never
published torn, and merged by the search page, also under a base path prefix."""

from __future__ import annotations

import json
import sys
import textwrap
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from generator import search
from generator.errors import OutputError
from generator.ledger import read_marker
from generator.output import Publisher, check_output_dir
from tests.conftest import (
    build,
    build_apart,
    serve_folder,
    tree_digest,
    write_files,
)

# --- a Pagefind that logs what it is asked and can damage what it answers -------------

# Stands in for the Pagefind program (PAGEFIND_BINARY_PATH): relays the service protocol to
# the real one, logs each request and each IndexedDir page count, and with PAGEFIND_DAMAGE
# set cuts one fragment short ("truncate") or empties it ("empty"), both in a GetFiles
# answer and on disk right after a WriteFiles answer (the race of Pagefind issue #1271).
PROXY = r'''
import base64, json, os, subprocess, sys, threading

real, damage, log = (os.environ["REAL_PAGEFIND"], os.environ.get("PAGEFIND_DAMAGE", ""),
                     os.environ["PAGEFIND_LOG"])
if sys.argv[1:] != ["--service"]:
    os.execv(real, [real, *sys.argv[1:]])
child = subprocess.Popen([real, "--service"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
asked = {}

def note(line):
    with open(log, "a", encoding="utf-8") as handle:
        handle.write(line + "\n")

def cut(data):
    return b"" if damage == "empty" else data[:len(data) // 2]

def relay_requests():
    buffer = b""
    while chunk := os.read(0, 65536):
        buffer += chunk
        while b"," in buffer:
            message, buffer = buffer.split(b",", 1)
            request = json.loads(base64.b64decode(message))
            asked[request["message_id"]] = request["payload"]
            note("ask " + request["payload"]["type"])
            child.stdin.write(message + b",")
            child.stdin.flush()
    child.stdin.close()

threading.Thread(target=relay_requests, daemon=True).start()
buffer = b""
while chunk := child.stdout.read1(1 << 20):
    buffer += chunk
    while b"," in buffer:
        message, buffer = buffer.split(b",", 1)
        answer = json.loads(base64.b64decode(message))
        payload = answer["payload"]
        if payload["type"] == "IndexedDir":
            note(f"pages {payload['page_count']}")
        if damage and payload["type"] == "GetFiles":
            victim = max((f for f in payload["files"] if f["path"].startswith("fragment/")),
                         key=lambda f: f["path"])
            victim["content"] = base64.b64encode(cut(base64.b64decode(victim["content"]))
                                                 ).decode()
            message = base64.b64encode(json.dumps(answer).encode())
        if damage and payload["type"] == "WriteFiles":
            folder = asked[answer["message_id"]].get("output_path") or "pagefind"
            victim = max(p for p in os.listdir(os.path.join(folder, "fragment")))
            path = os.path.join(folder, "fragment", victim)
            with open(path, "rb") as handle:
                data = handle.read()
            with open(path, "wb") as handle:
                handle.write(cut(data))
        sys.stdout.buffer.write(message + b",")
        sys.stdout.buffer.flush()
child.wait()
'''


@pytest.fixture
def pagefind_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Put the logging Pagefind in place; return its log (one line per request)."""
    from pagefind_bin import get_executable  # type: ignore[import-untyped]

    proxy = tmp_path / "pagefind-proxy"
    proxy.write_text(f"#!{sys.executable}\n{PROXY}", encoding="utf-8")
    proxy.chmod(0o755)
    log = tmp_path / "pagefind.log"
    log.write_text("", encoding="utf-8")
    monkeypatch.setenv("REAL_PAGEFIND", str(get_executable()))
    monkeypatch.setenv("PAGEFIND_LOG", str(log))
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(proxy))
    return log


def asked(log: Path) -> list[str]:
    """Return the logged lines and start a new log."""
    lines = log.read_text(encoding="utf-8").splitlines()
    log.write_text("", encoding="utf-8")
    return lines


# --- a small site with articles in two years ------------------------------------------

def article(title: str, date: str, body: str, extra: str = "") -> str:
    """Return an article file in the ports briefing."""
    return f"---\ntitle: {title}\ndate: {date}\nbriefings: [ports]\n{extra}---\n{body}\n"


def two_year_site(base_url: str = "https://example.org/") -> dict[str, str]:
    """Return a site with two articles dated 2025, one 2024 and one expired (2024)."""
    return {
        "site.yaml": textwrap.dedent(f"""\
            title: Search Desk
            base_url: {base_url}
            language: en
            timezone: Asia/Seoul
            search: true
            digests:
              enabled: false
            """),
        "content/briefings/ports.md": "---\ntitle: Ports\n---\nShipping news.\n",
        "content/articles/harbour-talks.md": article(
            "Harbour talks", "2025-03-01T09:00:00+09:00",
            "The harbour authority met the ferry operators about the breakwater."),
        "content/articles/ferry-fares.md": article(
            "Ferry fares", "2025-06-01T09:00:00+09:00",
            "Ferry fares rise in July, the operators said."),
        # 2025-01-01 00:30 in Seoul is still 2024 in UTC: the year is the site's.
        "content/articles/new-year-ferry.md": article(
            "New year ferry", "2025-01-01T00:30:00+09:00",
            "The first ferry of the year left on time."),
        "content/articles/old-breakwater.md": article(
            "Old breakwater", "2024-05-01T09:00:00+09:00",
            "The breakwater repairs were approved by the ferry board."),
        "content/articles/withdrawn.md": article(
            "Withdrawn notice", "2024-02-01T09:00:00+09:00",
            "The quarantine notice was withdrawn.", "expires: 2024-03-01T00:00:00Z\n"),
    }


def entry(out: Path, shard: str) -> dict[str, Any]:
    """Return the pagefind-entry.json of one shard."""
    data: dict[str, Any] = json.loads(
        (out / "pagefind" / shard / "pagefind-entry.json").read_text(encoding="utf-8"))
    return data


def pages_in(out: Path, shard: str) -> int:
    """Return how many pages one shard indexes."""
    return sum(language["page_count"] for language in entry(out, shard)["languages"].values())


def stats(folder: Path) -> dict[str, tuple[int, int]]:
    """Map every file under a folder to its (inode, mtime_ns)."""
    return {p.relative_to(folder).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """Write the two-year site."""
    root = tmp_path / "site"
    write_files(root, two_year_site())
    return root


def built(root: Path) -> Path:
    """Build a site in-process; return its output folder."""
    result = build(root)
    assert result.exit_code == 0, result.output
    return root / "public"


# --- layout ----------------------------------------------------------------------------

def test_one_index_per_year_listed_newest_first(site: Path) -> None:
    out = built(site)
    listing = json.loads((out / "pagefind" / "shards.json").read_text(encoding="utf-8"))
    assert listing == {"shards": ["2025", "2024"]}
    # The expired article is left out; the New Year article belongs to 2025 in Seoul.
    assert (pages_in(out, "2025"), pages_in(out, "2024")) == (3, 1)
    for shard in ("2025", "2024"):
        assert (out / "pagefind" / shard / "pagefind.js").is_file()
    assert not (out / "pagefind" / "pagefind.js").exists()


def test_search_page_reads_the_shard_list(site: Path) -> None:
    html = (built(site) / "search" / "index.html").read_text(encoding="utf-8")
    assert 'data-shards="/pagefind/shards.json"' in html


# --- incremental -----------------------------------------------------------------------

def test_an_edit_reindexes_only_its_year(site: Path, pagefind_log: Path) -> None:
    out = built(site)
    assert asked(pagefind_log).count("ask NewIndex") == 2
    before_2024, before_2025 = stats(out / "pagefind" / "2024"), entry(out, "2025")
    path = site / "content" / "articles" / "ferry-fares.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nA zeppelin was seen.\n",
                    encoding="utf-8")
    out = built(site)
    log = asked(pagefind_log)
    assert log.count("ask NewIndex") == 1
    assert "pages 3" in log  # the 2025 pages only
    assert stats(out / "pagefind" / "2024") == before_2024  # untouched: same inode, mtime
    assert entry(out, "2025") != before_2025  # the new word is in a new meta file


def test_an_edited_index_equals_a_fresh_one(site: Path, tmp_path: Path) -> None:
    built(site)
    path = site / "content" / "articles" / "old-breakwater.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nA zeppelin was seen.\n",
                    encoding="utf-8")
    out = built(site)
    fresh = tmp_path / "fresh"
    result = build(site, "--no-cache", "--output", str(fresh))
    assert result.exit_code == 0, result.output
    assert tree_digest(out / "pagefind") == tree_digest(fresh / "pagefind")


def test_a_change_outside_articles_reindexes_nothing(site: Path, pagefind_log: Path) -> None:
    out = built(site)
    asked(pagefind_log)
    before = stats(out / "pagefind")
    (site / "content" / "articles" / "zz-draft.md").write_text(
        article("Draft", "2025-07-01T09:00:00+09:00", "Not yet.", "draft: true\n"),
        encoding="utf-8")
    out = built(site)
    assert [line for line in asked(pagefind_log) if line.startswith("ask")] == []
    assert stats(out / "pagefind") == before


def test_a_year_left_empty_loses_its_shard(site: Path) -> None:
    out = built(site)
    (site / "content" / "articles" / "old-breakwater.md").write_text(
        article("Old breakwater", "2025-05-01T09:00:00+09:00", "Moved to 2025."),
        encoding="utf-8")
    out = built(site)
    assert json.loads((out / "pagefind" / "shards.json").read_bytes()) == {"shards": ["2025"]}
    assert not (out / "pagefind" / "2024").exists()
    assert pages_in(out, "2025") == 4
    assert not [p for p in read_marker(out) or [] if p.startswith("pagefind/2024/")]


def test_a_site_without_articles_lists_no_shard(tmp_path: Path) -> None:
    files = two_year_site()
    root = tmp_path / "site"
    write_files(root, {k: v for k, v in files.items() if not k.startswith("content/articles")})
    out = built(root)
    assert json.loads((out / "pagefind" / "shards.json").read_bytes()) == {"shards": []}


def test_update_index_takes_the_publisher_and_the_pages_with_their_shards(
        site: Path, pagefind_log: Path) -> None:
    """The body-edit fast path's call: every page recorded, one re-rendered."""
    out = built(site)
    asked(pagefind_log)
    cache = site / ".briefings-cache"
    _, record = check_output_dir(out, False, cache)
    pages = [(p, "2025" if "old" not in p else "2024") for p in record.files
             if p.startswith("articles/") and p.endswith("/index.html") and p.count("/") == 2
             and "withdrawn" not in p]
    assert len(pages) == 4
    keys = dict(pages)
    pages = [(p, "a" if keys[p] == "2025" else "b") for p in keys]  # any plain names do

    def publisher() -> Publisher:
        existing, record = check_output_dir(out, False, cache)
        made = Publisher(out, existing, record, cache_dir=cache)
        for path, digest in record.files.items():
            made.unchanged(path, digest)  # as body_edits.rebuild does
        return made

    first = publisher()
    search.update_index(first, pages)
    first.commit()
    assert json.loads((out / "pagefind" / "shards.json").read_bytes()) == {"shards": ["b", "a"]}
    assert not (out / "pagefind" / "2025").exists()  # no longer recorded: deleted
    kept = stats(out / "pagefind" / "b")
    asked(pagefind_log)

    again = publisher()
    edited = "articles/ferry-fares/index.html"
    html = (out / edited).read_text(encoding="utf-8").replace("Ferry fares rise",
                                                              "Ferry fares zeppelin")
    again.write(edited, html.encode(), "new digest")
    search.update_index(again, pages)
    assert asked(pagefind_log).count("ask NewIndex") == 1
    again.commit()
    assert stats(out / "pagefind" / "b") == kept


# --- a torn index is never published ---------------------------------------------------

@pytest.mark.parametrize("damage", ["truncate", "empty"])
def test_a_damaged_index_file_fails_the_build(site: Path, pagefind_log: Path,
                                              monkeypatch: pytest.MonkeyPatch,
                                              damage: str) -> None:
    out = built(site)
    before = tree_digest(out)
    monkeypatch.setenv("PAGEFIND_DAMAGE", damage)
    path = site / "content" / "articles" / "ferry-fares.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nMore.\n", encoding="utf-8")
    result = build(site)
    assert result.exit_code == 1, result.output
    assert "search index for pagefind/2025/ is incomplete" in result.output
    assert ("is cut short or damaged" if damage == "truncate" else "is empty") in result.output
    assert tree_digest(out) == before


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """Return the files of one real shard."""
    root = tmp_path_factory.mktemp("bundle") / "site"
    write_files(root, two_year_site())
    folder = built(root) / "pagefind" / "2025"
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in folder.rglob("*") if p.is_file()}


def test_a_whole_bundle_passes_the_check(bundle: dict[str, bytes]) -> None:
    search.check_bundle(bundle)


def _first(bundle: dict[str, bytes], prefix: str) -> str:
    return min(name for name in bundle if name.startswith(prefix))


@pytest.mark.parametrize(("damage", "message"), [
    ("cut-fragment", "is cut short or damaged"),
    ("cut-index", "is cut short or damaged"),
    ("cut-meta", "is cut short or damaged"),
    ("cut-wasm", "is cut short or damaged"),
    ("empty-js", "pagefind.js is empty"),
    ("cut-entry", "pagefind-entry.json is cut short or damaged"),
    ("no-fragment", "lists 3 pages but holds 2 of their fragments"),
    ("no-meta", "pf_meta is missing"),
    ("no-entry", "pagefind-entry.json is missing"),
    ("outside", "outside its folder"),
])
def test_the_check_names_what_is_wrong(bundle: dict[str, bytes], damage: str,
                                       message: str) -> None:
    files = dict(bundle)
    kind, _, what = damage.partition("-")
    name = {"fragment": _first(files, "fragment/"), "index": _first(files, "index/"),
            "meta": _first(files, "pagefind.en"), "wasm": "wasm.en.pagefind",
            "js": "pagefind.js", "entry": "pagefind-entry.json"}.get(what, "")
    if kind == "cut":
        files[name] = files[name][:-9]
    elif kind == "empty":
        files[name] = b""
    elif kind == "no":
        del files[name]
    else:
        files["../escape.js"] = b"x"
    with pytest.raises(OutputError, match="incomplete") as caught:
        search.check_bundle(files, "pagefind/2025/")
    assert message in str(caught.value)


# --- in a browser, under a base path prefix --------------------------------------------

PREFIX = "/ko/"




@pytest.fixture(scope="module")
def prefixed_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Build the two-year site for https://example.org/ko/ and serve it under /ko/."""
    root = tmp_path_factory.mktemp("prefixed") / "site"
    write_files(root, two_year_site("https://example.org/ko/"))
    build_apart(root)
    with serve_folder(root / "public", PREFIX) as url:
        yield url


def results(browser: Any, url: str, query: str) -> list[tuple[str, str]]:
    """Search in the page; return each result link's (absolute URL, text)."""
    page = browser.new_page()
    try:
        page.goto(f"{url}search/?q={query}")
        page.wait_for_function("document.getElementById('search-status').textContent !== ''",
                               timeout=15_000)
        found: list[tuple[str, str]] = page.locator(".search-result-link").evaluate_all(
            "links => links.map(a => [a.href, a.textContent])")
        return sorted((href, text) for href, text in found)
    finally:
        page.close()


def fetch(url: str) -> tuple[int, str]:
    """Return the HTTP status and text of a URL."""
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.read().decode("utf-8")


def test_results_link_to_the_articles_under_the_prefix(browser: Any, prefixed_url: str) -> None:
    found = results(browser, prefixed_url, "ferry")
    assert [text for _, text in found] == ["Ferry fares", "Harbour talks", "New year ferry",
                                           "Old breakwater"]
    for href, text in found:
        assert unquote(urlsplit(href).path).startswith("/ko/articles/"), href
        assert not urlsplit(href).path.startswith("/ko/ko/"), href
        status, html = fetch(href)
        assert status == 200
        assert f"<h1>{text}</h1>" in html, href


def test_clicking_a_result_opens_the_article(browser: Any, prefixed_url: str) -> None:
    page = browser.new_page()
    try:
        page.goto(f"{prefixed_url}search/?q=breakwater")
        page.wait_for_function("document.getElementById('search-status').textContent !== ''",
                               timeout=15_000)
        links = page.locator(".search-result-link")
        assert sorted(links.all_text_contents()) == ["Harbour talks", "Old breakwater"]
        with page.expect_navigation():
            links.filter(has_text="Old breakwater").click()
        assert urlsplit(page.url).path == "/ko/articles/old-breakwater/"
        assert page.locator("h1").first.text_content() == "Old breakwater"
    finally:
        page.close()


@pytest.mark.parametrize(("query", "expected"), [
    pytest.param("harbour", ["Harbour talks"], id="only-2025"),
    pytest.param("repairs", ["Old breakwater"], id="only-2024"),
    pytest.param("breakwater", ["Harbour talks", "Old breakwater"], id="both-years"),
    pytest.param("quarantine", [], id="expired-left-out"),
])
def test_every_year_answers(browser: Any, prefixed_url: str, query: str,
                            expected: list[str]) -> None:
    found = results(browser, prefixed_url, query)
    assert sorted(text for _, text in found) == expected
    assert all(href.startswith(urljoin(prefixed_url, "articles/")) for href, _ in found)
