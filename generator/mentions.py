"""Find which entities an article's text mentions, in Latin, Cyrillic and Hangul script."""

# ruff: noqa: RUF001  (the Cyrillic letters in strings are Russian endings, meant as such)

from __future__ import annotations

import hashlib
import itertools
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import cache, lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any, NamedTuple

import ahocorasick

# Stress marks (Russian teaching texts, U+0301/U+0300) and soft hyphens would split a word.
_FOLD = str.maketrans({"ё": "е", "\u0301": None, "\u0300": None, "\u00ad": None,
                       "\u200b": None, "\u200d": None, "_": " "})
# White space, hyphens and apostrophes separate the words of one name ("Kim Jong-un" = "Kim
# Jong Un", "Russia's"); other punctuation ends it: "Maria. Zakharova" is not her name. It
# stays in the folded text as a word of its own, _STOP, that no name contains.
_STOP = "\x01"
_BREAK = re.compile(r"[^\w\s'\u2019\u2010\u2011-]+")
# Single spaces, most of a text's gaps, are left alone: replacing them costs a third of
# the fold.
_NONWORD = re.compile(r"[^\w\x01]{2,}|[^\w\x01 ]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_HANGUL = re.compile(r"[\uac00-\ud7a3]+")
# Field separator in scan(): no key holds it, so no alias matches across two fields.
_FIELD = "\x00"

# Korean particles (josa) and forms of the copula 이다 that may follow a name in the same
# word, by the classes of the National Institute of Korean Language's Standard Korean
# Language Dictionary. Both allomorphs are accepted (은 after a consonant, 는 after a vowel):
# texts get them wrong too. Nouns that merely attach (측, 인, 씨) are left out: 러시아인 is a
# Russian, not Russia.
PARTICLES = frozenset((
    # case particles (격 조사)
    "이", "가", "께서", "을", "를", "의", "에", "에게", "한테", "께", "에서", "에게서", "한테서",
    "로", "으로", "로서", "으로서", "로써", "으로써", "로부터", "으로부터", "처럼", "만큼", "보다",
    "라고", "이라고",
    # conjunctive particles (접속 조사)
    "와", "과", "하고", "이랑", "랑",
    # auxiliary particles (보조사)
    "은", "는", "도", "만", "까지", "부터", "조차", "마저", "이나", "나", "이나마", "나마",
    "이라도", "라도", "뿐", "밖에", "마다",
    # the copula (서술격 조사 이다)
    "이다", "였다", "이었다", "입니다", "이며", "며", "이고", "이라는", "라는", "이란", "란",
    "이라며", "라며",
))
_MAX_PARTICLES = 3  # 에게서 + 는 + 도: real stacks are shorter

# Russian cases to which an alias is declined; the rarer ones fold into their main case.
_CASES = ("nomn", "gent", "datv", "accs", "ablt", "loct")
_CASE_OF = {**{case: case for case in _CASES}, "gen1": "gent", "gen2": "gent",
            "acc2": "accs", "loc1": "loct", "loc2": "loct", "voct": "nomn"}
_PERSON = frozenset({"Name", "Surn", "Patr"})
# The declension of Russian surnames (Zaliznyak's grammar; Rosenthal's handbook, § 14),
# for a capitalized word the dictionary has no nominative of: ending → endings by _CASES.
_SURNAME_ENDINGS = (
    (re.compile(r"(?:ов|ев|ёв|ин|ын)$"), ("", "а", "у", "а", "ым", "е")),
    (re.compile(r"(?:ов|ев|ёв|ин|ын)а$"), ("а", "ой", "ой", "у", "ой", "ой")),
    (re.compile(r"[сц]кий$"), ("ий", "ого", "ому", "ого", "им", "ом")),
    (re.compile(r"[сц]кая$"), ("ая", "ой", "ой", "ую", "ой", "ой")),
)


class Scan(NamedTuple):
    """What one text mentions: entity ids, and the forms that name several entities."""

    ids: tuple[str, ...]
    ambiguous: tuple[tuple[str, tuple[str, ...]], ...]


def fold(text: str) -> str:
    """Return text in the form keys are matched in: NFC, casefolded, words spaced by one space."""
    folded = unicodedata.normalize("NFC", text).casefold().translate(_FOLD)
    return _NONWORD.sub(" ", _BREAK.sub(f" {_STOP} ", folded)).strip(" " + _STOP)


def particles_only(rest: str) -> bool:
    """Tell whether a word's rest after a name is one to three Korean particles."""
    return _particles(rest, _MAX_PARTICLES)


@lru_cache(maxsize=4096)
def _particles(rest: str, room: int) -> bool:
    if not rest:
        return True
    if room == 0 or _HANGUL.fullmatch(rest) is None:
        return False
    return any(rest.startswith(p) and _particles(rest[len(p):], room - 1)
               for p in PARTICLES if len(p) <= len(rest))


@lru_cache(maxsize=1)
def _analyzer() -> Any:
    # Loaded only for Cyrillic aliases: about 70 ms and 15 MB that English sites never pay.
    import pymorphy3

    return pymorphy3.MorphAnalyzer(lang="ru")


def _surname_rule(word: str) -> tuple[frozenset[str], ...] | None:
    """Decline a word by the surname paradigm its ending shows, or None if none fits."""
    for pattern, endings in _SURNAME_ENDINGS:
        if pattern.search(word):
            stem = word[:len(word) - len(endings[0])]
            return tuple(frozenset({stem + ending}) for ending in endings)
    return None


def _lexeme_by_case(parse: Any) -> list[set[str]]:
    """List the singular (or the parse's number) forms of a parse's lexeme by case."""
    forms: list[set[str]] = [set() for _ in _CASES]
    tag = parse.tag
    for form in parse.lexeme:
        other = form.tag
        case = _CASE_OF.get(other.case or "")
        if (case is None or other.POS != tag.POS or other.number != tag.number
                or (tag.gender is not None and other.gender != tag.gender)):
            continue
        forms[_CASES.index(case)].add(form.word)
    return forms


@cache
def _declension(word: str, capital: bool) -> tuple[str, tuple[frozenset[str], ...]] | None:
    """Return a Russian alias word's kind (name, adj, noun) and forms by case, or None."""
    parses = [p for p in _analyzer().parse(word) if p.tag.case == "nomn"]
    forms: list[set[str]] = [set() for _ in _CASES]
    for parse in parses:
        for bucket, more in zip(forms, _lexeme_by_case(parse), strict=True):
            bucket.update(more)
    person = any(_PERSON & p.tag.grammemes for p in parses)
    rule = None if parses or not capital else _surname_rule(word)
    if rule is not None:  # e.g. Пескова: the dictionary knows only Песков, the man
        person = True
        for found, extra in zip(forms, rule, strict=True):
            found.update(extra)
    if not any(forms):
        return None
    # Every feminine instrumental in -ой/-ей has a bookish twin in -ою/-ею (Захаровою),
    # which the dictionary lists for adjectives but not for surnames.
    ablt = forms[_CASES.index("ablt")]
    ablt.update([form[:-1] + "ю" for form in ablt if form.endswith(("ой", "ей"))])
    kind = ("name" if person else
            "adj" if all(p.tag.POS in ("ADJF", "PRTF") for p in parses) else "noun")
    return kind, tuple(frozenset(bucket) for bucket in forms)


def russian_forms(alias: str) -> frozenset[str]:
    """Return an alias in every case: the head and what agrees with it, its complements kept."""
    words = alias.split()
    # The head noun and the adjectives before it decline together (Южная Корея → Южной
    # Кореи); a person's name parts all do (Марии Захаровой); after the head, words are
    # complements that keep their case (МИД России → МИДа России).
    declined: list[tuple[frozenset[str], ...] | None] = []
    state = "head"
    for word in words:
        core = _NONWORD.sub("-", word).strip("-")
        found = None
        if state != "done" and core and _CYRILLIC.search(core):
            found = _declension(core.lower(), core[0].isupper())
        if found is None or (state == "name" and found[0] != "name"):
            declined.append(None)
            state = "done"
            continue
        declined.append(found[1])
        state = {"name": "name", "noun": "done"}.get(found[0], state)
    variants = {fold(alias)}
    for case in range(len(_CASES)):
        choices = [forms[case] if forms else frozenset({word})
                   for word, forms in zip(words, declined, strict=True)]
        if all(choices):
            variants.update(fold(" ".join(combo)) for combo in itertools.product(*choices))
    return frozenset(variants)


def _keys(language: str, alias: str) -> set[str]:
    """Return the folded forms an alias is found by in a text."""
    alias = unicodedata.normalize("NFC", alias)
    keys = {fold(alias)}
    if _CYRILLIC.search(alias) and language in ("ru", ""):
        keys |= russian_forms(alias)
    # Korean compound names may be written with or without spaces (Hangul orthography,
    # articles 49 and 50): 러시아 외무부 and 러시아외무부 are one name.
    if all(_HANGUL.fullmatch(part) for part in fold(alias).split()):
        keys.add(fold(alias).replace(" ", ""))
    keys.discard("")
    return keys


@lru_cache(maxsize=1)
def _code_digest() -> str:
    versions = []
    for name in ("pymorphy3", "pymorphy3-dicts-ru"):
        try:
            versions.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name}=none")
    material = Path(__file__).read_bytes() + "\n".join(versions).encode()
    return hashlib.blake2b(material, digest_size=16).hexdigest()


