"""Hostile inputs stay cheap and print safely: alias bombs, huge integers, control characters.

Alias bombs run in a child process under a 1 GB address-space limit, so a regression fails
the test with a MemoryError or a timeout instead of taking the machine down with it.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.livereload import EVENTS, SCRIPT
from tests.conftest import NOW_EPOCH, REPO, SITES, build, tree_digest, write_files
from tests.preview_driver import free_port

MEMORY_LIMIT = 1 << 30  # bytes of address space a child may map
TIMEOUT = 120  # seconds; generous for a loaded machine, an honest run takes one or two
ALIAS_MESSAGE = "YAML aliases are not allowed here; write the value out"
FIRST = "content/articles/first/index.md"
CONFIG = 'title: "Test Briefings"\nbase_url: "https://example.org/"\nsearch: false\n'
# Terminal control characters, DEL and C1 controls: none may reach the terminal raw.
RAW_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def list_bomb(key: str) -> str:
    """Return nine lists of nine aliases, nine deep (9**9 strings expanded), under `key`."""
    lines = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, 9):
        lines.append(f"l{level}: &l{level} [" + ", ".join([f"*l{level - 1}"] * 9) + "]")
    return "\n".join(lines) + f"\n{key}: [*l8, *l8, *l8, *l8, *l8, *l8, *l8, *l8, *l8]\n"


def mapping_bomb(key: str) -> str:
    """Return the same bomb of mappings, whose every key path a naive line index walks."""
    names = [f"k{i}" for i in range(9)]
    lines = ["m0: &m0 {" + ", ".join(f"{n}: lol" for n in names) + "}"]
    for level in range(1, 9):
        lines.append(f"m{level}: &m{level} {{" + ", ".join(f"{n}: *m{level - 1}"
                                                          for n in names) + "}")
    return "\n".join(lines) + f"\n{key}: {{" + ", ".join(f"{n}: *m8" for n in names) + "}\n"


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def _child_env() -> dict[str, str]:
    return {**os.environ, "SOURCE_DATE_EPOCH": NOW_EPOCH, "PYTHONUNBUFFERED": "1",
            "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO),
                                                        os.environ.get("PYTHONPATH")]))}


def build_limited(site: Path) -> subprocess.CompletedProcess[str]:
    """Run `python -m generator build --site SITE` in a child capped at MEMORY_LIMIT."""
    return subprocess.run(
        [sys.executable, "-m", "generator", "build", "--site", str(site)],
        capture_output=True, text=True, encoding="utf-8", errors="replace", check=False,
        env=_child_env(), timeout=TIMEOUT, preexec_fn=_limit_memory)


@pytest.fixture
def built_site(tmp_path: Path) -> Path:
    """Copy and build the `basic` site, so a failed build can be seen to change nothing."""
    site = tmp_path / "site"
    shutil.copytree(SITES / "basic", site)
    result = build(site)
    assert result.exit_code == 0, result.output
    return site


def assert_fails_cleanly(site: Path, before: dict[str, str], *lines: str) -> str:
    proc = build_limited(site)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 1, output
    assert "Traceback" not in output and "MemoryError" not in output, output
    for line in lines:
        assert f"error: {line}" in output.splitlines(), output
    assert tree_digest(site / "public") == before
    return output


def alias_article(bomb: str) -> str:
    return f"---\ntitle: A title\ndate: 2025-12-05\n{bomb}---\nBody.\n"


@pytest.mark.parametrize("bomb", [list_bomb("tags"), mapping_bomb("extra")],
                         ids=["list-shown-in-a-message", "mapping-walked-for-key-lines"])
def test_alias_bomb_in_front_matter_is_refused(built_site: Path, bomb: str) -> None:
    # Threat: a 1 KB article whose aliases expand to 9**9 nodes exhausts memory and CPU.
    before = tree_digest(built_site / "public")
    (built_site / FIRST).write_text(alias_article(bomb), encoding="utf-8")
    # Line 1 is the fence and three lines precede the bomb; its first alias is on line 5.
    assert_fails_cleanly(built_site, before, f"{FIRST}:5: {ALIAS_MESSAGE}")


@pytest.mark.parametrize("bomb", [list_bomb("description"), mapping_bomb("digests")],
                         ids=["list", "mapping"])
def test_alias_bomb_in_site_yaml_is_refused(built_site: Path, bomb: str) -> None:
    # Threat: the same alias bomb in site.yaml, read before any content file.
    before = tree_digest(built_site / "public")
    (built_site / "site.yaml").write_text(CONFIG + bomb, encoding="utf-8")
    assert_fails_cleanly(built_site, before, f"site.yaml:5: {ALIAS_MESSAGE}")


def test_single_alias_is_refused_at_its_line(built_site: Path) -> None:
    # Threat: any alias at all, however small, is the seed of a bomb; none are read.
    before = tree_digest(built_site / "public")
    (built_site / FIRST).write_text(
        "---\ntitle: &t A title\ndate: 2025-12-05\nsummary:\n  *t\n---\nBody.\n",
        encoding="utf-8")
    assert_fails_cleanly(built_site, before, f"{FIRST}:5: {ALIAS_MESSAGE}")


@pytest.mark.parametrize("depth", [150, 998, 500_000])
def test_deeply_nested_front_matter_fails_cleanly(built_site: Path, depth: int) -> None:
    # Threat: nested brackets overflow a recursive composer, constructor or line index.
    before = tree_digest(built_site / "public")
    (built_site / FIRST).write_text(
        "---\ntitle: A title\ndate: 2025-12-05\nextra: {a: " + "[" * depth + "]" * depth
        + "}\n---\nBody.\n", encoding="utf-8")
    output = assert_fails_cleanly(built_site, before)
    assert re.search(rf"^error: {re.escape(FIRST)}:4: .*nest", output, re.M), output


@pytest.fixture
def bombed_preview(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], int]]:
    """Serve a site whose article is an alias bomb, in a child capped at MEMORY_LIMIT."""
    site = tmp_path / "site"
    shutil.copytree(SITES / "basic", site)
    (site / FIRST).write_text(alias_article(list_bomb("tags")), encoding="utf-8")
    temp = tmp_path / "tmp"
    temp.mkdir()
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", "--site", str(site), "--port", str(port)],
        env={**_child_env(), "TMPDIR": str(temp)}, stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, encoding="utf-8",
        errors="replace", preexec_fn=_limit_memory)
    try:
        yield proc, port
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)


def fetch(port: int, deadline: float) -> tuple[int, bytes]:
    """Get / from the preview, retrying until it listens or the deadline passes."""
    while True:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
            conn.request("GET", "/")
            response = conn.getresponse()
            return response.status, response.read()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def overlay_errors(port: int) -> list[str]:
    """Return the errors of the first state the preview streams to open pages."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    try:
        conn.request("GET", EVENTS)
        stream = conn.getresponse()
        while not (line := stream.readline()).startswith(b"data: "):
            assert line, "the event stream ended before its first event"
        errors: list[str] = json.loads(line[len(b"data: "):])["errors"]
        return errors
    finally:
        conn.close()


