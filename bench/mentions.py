"""Time the mentions matcher: 10,000 articles of about 3 KB against 2,000 aliases of 500 entities.

Run from the repository root:

    .venv/bin/python -m bench.mentions                       # the issue's sizes
    .venv/bin/python -m bench.mentions --articles 1000 --entities 100

Entities are people (English, Korean and Russian names), organizations and places, four
aliases each; Russian surnames are made up, so pymorphy3 declines them through its
predictor, the slow path. Articles are mostly English, with a Korean paragraph in one of
three and a Russian one in one of four, and mention a few entities in inflected forms and
with Korean particles. Only the matcher is timed, not making the text. Memory is the
process's resident set, read from /proc (Linux).
"""

# ruff: noqa: RUF001  (Cyrillic letters in strings are Russian endings)

from __future__ import annotations

import argparse
import pickle
import random
import statistics
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from bench.corpus import WORDS
from generator.mentions import PARTICLES, Matcher, fold, russian_forms

LATIN = ["ka", "ri", "to", "mel", "san", "vor", "lin", "da", "bur", "zan", "nik", "ol", "ste"]
HANGUL = list("가나다라마바사아자차카타파하로리미시키도부스트프")
CYRILLIC = ["ка", "ри", "то", "мел", "сан", "вор", "лин", "да", "бур", "зан", "ник", "ол", "сте"]
RU_FIRST = ["Мария", "Олег", "Анна", "Сергей", "Елена", "Дмитрий", "Ольга", "Игорь"]
RU_ENDINGS = {"Мария": "ова", "Анна": "ина", "Елена": "ская", "Ольга": "ева",
              "Олег": "ов", "Сергей": "ин", "Дмитрий": "ский", "Игорь": "ев"}


def _word(rng: random.Random, syllables: list[str], low: int = 2, high: int = 3) -> str:
    return "".join(rng.choice(syllables) for _ in range(rng.randint(low, high)))


def entities(count: int, seed: int) -> list[tuple[str, dict[str, list[str]]]]:
    """Make entities with four aliases each, in English, Korean and Russian."""
    rng = random.Random(seed)
    made: list[tuple[str, dict[str, list[str]]]] = []
    for number in range(count):
        latin = _word(rng, LATIN).capitalize()
        hangul = _word(rng, HANGUL, 3, 4)
        if number % 5 < 3:  # a person
            first = rng.choice(RU_FIRST)
            surname = _word(rng, CYRILLIC).capitalize() + RU_ENDINGS[first]
            names = {"en": [f"{rng.choice(LATIN).capitalize()}a {latin}", latin],
                     "ko": [hangul], "ru": [f"{first} {surname}"]}
        elif number % 5 == 3:  # an organization
            names = {"en": [f"{latin} Agency"], "ko": [f"{hangul} 통신"],
                     "ru": [f"Агентство {_word(rng, CYRILLIC).capitalize()}",
                            f"Министерство {_word(rng, CYRILLIC)}ых дел"]}
        else:  # a place
            names = {"en": [f"North {latin}", f"{latin}land"], "ko": [f"북{hangul}"],
                     "ru": [f"Северная {_word(rng, CYRILLIC).capitalize()}ия"]}
        made.append((f"entity-{number:04d}", names))
    return made


