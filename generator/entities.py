"""Turn parsed entity files into entities, and link articles to the entities they name."""

from __future__ import annotations

import dataclasses
import unicodedata
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from generator import slugs
from generator.errors import Problem
from generator.model import Article, Entity
from generator.parse import Finder, ParsedFile
from generator.schema import suggest

if TYPE_CHECKING:
    from generator.mentions import Matcher


def from_records(profiles: Sequence[tuple[ParsedFile, str]], language: str,
                 problems: list[Problem]) -> list[Entity]:
    """Make an entity of each parsed `content/entities/<slug>.md` with its profile's HTML."""
    found = []
    for record, html in profiles:
        v = record.values
        slug = unicodedata.normalize("NFC", record.path.rsplit("/", 1)[-1].removesuffix(".md"))
        why = slugs.check(slug)
        if why is not None:
            problems.append(Problem(record.path, None, f"the file name (the entity's id) "
                                    f"{slug!r} {why}"))
            continue
        if "name" not in v:
            continue  # reported by the schema
        # The site language's name first: a name of no stated language is in it.
        names = sorted(v["name"], key=lambda pair: pair[0] not in ("", language))
        found.append(Entity(record.path, slug, v.get("type", "other"),
                            tuple((lang or language, name) for lang, name in names),
                            tuple(v.get("aliases", ())), v.get("wikidata", ""),
                            v.get("description", ""), v.get("member_of", ""), html))
    known = {e.slug: e for e in found}
    lines = {record.path: record for record, _ in profiles}
    for entity in found:
        if entity.member_of and entity.member_of not in known:
            problems.append(Problem(entity.source_path, lines[entity.source_path].line(
                "member_of"), f"'member_of': {unknown(entity.member_of, known)}"))
    problems += _cycles(found, known, lines)
    return found


def unknown(slug: str, known: Mapping[str, Entity]) -> str:
    """Say that no entity has this slug, with a "did you mean" or how to create it."""
    hint = (suggest(slug, sorted(known)).replace("allowed keys", "known entities")
            if known else "no entities exist yet")
    return f"unknown entity '{slug}'; {hint} (or create content/entities/{slug}.md)"


def _cycles(found: list[Entity], known: dict[str, Entity],
            lines: dict[str, ParsedFile]) -> list[Problem]:
    """Report each entity that is, through member_of, a member of itself."""
    problems = []
    for entity in found:
        seen = [entity.slug]
        current = known.get(entity.member_of)
        while current is not None and current.slug not in seen:
            seen.append(current.slug)
            current = known.get(current.member_of)
        if current is not None and current.slug == entity.slug:
            chain = " → ".join([*seen, entity.slug])
            problems.append(Problem(entity.source_path, lines[entity.source_path].line(
                "member_of"), f"'member_of' goes round in a circle ({chain}); remove one link"))
    return problems


def matcher(people: Sequence[Entity]) -> Matcher | None:
    """Return the matcher of every entity's names and aliases, or None without entities."""
    if not people:
        return None
    from generator.mentions import Matcher  # its automaton only when a site has entities

    table = []
    for entity in people:
        names: dict[str, list[str]] = {}
        for lang, name in (*entity.names, *entity.aliases):
            names.setdefault(lang, []).append(name)
        table.append((entity.slug, names))
    return Matcher.build(table)


def finder(found: Matcher | None) -> Finder | None:
    """Return what parsing calls to find the entities a text names."""
    if found is None:
        return None
    def scan(*texts: str) -> tuple[tuple[str, ...], tuple[tuple[str, tuple[str, ...]], ...]]:
        result = found.scan(*texts)  # one pass for both answers
        return result.ids, result.ambiguous

    return scan


def link(articles: list[Article], records: dict[str, ParsedFile], people: Sequence[Entity],
         problems: list[Problem]) -> list[Article]:
    """Give each article its entities: those it is about, and those its text names."""
    known = {e.slug: e for e in people}
    linked = []
    for article in articles:
        record = records[article.source_path]
        v = record.values
        chosen = {key: tuple(dict.fromkeys(v.get(key, ())))
                  for key in ("about", "mentions", "ignore_mentions")}
        for key, slugs_ in chosen.items():
            problems += [Problem(article.source_path, record.line(key),
                                 f"'{key}': {unknown(slug, known)}")
                         for slug in slugs_ if slug not in known]
        ignored = set(chosen["ignore_mentions"])
        for form, named in v.get("ambiguous", []):
            left = [slug for slug in named if slug not in ignored]
            if len(left) > 1:
                problems.append(Problem(article.source_path, None, (
                    f"'{form}' names {' and '.join(left)} alike; add the one it does not "
                    f"mean to ignore_mentions (e.g. ignore_mentions: [{left[-1]}]) or give "
                    "the entities more specific aliases")))
        about = tuple(s for s in chosen["about"] if s in known)
        named = set(v.get("found", ())) | set(chosen["mentions"])
        mentions = tuple(sorted(s for s in named - ignored - set(about) if s in known))
        linked.append(dataclasses.replace(article, about=about, mentions=mentions))
    return linked


def shared(found: Matcher | None, people: Sequence[Entity]) -> list[Problem]:
    """Warn of each alias that two entities share: a text naming it mentions both."""
    if found is None:
        return []
    path = {e.slug: e.source_path for e in people}
    return [Problem(path[owners[0]], None, (
        f"shares the name '{alias}'{f' ({lang})' if lang else ''} with "
        f"{', '.join(owners[1:])}: an article naming it must say which it means "
        "(ignore_mentions), or give one a more specific alias"))
        for lang, alias, owners in found.shared_aliases()]
