"""A site in several languages: `languages:` in site.yaml, and which language a file is in.

Each language is a site of its own under its path prefix (its lists, feeds, digests and
search), built from the files in that language; translations link the languages' pages.
Pure: no IO.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any, TypeVar

from generator import dates, routes
from generator.errors import Problem
from generator.model import Article, Briefing, Entity, Language, SiteConfig, Standalone
from generator.scan import BUNDLE
from generator.schema import Invalid, mapping, suggest, text

if TYPE_CHECKING:  # config reads this module: a build with nothing to do parses nothing
    from generator.parse import ParsedFile

KEYS = ("title", "description", "path")
EXAMPLE = 'languages: {en: {title: "Seoul Desk", path: ""}, ko: {title: "서울데스크", path: ko}}'
# A file name's language suffix: talks.ko.md, talks.pt-BR.md (the stem's last dotted part).
_SUFFIX = re.compile(r"\.([a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*)$")
_PATH = re.compile(r"[a-z0-9][a-z0-9-]*")


def parse(value: Any, default: str | None) -> tuple[Language, ...]:
    """Check `languages:` (and `default_language`); return them, the default first."""
    found = []
    paths: dict[str, str] = {}
    for code, spec in mapping(value).items():
        code = str(code)
        try:
            dates.locale(code)
        except Invalid:
            raise Invalid(f"'{code}' is not a language tag such as en or ko") from None
        spec = {} if spec is None else spec
        if not isinstance(spec, dict):
            raise Invalid(f"'{code}': expected a mapping such as {{title: …, path: {code}}}")
        unknown = [str(k) for k in spec if str(k) not in KEYS]
        if unknown:
            raise Invalid(f"'{code}': unknown key '{unknown[0]}'; {suggest(unknown[0], [*KEYS])}")
        path = text(spec.get("path", "") or "").strip().strip("/")
        if path and (not _PATH.fullmatch(path) or path in routes.RESERVED):
            raise Invalid(f"'{code}': path '{path}' must be one folder name of lowercase "
                          "letters, digits and '-', not one of the site's own folders")
        if path in paths:
            raise Invalid(f"'{code}' and '{paths[path]}' both have the path '{path}'; give "
                          "each language its own (one of them may be \"\", the root)")
        paths[path] = code
        found.append(Language(code, text(spec.get("title", "") or ""),
                              text(spec.get("description", "") or ""), path))
    if not found:
        raise Invalid(f"expected at least one language, e.g. {EXAMPLE}")
    if default is not None:
        chosen = [lang for lang in found if lang.code == default]
        if not chosen:
            raise Invalid(f"default_language '{default}' is not one of languages: "
                          + ", ".join(lang.code for lang in found))
        found = chosen + [lang for lang in found if lang.code != default]
    return tuple(found)


def for_language(config: SiteConfig, language: Language) -> SiteConfig:
    """Return the config of one language's site: its language, title and path prefix."""
    return replace(config, language=language.code, title=language.title or config.title,
                   description=language.description or config.description,
                   base_url=config.base_url + (language.path + "/" if language.path else ""),
                   root_url=config.base_url)


def prefix(language: Language) -> str:
    """Return the output folder of a language's pages: "" or e.g. "ko/"."""
    return language.path + "/" if language.path else ""


def split_stem(stem: str, config: SiteConfig) -> tuple[str, str | None]:
    """Split a file stem into (stem, language suffix); the suffix is None when there is none.

    On a site without `languages:` no suffix is read: `talks.ko` stays a slug as ever.
    """
    if not config.languages:
        return stem, None
    match = _SUFFIX.search(stem)
    if match is None:
        return stem, None
    return stem[: match.start()], match.group(1)


Item = TypeVar("Item", Article, Briefing, Standalone)