def articles(count: int, table: list[tuple[str, dict[str, list[str]]]],
             seed: int) -> Iterator[tuple[str, str, str, set[str]]]:
    """Yield (title, summary, body, ids meant to be found) for each article, one at a time."""
    rng = random.Random(seed)
    forms = {entity: {language: sorted(russian_forms(name)) if language == "ru" else [name]
                      for language, names in by_language.items() for name in names[:1]}
             for entity, by_language in table}
    for _ in range(count):
        meant: dict[str, set[str]] = {"en": set(), "ko": set(), "ru": set()}
        for entity, by_language in rng.sample(table, rng.randint(2, 6)):
            meant[rng.choice(sorted(by_language))].add(entity)

        def english(sentences: int) -> str:
            return " ".join(" ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 16)))
                            + "." for _ in range(sentences))

        paragraphs = [english(4) for _ in range(rng.randint(3, 4))]
        for entity in sorted(meant["en"]):
            paragraphs.append(f"{english(1)} {forms[entity]['en'][0]}'s office said. "
                              + english(1))
        if meant["ko"] or rng.random() < 1 / 3:
            words = [_word(rng, HANGUL) for _ in range(60)]
            for entity in sorted(meant["ko"]):
                words.insert(rng.randrange(len(words)),
                             forms[entity]["ko"][0] + rng.choice(sorted(PARTICLES)))
            paragraphs.append(" ".join(words) + ".")
        if meant["ru"] or rng.random() < 1 / 4:
            words = [_word(rng, CYRILLIC) for _ in range(60)]
            for entity in sorted(meant["ru"]):
                words.insert(rng.randrange(len(words)), rng.choice(forms[entity]["ru"]))
            paragraphs.append(" ".join(words) + ".")
        rng.shuffle(paragraphs)
        ids = meant["en"] | meant["ko"] | meant["ru"]
        yield english(1), english(2), "\n\n".join(paragraphs), ids


def _rss_kib(field: str = "VmRSS") -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def main(argv: list[str] | None = None) -> int:
    """Build the matcher, scan every article, print the costs."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--entities", type=int, default=500)
    parser.add_argument("--seed", type=int, default=15)
    args = parser.parse_args(argv)

    table = entities(args.entities, args.seed)
    aliases = sum(len(names) for _, by_language in table for names in by_language.values())
    rss_before = _rss_kib()
    started = time.perf_counter()
    matcher = Matcher.build(table)
    cold = time.perf_counter() - started
    rss_built = _rss_kib()
    started = time.perf_counter()
    Matcher.build(table)
    warm = time.perf_counter() - started
    blob = pickle.dumps(matcher)
    started = time.perf_counter()
    pickle.loads(blob)
    unpickle = time.perf_counter() - started

    scan_ns: list[int] = []
    fold_ns: list[int] = []
    size = missed = found = 0
    for title, summary, body, meant in articles(args.articles, table, args.seed):
        size += len(f"{title}\n{summary}\n{body}".encode())
        started_ns = time.perf_counter_ns()
        fold(title), fold(summary), fold(body)
        fold_ns.append(time.perf_counter_ns() - started_ns)
        started_ns = time.perf_counter_ns()
        ids = matcher.scan(title, summary, body).ids
        scan_ns.append(time.perf_counter_ns() - started_ns)
        missed += len(meant - set(ids))
        found += len(ids)

    def ms(values: list[int], share: float) -> float:
        return sorted(values)[min(len(values) - 1, int(share * len(values)))] / 1e6

    print(f"entities {args.entities}, aliases {aliases}, automaton keys "
          f"{len(matcher)}, articles {args.articles}, "
          f"mean article {size / args.articles / 1024:.1f} KiB")
    print(f"build: {cold * 1000:.0f} ms cold (pymorphy3 loaded and declining), "
          f"{warm * 1000:.0f} ms warm; pickle {len(blob) / 1e6:.1f} MB, "
          f"unpickled in {unpickle * 1000:.0f} ms")
    print(f"scan per article: median {ms(scan_ns, 0.5):.3f} ms, p95 {ms(scan_ns, 0.95):.3f} ms, "
          f"max {max(scan_ns) / 1e6:.3f} ms, mean {statistics.fmean(scan_ns) / 1e6:.3f} ms; "
          f"of which folding the text: median {ms(fold_ns, 0.5):.3f} ms")
    print(f"all {args.articles} articles: {sum(scan_ns) / 1e9:.2f} s")
    print(f"memory: {rss_before / 1024:.0f} MB before the build, {rss_built / 1024:.0f} MB "
          f"after it, {_rss_kib('VmHWM') / 1024:.0f} MB peak")
    print(f"mentions found: {found}; planted mentions missed: {missed}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