def test_alias_bomb_keeps_the_preview_alive(
        bombed_preview: tuple[subprocess.Popen[str], int]) -> None:
    # Threat: one saved alias bomb takes the live preview (and the machine) down.
    proc, port = bombed_preview
    status, body = fetch(port, time.monotonic() + TIMEOUT)
    assert proc.poll() is None
    # No build ever succeeded: the fallback 404 page, carrying the overlay's script.
    assert status == 404 and SCRIPT.encode() in body, body
    assert f"{FIRST}:5: {ALIAS_MESSAGE}" in overlay_errors(port)
    status, _ = fetch(port, time.monotonic() + 10)  # still answering
    assert status == 404 and proc.poll() is None
    started = time.monotonic()
    proc.send_signal(signal.SIGINT)
    output, _ = proc.communicate(timeout=TIMEOUT)
    assert time.monotonic() - started < 10, output
    assert proc.returncode == 0, output
    assert "Traceback" not in output and "MemoryError" not in output, output
    assert f"error: {FIRST}:5: {ALIAS_MESSAGE}" in output.splitlines(), output


HUGE = "7" * 5000  # past CPython's 4,300-digit limit on int <-> str conversion


def test_huge_integer_in_front_matter_fails_cleanly(built_site: Path) -> None:
    # Threat: a 5,000-digit number crashes the build with a ValueError traceback.
    before = tree_digest(built_site / "public")
    write_files(built_site, {
        FIRST: f"---\ntitle: {HUGE}\ndate: 2025-12-05\n---\nBody.\n",
        "content/briefings/alpha.md": f"---\ntitle: Alpha topic\nweight: -{HUGE}\n---\nText.\n",
    })
    output = assert_fails_cleanly(built_site, before)
    assert re.search(rf"^error: {re.escape(FIRST)}:2: .*digits", output, re.M), output
    assert re.search(r"^error: content/briefings/alpha\.md:3: .*digits", output, re.M), output
    assert all(len(line) < 1000 for line in output.splitlines()), output


