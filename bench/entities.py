"""Build the benchmark corpus with and without 500 entities (2,000 names), side by side.

    python -m bench.entities [--articles 10000] [--seed 1] [--runs 3] [--entities 500]

Copies the generated Briefings corpus (peer configuration, from `python -m bench`) twice,
adds to one of them ENTITIES entities of four names each (a name and three aliases, every
one a two-word phrase of the corpus's own words, so that articles really mention them),
then times, interleaved, a full build from nothing and a rebuild after editing one article
of each, and prints medians of wall time and of the largest process's peak RSS.
"""

from __future__ import annotations

import argparse
import random
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench import corpus

WORK = corpus.BENCH / ".work"


def entity_file(index: int, names: list[str]) -> str:
    """One entity's file: a name, three aliases (one in Korean, one in Russian form too)."""
    kinds = ("person", "organization", "country", "place", "event", "other")
    aliases = ", ".join(f'"{n}"' for n in names[1:])
    return (f"---\nname: {{en: \"{names[0]}\", ko: \"엔티티{index}\", ru: \"Сущность{index}\"}}\n"
            f"type: {kinds[index % len(kinds)]}\naliases: [{aliases}]\n---\n"
            f"Profile of {names[0]}.\n")


def add_entities(site: Path, count: int, seed: int) -> int:
    """Write COUNT entities of four names each; return how many names.

    The corpus's words are drawn at random, so a two-word name shows up in about 1.5% of
    its articles: the names of the first tenth of the entities are two words (about three
    mentions an article, as in a newsroom's copy), the others three words (rarely found).
    """
    rng = random.Random(seed)
    words = sorted({w.lower() for w in corpus.WORDS if w.isalpha() and len(w) > 3})
    pairs = rng.sample(sorted({f"{a.title()} {b.title()}" for a in words for b in words
                               if a != b}), count // 10 * 4)
    triples = sorted({f"{pair} {rng.choice(words).title()}"
                      for pair in rng.sample(sorted({f"{a.title()} {b.title()}"
                                                     for a in words for b in words}),
                                             count * 4)})
    chosen = pairs + rng.sample(triples, count * 4 - len(pairs))
    folder = site / "content" / "entities"
    folder.mkdir(parents=True, exist_ok=True)
    for index in range(count):
        names = chosen[index * 4:(index + 1) * 4]
        (folder / f"entity-{index:04d}.md").write_text(entity_file(index, names),
                                                       encoding="utf-8")
    return count * 4


def timed(site: Path, *extra: str) -> tuple[float, float]:
    """Build SITE in a child process; return wall seconds and the largest process's MB."""
    code = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True); "
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code, sys.executable, "-m", "generator",
                           "build", "--site", str(site), "--quiet", *extra],
                          capture_output=True, text=True, check=True)
    return time.perf_counter() - started, int(done.stdout.split()[-1]) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--entities", type=int, default=500)
    args = parser.parse_args()
    source = WORK / f"corpus-{args.articles}-s{args.seed}" / "briefings"
    if not (source / "content").is_dir():
        sys.exit(f"{source} is missing: run `python -m bench --articles {args.articles}` first")
    sites = {}
    for label in ("without", "with"):
        site = WORK / f"entities-{args.articles}-{label}"
        shutil.rmtree(site, ignore_errors=True)
        shutil.copytree(source / "content", site / "content")
        # The shipped theme, not the corpus's copy (made for the template-edit case, it may
        # predate the entity templates).
        shutil.copy(source / "site.yaml", site / "site.yaml")
        sites[label] = site
    names = add_entities(sites["with"], args.entities, args.seed)
    article = sorted((sites["with"] / "content" / "articles").rglob("*.md"))[0]
    results: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for run in range(args.runs):
        for label, site in sites.items():
            shutil.rmtree(site / "public", ignore_errors=True)
            shutil.rmtree(site / ".briefings-cache", ignore_errors=True)
            results.setdefault((label, "full"), []).append(timed(site))
            edited = site / article.relative_to(sites["with"])
            edited.write_text(edited.read_text(encoding="utf-8") +
                              f"\nBench entity edit {run}: Harbour Council said so.\n",
                              encoding="utf-8")
            results.setdefault((label, "edit-article"), []).append(timed(site))
    print(f"{args.articles} articles; {args.entities} entities with {names} names; "
          f"medians of {args.runs} runs, interleaved; "
          f"load {resource.getrusage(resource.RUSAGE_SELF).ru_utime:.0f} s self CPU")
    print("| case | without s | with s | ratio | without MB | with MB |")
    print("|---|---:|---:|---:|---:|---:|")
    for case in ("full", "edit-article"):
        plain, named = results[("without", case)], results[("with", case)]
        t0, t1 = (statistics.median(r[0] for r in rows) for rows in (plain, named))
        m0, m1 = (statistics.median(r[1] for r in rows) for rows in (plain, named))
        print(f"| {case} | {t0:.2f} | {t1:.2f} | {t1 / t0:.2f} | {m0:.0f} | {m1:.0f} |")


if __name__ == "__main__":
    main()