class Matcher:
    """One Aho-Corasick automaton over every form of every entity's names and aliases."""

    # Picklable as it is (pyahocorasick pickles its automaton), so workers may get a copy.
    __slots__ = ("_automaton", "_shared", "digest")

    def __init__(self, table: Mapping[str, tuple[str, ...]],
                 shared: list[tuple[str, str, tuple[str, ...]]]) -> None:
        self._shared = shared
        self._automaton = ahocorasick.Automaton()
        for key in sorted(table):
            # The leading space anchors every key at a word start; the word's end is
            # checked on a hit, where Korean particles may follow.
            self._automaton.add_word(" " + key, (key, table[key]))
        if table:
            self._automaton.make_automaton()
        rows = "\n".join(f"{key}\t{' '.join(ids)}" for key, ids in sorted(table.items()))
        self.digest = hashlib.blake2b(f"{_code_digest()}\n{rows}".encode(),
                                      digest_size=16).hexdigest()

    @classmethod
    def build(cls, entities: Iterable[tuple[str, Mapping[str, Sequence[str]]]]) -> Matcher:
        """Index entities given as (id, {language: names and aliases}); "" = language unknown."""
        owners: dict[str, set[str]] = {}
        spelled: dict[tuple[str, str], dict[str, str]] = {}
        for entity, by_language in sorted(entities, key=lambda item: item[0]):
            for language in sorted(by_language):
                for alias in by_language[language]:
                    for key in _keys(language, alias):
                        owners.setdefault(key, set()).add(entity)
                    spelled.setdefault((language, fold(alias)), {}).setdefault(entity, alias)
        table = {key: tuple(sorted(ids)) for key, ids in owners.items()}
        shared = [(language, min(names.values()), tuple(sorted(names)))
                  for (language, _), names in sorted(spelled.items()) if len(names) > 1]
        return cls(table, shared)

    def __len__(self) -> int:
        """Return how many folded forms of names the automaton holds."""
        return len(self._automaton)

    def _hits(self, text: str) -> Iterator[tuple[int, int, str, tuple[str, ...]]]:
        """Yield (start, end, key, ids) for each whole-word occurrence of a key."""
        if not len(self):
            return
        for last, (key, ids) in self._automaton.iter(text):
            end = last + 1
            # A hit may end inside a word: only Korean particles may complete it. Every
            # word, the last of a field too, is followed by a space.
            if text[end] != " " and not particles_only(text[end:text.index(" ", end)]):
                continue
            yield end - len(key), end, key, ids

    def scan(self, *texts: str) -> Scan:
        """Find the entities the texts mention; a name inside a longer name does not count."""
        text = _FIELD.join(f" {fold(part)} " for part in texts)
        hits = sorted(self._hits(text), key=lambda hit: (hit[0], -hit[1]))
        ids: set[str] = set()
        ambiguous: dict[str, tuple[str, ...]] = {}
        reach = -1
        for _start, end, key, owners in hits:
            # "North Korea" holds "Korea", "Russia's Foreign Ministry" holds "Foreign
            # Ministry": the longer name says which entity is meant.
            if end <= reach:
                continue
            reach = end
            ids.update(owners)
            if len(owners) > 1:
                ambiguous[key] = owners
        return Scan(tuple(sorted(ids)), tuple(sorted(ambiguous.items())))

    def find(self, text: str) -> tuple[str, ...]:
        """Return the ids of the entities a text mentions, sorted."""
        return self.scan(text).ids

    def ambiguous(self, text: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """Return the forms in a text that name more than one entity, with their ids."""
        return self.scan(text).ambiguous

    def shared_aliases(self) -> list[tuple[str, str, tuple[str, ...]]]:
        """List (language, alias, ids) for each alias that more than one entity uses."""
        return list(self._shared)

