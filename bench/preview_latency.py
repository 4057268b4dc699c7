"""Measure the preview's edit-to-visible latency in headless Chromium.

    /work/venv/bin/python bench/preview_latency.py --articles 1000 --edits 7
    /work/venv/bin/python bench/preview_latency.py --articles 0   # the repository's own site

Generates a site of N articles (or copies the example site) into a temporary folder, runs
`python -m generator serve` on it, opens one article, and edits that article repeatedly;
for each edit it measures the time from just before the write to the moment the new text is
rendered in the page. With BRIEFINGS_RECORD_LATENCY=1 the numbers are also appended to
bench/results/preview-latency.jsonl.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.preview_driver import (  # noqa: E402
    ServeProcess,
    free_port,
    launch_chromium,
    median,
    record,
    with_sentence,
    write_and_time,
)

_VOCABULARY = """the council said water transit budget plan vote report minister talks city harbour
tram line bus fares reservoir drought ban record level officials agreed delay cost review
public consultation residents members committee week month year policy draft approved
rejected proposal depot site route service network capacity funding grant regional
national government opposition statement spokesperson confirmed denied according sources
meeting agenda evidence analysis figures data survey expected planned announced warned
"""
WORDS = _VOCABULARY.split()
BRIEFINGS = ["transit", "water", "budget", "housing", "energy"]
TAGS = ["policy", "economy", "infrastructure", "climate", "elections", "courts",
        "health", "schools", "transport", "utilities", "planning", "finance"]
START = dt.datetime(2024, 1, 1, 8, 0, tzinfo=dt.UTC)
SPAN = dt.timedelta(days=730)


def paragraph(rng: random.Random, words: int) -> str:
    chosen = [rng.choice(WORDS) for _ in range(words)]
    sentences, step = [], 12
    for at in range(0, len(chosen), step):
        part = " ".join(chosen[at:at + step])
        sentences.append(part[0].upper() + part[1:] + ".")
    return " ".join(sentences)


def generate(root: Path, articles: int) -> Path:
    """Write a deterministic site of N articles (~600 words each); return its root."""
    rng = random.Random(20251103)
    site = root / f"site-{articles}"
    (site / "content" / "briefings").mkdir(parents=True)
    (site / "content" / "articles").mkdir(parents=True)
    (site / "site.yaml").write_text(
        'title: "Latency bench"\ndescription: "Generated articles"\n'
        'base_url: "https://bench.example.org/"\nlanguage: en\ntimezone: Europe/Berlin\n'
        'author: "Bench desk"\n', encoding="utf-8")
    for weight, name in enumerate(BRIEFINGS, 1):
        (site / "content" / "briefings" / f"{name}.md").write_text(
            f"---\ntitle: {name.title()} briefing\nweight: {weight}\n---\n"
            f"{paragraph(rng, 80)}\n", encoding="utf-8")
    for n in range(articles):
        when = START + SPAN * n / max(articles, 1) + dt.timedelta(minutes=rng.randrange(600))
        picked_briefings = rng.sample(BRIEFINGS, rng.choice((1, 1, 2)))
        picked_tags = rng.sample(TAGS, rng.randrange(1, 4))
        body = "\n\n".join(paragraph(rng, 100) for _ in range(6))
        (site / "content" / "articles" / f"article-{n:05d}.md").write_text(
            f"---\ntitle: Article {n} on {' '.join(rng.sample(WORDS, 3))}\n"
            f"date: {when.isoformat(timespec='seconds')}\n"
            f"source: Bench Wire\nbriefings: [{', '.join(picked_briefings)}]\n"
            f"tags: [{', '.join(picked_tags)}]\n---\n{body}\n", encoding="utf-8")
    return site


def copy_example(root: Path) -> Path:
    site = root / "example"
    shutil.copytree(REPO, site, ignore=shutil.ignore_patterns(
        "public", ".git", ".venv", "__pycache__", ".pytest_cache", ".ruff_cache",
        ".mypy_cache", "bench"))
    return site


def build_seconds(line: str | None) -> float | None:
    found = re.search(r" in ([0-9.]+) s$", line or "")
    return float(found.group(1)) if found else None


def measure(site: Path, article: Path, edits: int,
            timeout_ms: float) -> tuple[list[float], list[float | None]]:
    """Edit the article `edits` times; return the latencies (ms) and the rebuild times (s)."""
    slug = article.stem
    server = ServeProcess(site, free_port())
    try:
        started = time.perf_counter()
        server.start(timeout=600)
        print(f"first build and start: {time.perf_counter() - started:.1f} s "
              f"({server.wait_for('Built ', 0) or 'no build line'})")
        original = article.read_text(encoding="utf-8")
        latencies: list[float] = []
        builds: list[float | None] = []
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            page = browser.new_page()
            page.goto(server.url + f"articles/{slug}/")
            for n in range(1, edits + 1):
                sentence = f"Bench edit {n} at {time.time_ns()} is visible."
                seen = len(server.lines)
                latencies.append(write_and_time(page, article, with_sentence(original, sentence),
                                                sentence, timeout_ms))
                builds.append(build_seconds(server.wait_for("Built ", 5, start=seen)))
                time.sleep(0.3)  # let the page settle before the next save
            browser.close()
        article.write_text(original, encoding="utf-8")
    finally:
        code = server.stop(timeout=10)
        if code != 0 or "Traceback" in server.output:
            print(f"warning: serve exited with {code}; its output:\n{server.output}")
    return latencies, builds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=1000,
                        help="generated articles; 0 uses the repository's example site")
    parser.add_argument("--edits", type=int, default=7)
    parser.add_argument("--timeout", type=float, default=120,
                        help="seconds to wait for one edit to show before giving up")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="briefings-bench-") as tmp:
        root = Path(tmp)
        if args.articles > 0:
            site = generate(root, args.articles)
            label = f"generated:{args.articles}"
        else:
            site = copy_example(root)
            label = "example-site"
        article = sorted((site / "content" / "articles").rglob("*.md"))[0]
        print(f"site: {label}; editing {article.relative_to(site)} {args.edits} times")
        latencies, builds = measure(site, article, args.edits, args.timeout * 1000)
    print("edit-to-visible (ms): " + ", ".join(f"{v:.0f}" for v in latencies))
    print("server rebuild (s):   " + ", ".join("?" if b is None else f"{b:.2f}" for b in builds))
    print(f"median {median(latencies):.0f} ms, min {min(latencies):.0f} ms, "
          f"max {max(latencies):.0f} ms")
    if (path := record("bench", latencies, site=label, edits=args.edits)) is not None:
        print(f"recorded in {path}")


if __name__ == "__main__":
    main()