def assign(config: SiteConfig, records: Mapping[str, ParsedFile], briefings: list[Briefing],
           articles: list[Article], pages: list[Standalone], problems: list[Problem]
           ) -> tuple[list[Briefing], list[Article], list[Standalone]]:
    """Give each briefing, article and page its language and what its translations share."""
    codes = [language.code for language in config.languages]
    members: dict[str, dict[str, str]] = {}  # translation → language → file
    explicit: dict[str, str] = {}  # translation named by translation_key → its first file
    clashed: set[str] = set()  # translations two files of one language claim

    def one(item: Item, kind: str) -> Item | None:
        record = records[item.source_path]
        lang = record.values.get("lang")
        if not codes:  # one language: `lang` only marks a text in another
            return replace(item, lang=lang or "")
        folder, _, stem = item.source_path.removesuffix("/" + BUNDLE).removesuffix(
            ".md").rpartition("/")
        base, suffix = split_stem(stem, config)
        known = ", ".join(codes)
        if suffix is not None and suffix not in codes:
            problems.append(Problem(item.source_path, None, (
                f"its language suffix '.{suffix}' is not one of the site's languages "
                f"({known}); add {suffix} to languages: in site.yaml or rename the file")))
            return None
        if lang is not None and lang not in codes:
            problems.append(Problem(item.source_path, record.line("lang"), (
                f"'lang': {lang} is not one of the site's languages ({known}); add it to "
                "languages: in site.yaml")))
            return None
        if suffix is not None and lang is not None and suffix != lang:
            problems.append(Problem(item.source_path, record.line("lang"), (
                f"'lang' says {lang} but the file name says {suffix}; keep one")))
            return None
        chosen = suffix or lang or codes[0]
        given = record.values.get("translation_key")
        # One translation however its file names are saved (macOS writes them decomposed).
        key = unicodedata.normalize("NFC", f"{kind}:{given}" if given else
                                    f"{kind}:{folder}/{base}")
        if given:
            explicit.setdefault(key, item.source_path)
        group = members.setdefault(key, {})
        if chosen in group:
            clashed.add(key)  # reported here: not also as a key that translates nothing
            why = ("" if suffix or lang else
                   " (with no language suffix and no 'lang:', it is in the default language)")
            problems.append(Problem(item.source_path, record.line("translation_key"), (
                f"is a second {chosen} version of {group[chosen]}{why}: two files claim the "
                "same translation; give one another translation_key or another language")))
            return None
        group[chosen] = item.source_path
        return replace(item, lang=chosen, translation=key)

    found = ([b for b in (one(b, "briefing") for b in briefings) if b],
             [a for a in (one(a, "article") for a in articles) if a],
             [p for p in (one(p, "page") for p in pages) if p])
    for key, path in explicit.items():
        if len(members.get(key, {})) < 2 and key not in clashed:
            problems.append(Problem(path, records[path].line("translation_key"), (
                f"'translation_key': no other file has translation_key "
                f"'{key.split(':', 1)[1]}', so it translates nothing; give its "
                "translation the same key, or remove it")))
    return found


Profiles = list[tuple["ParsedFile", str]]  # an entity file's record and its profile's HTML


def entity_versions(profiles: Profiles, config: SiteConfig, problems: list[Problem]
                    ) -> tuple[Profiles, dict[str, list[tuple[str, ParsedFile, str]]]]:
    """Split entity files into the entities and their translations (russia.ko.md), by id."""
    if not config.languages:
        return profiles, {}
    codes = [language.code for language in config.languages]
    own: Profiles = []
    versions: dict[str, list[tuple[str, ParsedFile, str]]] = {}
    for record, html in profiles:
        stem, suffix = split_stem(record.path.rsplit("/", 1)[-1].removesuffix(".md"), config)
        if suffix is None:
            own.append((record, html))
        elif suffix not in codes:
            problems.append(Problem(record.path, None, (
                f"its language suffix '.{suffix}' is not one of the site's languages "
                f"({', '.join(codes)}); add {suffix} to languages: in site.yaml or rename it")))
        else:
            versions.setdefault(stem, []).append((suffix, record, html))
    return own, versions


def with_versions(people: list[Entity], versions: dict[str, list[tuple[str, ParsedFile, str]]],
                  problems: list[Problem]) -> list[Entity]:
    """Give each entity its translations: their names, descriptions and profiles."""
    known = {e.slug: e for e in people}
    for slug, found in versions.items():
        if slug not in known:
            problems += [Problem(record.path, None, (
                f"translates the entity '{slug}', but content/entities/{slug}.md does not "
                "exist; create it, or rename this file")) for _, record, _ in found]
    done = []
    for entity in people:
        own = sorted(versions.get(entity.slug, ()), key=lambda item: item[0])
        names = list(entity.names)
        for code, record, _ in own:
            names += [(code, name) for lang, name in record.values.get("name", ())
                      if (code, name) not in names and lang in ("", code)]
        done.append(replace(entity, names=tuple(names), versions=tuple(
            (code, record.values.get("description", ""), html) for code, record, html in own)))
    return done