def test_huge_integer_in_site_yaml_fails_cleanly(built_site: Path) -> None:
    # Threat: the same number in site.yaml, read before anything else.
    before = tree_digest(built_site / "public")
    (built_site / "site.yaml").write_text(CONFIG + f"paginate: {HUGE}\n", encoding="utf-8")
    output = assert_fails_cleanly(built_site, before)
    assert re.search(r"^error: site\.yaml:4: .*digits", output, re.M), output


def test_long_values_are_shortened_in_messages(built_site: Path) -> None:
    # Threat: a megabyte value is echoed whole into every error line and the preview overlay.
    before = tree_digest(built_site / "public")
    big = ", ".join(["x" * 100] * 4_000)  # 400 KB, twice: under the 1 MB limit
    (built_site / FIRST).write_text(
        f"---\ntitle: A title\ndate: 2025-12-05\ndraft: [{big}]\nsummary: [[{big}]]\n---\n",
        encoding="utf-8")
    output = assert_fails_cleanly(built_site, before)
    assert re.search(rf"^error: {re.escape(FIRST)}:4: 'draft': expected true or false, got",
                     output, re.M), output
    assert re.search(rf"^error: {re.escape(FIRST)}:5: 'summary': expected text, got",
                     output, re.M), output
    assert all(len(line) < 1000 for line in output.splitlines()), output


def test_oversized_front_matter_is_refused_unread(built_site: Path) -> None:
    # Threat: megabytes of tiny YAML nodes cost hundreds of bytes each once composed.
    before = tree_digest(built_site / "public")
    (built_site / FIRST).write_text(
        "---\ntitle: A title\ndate: 2025-12-05\nextra: {a: [" + "1," * 1_500_000 + "]}\n---\n",
        encoding="utf-8")
    started = time.monotonic()
    output = assert_fails_cleanly(built_site, before)
    assert time.monotonic() - started < TIMEOUT / 4
    assert re.search(rf"^error: {re.escape(FIRST)}: .*over the limit of 1,024 KB", output,
                     re.M), output


def test_huge_title_pattern_width_is_refused(built_site: Path) -> None:
    # Threat: a digest title `{week:999999999}` formats into a gigabyte string.
    before = tree_digest(built_site / "public")
    (built_site / "site.yaml").write_text(
        CONFIG + 'digests:\n  title: "Week {week:999999999}"\n', encoding="utf-8")
    output = assert_fails_cleanly(built_site, before)
    assert re.search(r"^error: site\.yaml:5: 'digests\.title': a placeholder's width is over",
                     output, re.M), output


@pytest.mark.parametrize("name", ["evil\nerror: forged.md:1: fake.md",
                                  "\x1b[31mred\x1b[0m\x07\x9b2J.md"], ids=["newline", "ansi"])
def test_control_characters_in_file_names_are_escaped(built_site: Path, name: str) -> None:
    # Threat: a file name forges extra error lines or recolours and clears the terminal.
    before = tree_digest(built_site / "public")
    (built_site / "content/articles" / name).write_text("no front matter\n", encoding="utf-8")
    output = assert_fails_cleanly(built_site, before)
    assert not RAW_CONTROL.search(output), repr(output)
    lines = output.splitlines()
    assert lines[-1].startswith("Build failed: 1 problem;"), output
    assert all(line.startswith("error: content/articles/") for line in lines[:-1]), output
    shown = name.replace("\n", "\\n").replace("\x1b", "\\x1b").replace("\x07", "\\x07")
    assert f"error: content/articles/{shown.replace(chr(0x9b), chr(92) + 'x9b')}:1: " \
           "no front matter" in output, output


def test_control_characters_in_messages_are_escaped(built_site: Path) -> None:
    # Threat: a key quoted in a message carries a terminal escape sequence.
    before = tree_digest(built_site / "public")
    (built_site / FIRST).write_text(
        '---\ntitle: A title\ndate: 2025-12-05\n"\\e[2J\\u009b31m": 1\n---\nBody.\n',
        encoding="utf-8")
    output = assert_fails_cleanly(built_site, before)
    assert not RAW_CONTROL.search(output), repr(output)
    assert f"error: {FIRST}:4: unknown key '\\x1b[2J\\x9b31m'" in output, output
