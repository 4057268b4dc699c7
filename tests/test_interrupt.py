"""A build stopped by a signal leaves the previous output exactly as it was, or the new one
complete, never a mix.

A generated site of a few thousand articles is built once; then it is changed and
`python -m generator build` is started again and stopped by SIGINT, SIGTERM or SIGKILL:

- while it writes its staging folder (`.public.staging`, beside `public/`): the previous
  output must be byte for byte what it was, and the staging folder removed;
- while it applies its journal (kept in the cache, `.briefings-cache/outputs/`): SIGINT and
  SIGTERM are held back until the new output is complete, and after a SIGKILL the next
  build completes it from the journal;
- while it starts up, before any of it is read: it ends as interrupted (exit 130), not by
  the signal's default action.

Each time, the next normal build must succeed and clean up.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.cache import CACHE_DIR
from generator.ledger import journal_path
from tests.conftest import NOW_EPOCH, REPO, SITES, run_module, tree_digest, write_files

ARTICLES = 3000  # a build of this site takes several seconds on the 2-core machines
CHANGED = "content/articles/a00042.md"
POLL = 0.01
CONFIG = 'title: "{title}"\nbase_url: "https://example.org/"\ntimezone: UTC\nsearch: false\n'


def article(number: int, note: str = "") -> str:
    day = number % 28 + 1
    return (f"---\ntitle: Article {number}\ndate: 2025-01-{day:02d}T{number % 24:02d}:"
            f"{number % 60:02d}:00\ntags: [t{number % 40}]\n---\n"
            f"Body of article {number}, with *emphasis*.\n\nA second paragraph.{note}\n")


@pytest.fixture(scope="module")
def big_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("interrupt") / "site"
    files: dict[str, str | bytes] = {"site.yaml": CONFIG.format(title="Big")}
    files.update({f"content/articles/a{n:05d}.md": article(n) for n in range(ARTICLES)})
    write_files(site, files)
    started = time.monotonic()
    result = run_module("build", "--site", str(site), cwd=REPO)
    seconds = time.monotonic() - started
    assert result.returncode == 0, result.stderr
    print(f"\nbuild of {ARTICLES} articles took {seconds:.2f} s")
    return site


def _default_sigint() -> None:
    # A child of a shell that runs it in the background inherits SIGINT ignored; Python
    # installs its KeyboardInterrupt handler only when SIGINT is not ignored at start.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start_build(site: Path) -> subprocess.Popen[str]:
    # faulthandler: a hung build prints every thread's stack on SIGABRT (see finish()).
    env = dict(os.environ, PYTHONFAULTHANDLER="1")
    return subprocess.Popen([sys.executable, "-m", "generator", "build", "--site", str(site)],
                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=_default_sigint, env=env)


def finish(proc: subprocess.Popen[str]) -> str:
    """Wait for the build and its pipes to end; on a hang, fail with what is still running."""
    try:
        return proc.communicate(timeout=300)[1]
    except subprocess.TimeoutExpired:
        processes = subprocess.run(["ps", "-eo", "pid,ppid,stat,args"], capture_output=True,
                                   text=True).stdout
        if proc.poll() is None:
            proc.send_signal(signal.SIGABRT)
        try:
            stderr = proc.communicate(timeout=30)[1]
        except subprocess.TimeoutExpired:
            proc.kill()
            stderr = proc.communicate()[1]
        pytest.fail(f"the build (pid {proc.pid}, exit code {proc.returncode}) or a process "
                    f"holding its pipes did not end:\n{processes}\nstderr:\n{stderr}")


def wait_for(proc: subprocess.Popen[str], ready: Path, timeout: float = 180.0,
             poll: float = POLL) -> bool:
    """Poll until `ready` exists; return whether it does while the build runs."""
    deadline = time.monotonic() + timeout
    while proc.poll() is None and time.monotonic() < deadline:
        if ready.exists():
            return True
        time.sleep(poll)
    return False


def journal_of(site: Path) -> Path:
    return journal_path(site / CACHE_DIR, (site / "public").resolve())


def rebuild_and_check(site: Path, marker: str) -> dict[str, str]:
    result = run_module("build", "--site", str(site), cwd=REPO)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    page = site / "public" / "articles" / "a00042" / "index.html"
    assert marker in page.read_text(encoding="utf-8")
    assert not (site / ".public.staging").exists()
    assert not journal_of(site).exists()
    return tree_digest(site / "public")


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL],
                         ids=["SIGINT", "SIGTERM", "SIGKILL"])
def test_signal_while_staging_keeps_previous_output(big_site: Path,
                                                    signum: signal.Signals) -> None:
    out, staging = big_site / "public", big_site / ".public.staging"
    before = tree_digest(out)
    assert len(before) > ARTICLES
    marker = f"Changed before {signum.name}."
    write_files(big_site, {CHANGED: article(42, " " + marker)})

    proc = start_build(big_site)
    hit = wait_for(proc, staging)
    proc.send_signal(signum)
    stderr = finish(proc)
    print(f"\n{signum.name}: staging window hit: {hit}; exit code {proc.returncode}; "
          f"stderr: {stderr.strip()!r}")

    assert hit, "the build ended before its staging folder was seen"
    assert tree_digest(out) == before
    # Publishing had not begun: no journal for the next build to apply.
    assert not journal_of(big_site).exists()
    if signum == signal.SIGKILL:
        assert proc.returncode == -signal.SIGKILL
    else:
        assert proc.returncode == 130, stderr
        assert "Traceback" not in stderr
        assert "Interrupted; the previous output is unchanged." in stderr
        assert not staging.exists()
    rebuild_and_check(big_site, marker)


def retitle(site: Path, title: str) -> None:
    """Give the site a new title: every page and feed changes, so publishing moves them all."""
    write_files(site, {"site.yaml": CONFIG.format(title=title)})


def assert_only_title(out: Path, old: str, new: str) -> None:
    """Every page shows the new site title, and no file the old one: no mix of builds."""
    pages = 0
    for path in out.rglob("*"):
        if path.suffix in (".html", ".xml") and path.is_file():
            text = path.read_text(encoding="utf-8")
            assert old not in text, path
            if path.suffix == ".html":
                assert new in text, path
                pages += 1
    assert pages > ARTICLES


def interrupt_publishing(site: Path, signum: signal.Signals, name: str
                         ) -> tuple[subprocess.Popen[str], str, str, str]:
    """Retitle the site and send `signum` once the build's journal appears.

    Return the build, its stderr, and the old and new titles. Moving a few thousand files
    takes some tens of milliseconds; polling every half millisecond meets that window, and
    a missed one is tried again with another title."""
    journal = journal_of(site)
    old = "Big"
    for attempt in range(4):
        new = f"Retitled {name} {attempt}"
        retitle(site, new)
        proc = start_build(site)
        hit = wait_for(proc, journal, poll=0.0005)
        proc.send_signal(signum)
        stderr = finish(proc)
        print(f"\n{name} attempt {attempt}: journal window hit: {hit}; exit code "
              f"{proc.returncode}; stderr: {stderr.strip()!r}")
        # After a SIGKILL the window counts as met only if the journal was left to apply.
        if hit and (signum != signal.SIGKILL or journal.exists()):
            return proc, stderr, old, new
        assert proc.returncode in (0, 130, -signal.SIGKILL), stderr
        rebuild_and_check_title(site, new)
        old = new
    pytest.fail(f"the journal ({journal}) was never seen while the build ran")


def rebuild_and_check_title(site: Path, title: str) -> dict[str, str]:
    result = run_module("build", "--site", str(site), cwd=REPO)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert not (site / ".public.staging").exists()
    assert not journal_of(site).exists()
    return tree_digest(site / "public")


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM],
                         ids=["SIGINT", "SIGTERM"])
def test_signal_while_publishing_is_held_until_the_output_is_complete(
        big_site: Path, signum: signal.Signals) -> None:
    out = big_site / "public"
    proc, stderr, old, new = interrupt_publishing(big_site, signum, signum.name)
    assert "Traceback" not in stderr
    # Held back while the journal was applied, the signal ends the build right after it.
    assert proc.returncode in (0, 130), stderr
    assert "previous output is unchanged" not in stderr, stderr
    assert not journal_of(big_site).exists()
    assert not (big_site / ".public.staging").exists()
    assert_only_title(out, old, new)
    after = tree_digest(out)
    assert rebuild_and_check_title(big_site, new) == after  # nothing was left to do


def test_publish_killed_midway_is_completed_by_the_next_build(big_site: Path) -> None:
    out = big_site / "public"
    proc, _, old, new = interrupt_publishing(big_site, signal.SIGKILL, "SIGKILL")
    assert proc.returncode == -signal.SIGKILL
    assert journal_of(big_site).exists()
    rebuild_and_check_title(big_site, new)
    assert_only_title(out, old, new)
    # The completed output is what a build from scratch writes: not one file differs.
    again = run_module("build", "--site", str(big_site), "--no-cache", cwd=REPO)
    assert again.returncode == 0, again.stderr
    assert "(0 files changed)" in again.stdout, again.stdout


# --- start-up ------------------------------------------------------------------------------


def _status(pid: int) -> dict[str, str]:
    with open(f"/proc/{pid}/status", encoding="utf-8") as handle:
        return {key: value.strip() for key, _, value in
                (line.partition(":") for line in handle)}


def _catches(pid: int, signum: signal.Signals) -> bool:
    return bool(int(_status(pid)["SigCgt"], 16) >> (signum - 1) & 1)


def _stop(pid: int) -> None:
    os.kill(pid, signal.SIGSTOP)
    deadline = time.monotonic() + 10
    while not _status(pid)["State"].startswith("T"):
        assert time.monotonic() < deadline, "the build did not stop on SIGSTOP"
        time.sleep(0.0002)


def _running_the_build(pid: int) -> bool:
    with open(f"/proc/{pid}/cmdline", "rb") as handle:
        return b"\0generator\0build\0" in handle.read()


# C extensions that importing the command line loads (SQLite for the cache, libyaml, Jinja's
# markupsafe, decimal for Babel, ctypes for the workers); the interpreter itself loads none.
HEAVY = {"_sqlite3", "_yaml", "_speedups", "_decimal", "_ctypes"}


def _heavy_modules(pid: int) -> set[str]:
    with open(f"/proc/{pid}/maps", encoding="utf-8") as handle:
        names = {line.split()[-1].rsplit("/", 1)[-1].split(".")[0] for line in handle
                 if ".cpython-" in line}
    return names & HEAVY


@pytest.mark.skipif(not sys.platform.startswith("linux"),
                    reason="reads which signals the build catches from /proc")
@pytest.mark.parametrize("delay", [0.0, 0.002, 0.01, 0.03, 0.06])
def test_sigterm_while_starting_up_ends_as_interrupted(tmp_path: Path, delay: float) -> None:
    """SIGTERM from the first instants on exits 130, like Ctrl-C, and changes nothing.

    Loading the command line takes a tenth of a second or more, most of it importing
    libraries; a SIGTERM then killed the build by the signal's default action (exit 143
    from a shell, -15 here). The handler must be set before those imports: the build is
    frozen at each look, so that whether it catches SIGTERM and what it has loaded are
    seen at the same instant. Then SIGTERM is sent `delay` seconds later."""
    site = tmp_path / "site"
    shutil.copytree(SITES / "basic", site)
    env = dict(os.environ, SOURCE_DATE_EPOCH=NOW_EPOCH)
    first = subprocess.run([sys.executable, "-m", "generator", "build", "--site", str(site)],
                           cwd=REPO, capture_output=True, text=True, env=env, check=False)
    assert first.returncode == 0, first.stderr
    before = tree_digest(site / "public")
    first_md = site / "content/articles/first/index.md"
    first_md.write_text(first_md.read_text(encoding="utf-8").replace("---\n", "---\nauthor: X\n",
                                                                      1), encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "generator", "build", "--site", str(site)],
                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env, preexec_fn=_default_sigint)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, "the build ended before it caught SIGTERM"
            assert time.monotonic() < deadline, "the build never caught SIGTERM"
            try:
                _stop(proc.pid)
            except (FileNotFoundError, KeyError):  # gone: the assertion above says why
                continue
            if not _running_the_build(proc.pid):  # still the fork of this test, not exec'd
                os.kill(proc.pid, signal.SIGCONT)
                time.sleep(0.0005)
                continue
            if _catches(proc.pid, signal.SIGTERM):
                loaded = _heavy_modules(proc.pid)
                break
            os.kill(proc.pid, signal.SIGCONT)
            time.sleep(0.0005)
        assert not loaded, f"SIGTERM was caught only after loading {sorted(loaded)}"
        os.kill(proc.pid, signal.SIGCONT)
        time.sleep(delay)
        assert proc.poll() is None, "the build ended before SIGTERM was sent"
        proc.send_signal(signal.SIGTERM)
        stdout, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGCONT)
            proc.kill()
            proc.communicate()
    assert proc.returncode == 130, (proc.returncode, stdout, stderr)
    assert "Traceback" not in stderr
    assert stderr.startswith("Interrupted"), stderr
    assert tree_digest(site / "public") == before
    assert not (site / ".public.staging").exists()
