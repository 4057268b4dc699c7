"""Parse one content file's bytes into checked front matter and rendered HTML. Pure."""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from generator import bundles, claims, dates, events, markdown
from generator.errors import Problem
from generator.fingerprint import code_digest
from generator.frontmatter import FrontMatterProblem, Parts, decode, split
from generator.model import ENTITY_TYPES
from generator.scan import digest_of
from generator.schema import (
    Field,
    Invalid,
    flag,
    mapping,
    nonempty,
    one_of,
    suggest,
    text,
    text_list,
    validate,
    web_url,
    whole,
)
from generator.yamlload import YamlProblem, load


def _raw(value: Any) -> Any:
    return value


ARTICLE_FIELDS = {
    "title": Field(nonempty, required=True),
    "date": Field(_raw, required=True),
    "updated": Field(_raw),
    "author": Field(text),
    "source": Field(text),
    "source_url": Field(web_url),
    "briefings": Field(text_list),
    "tags": Field(text_list),
    "summary": Field(text),
    "draft": Field(flag),
    "slug": Field(text),
    "id": Field(nonempty),
    "publish_date": Field(_raw),
    "expires": Field(_raw),
    "image": Field(text),
    "image_alt": Field(text),
    "image_credit": Field(text),
    "corrections": Field(lambda v: _notices(v, "corrections")),
    "updates": Field(lambda v: _notices(v, "updates")),
    "about": Field(text_list),
    "mentions": Field(text_list),
    "ignore_mentions": Field(text_list),
    "claims": Field(claims.entries),
    "key": Field(flag),  # a key development: on the timeline of key developments
    "events": Field(events.entries),
    # Where an imported draft came from, with its original text: never published.
    "import": Field(mapping),
    "lang": Field(lambda v: _language(v)),  # its language (file.ko.md says it too)
    "translation_key": Field(nonempty),  # links translations whose paths differ
    "extra": Field(mapping),
}
BRIEFING_FIELDS = {
    "title": Field(nonempty, required=True),
    "summary": Field(text),
    "weight": Field(whole),
    "updated": Field(_raw),
    "events": Field(events.entries),
    "lang": Field(lambda v: _language(v)),
    "translation_key": Field(nonempty),
}


PAGE_FIELDS = {
    "title": Field(nonempty, required=True),
    "summary": Field(text),
    "menu": Field(one_of("header", "footer")),
    "weight": Field(whole),
    "slug": Field(text),
    "updated": Field(_raw),
    "draft": Field(flag),
    "lang": Field(lambda v: _language(v)),
    "translation_key": Field(nonempty),
}
NOTE_FIELDS: dict[str, Field] = {}  # a note is Markdown; front matter is optional


def _notices(value: Any, key: str) -> list[dict[str, Any]]:
    """Accept a list of {date, text} (updates also `significant`); dates are read later."""
    allowed = {"date", "text"} | ({"significant"} if key == "updates" else set())
    example = ("[{date: 2025-12-23, text: ..., significant: true}]" if key == "updates"
               else "[{date: 2025-12-23, text: ...}]")
    if not isinstance(value, list):
        raise Invalid(f"expected a list such as {example}")
    found = []
    for number, item in enumerate(value, 1):
        if not isinstance(item, dict):
            raise Invalid(f"item {number} is not a mapping; write {example}")
        unknown = sorted(str(k) for k in item if k not in allowed)
        if unknown:
            raise Invalid(f"item {number}: unknown key '{unknown[0]}'; "
                          + suggest(unknown[0], sorted(allowed)))
        if item.get("date") is None:
            raise Invalid(f"item {number} has no date; write {example}")
        words = text(item.get("text", "")).strip() if item.get("text") is not None else ""
        if not words:
            raise Invalid(f"item {number} has no text: say what was corrected or updated")
        significant = item.get("significant", False)
        if not isinstance(significant, bool):
            raise Invalid(f"item {number}: 'significant' must be true or false")
        found.append({"date": item["date"], "text": words, "significant": significant})
    return found
_LANGUAGE = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*")


def _language(value: Any) -> str:
    tag = str(value)
    if not _LANGUAGE.fullmatch(tag):
        raise Invalid(f"{tag!r} is not a language code such as en, ko or ru")
    return tag


def _names(value: Any) -> tuple[tuple[str, str], ...]:
    """Accept a name, or a mapping of language to name: {en: Maria Zakharova, ko: …}."""
    if isinstance(value, dict):
        if not value:
            raise Invalid("expected at least one name, e.g. {en: Maria Zakharova}")
        return tuple((_language(lang), nonempty(name)) for lang, name in value.items())
    return (("", nonempty(value)),)


def _aliases(value: Any) -> tuple[tuple[str, str], ...]:
    """Accept a list of aliases, or a mapping of language to a list (or one alias)."""
    if isinstance(value, dict):
        return tuple((_language(lang), alias) for lang, names in value.items()
                     for alias in text_list(names))
    return tuple(("", alias) for alias in text_list(value))


def _wikidata(value: Any) -> str:
    item = text(value).strip()
    if not re.fullmatch(r"Q[1-9][0-9]*", item):
        raise Invalid("expected a Wikidata item id: Q followed by digits, e.g. Q4370914")
    return item


ENTITY_FIELDS = {
    "name": Field(_names, required=True),
    "type": Field(one_of(*ENTITY_TYPES)),
    "aliases": Field(_aliases),
    "wikidata": Field(_wikidata),
    "description": Field(text),
    "member_of": Field(nonempty),
}
FIELDS = {"article": ARTICLE_FIELDS, "briefing": BRIEFING_FIELDS, "page": PAGE_FIELDS,
          "note": NOTE_FIELDS, "entity": ENTITY_FIELDS}
DATE_KEYS = ("date", "updated", "publish_date", "expires")


@dataclass(frozen=True)
class Settings:
    """Everything besides the file's bytes that changes what parsing produces."""

    raw_html: str
    timezone: str
    embeds: tuple[str, ...] = ()  # iframe hosts allowed when sanitizing
    widths: tuple[int, ...] = ()  # widths of images' resized copies
    names: str = ""  # digest of the entities' names and aliases, looked for in articles

    def key(self) -> str:
        """Return the part of a cache key these settings contribute."""
        # The generator's own bytes, not a version someone must remember to bump: any change
        # to the code (an upgrade, a local edit) parses everything again.
        return (f"{code_digest()}/{self.raw_html}/{self.timezone}/{','.join(self.embeds)}"
                f"/{self.widths}/{self.names}")


# Finds the entities an article's text names: (their slugs, and each surface form that
# names more than one). Set by the build around parsing articles, as the worker processes
# it forks inherit it; its digest is Settings.names, so it is part of every article's key.
# Called with the title, the summary and the body's text: a name never spans two of them.
Finder = Callable[..., tuple[tuple[str, ...], tuple[tuple[str, tuple[str, ...]], ...]]]
_FINDER: Finder | None = None


@contextlib.contextmanager
def finding(finder: Finder | None) -> Iterator[None]:
    """Look for entity names in the articles parsed within this block."""
    global _FINDER
    _FINDER = finder
    try:
        yield
    finally:
        _FINDER = None


@dataclass(frozen=True)
class ParsedFile:
    """A content file's checked front matter (dates parsed), or the problems found."""

    path: str  # as shown to the user, relative to the site root
    kind: str  # "article" or "briefing"
    values: dict[str, Any]
    lines: dict[str, int]  # file line of each top-level key
    first_paragraph: str
    problems: tuple[Problem, ...]
    usable: bool  # the front matter was a mapping, so values can be used
    # A digest of every field above: what lists, feeds' item headers and neighbours' links
    # can show of the file (all of it but the body's HTML), derived, so a new field joins it.
    card: str = ""
    warnings: tuple[Problem, ...] = ()  # what the sanitizer removed: reported, not fatal
    resized: tuple[tuple[str, tuple[int, ...]], ...] = ()  # bundle images shown: their widths

    def line(self, key: str) -> int | None:
        """Return the file line of a key, if it was given."""
        return self.lines.get(key)


# A page bundle's other files: (name within the bundle folder, file on disk, digest of bytes).
Bundle = tuple[tuple[str, str, str], ...]


def cache_key(kind: str, path: str, raw_digest: str, settings: Settings,
              bundle: Bundle = ()) -> str:
    """Key a parse result by everything that produced it (the bytes by their digest)."""
    digest = hashlib.blake2b(raw_digest.encode(), digest_size=20)
    digest.update(f"\0{kind}\0{path}\0{settings.key()}".encode("utf-8", "surrogatepass"))
    for name, _, file_digest in bundle:  # its images' sizes and names are in the HTML
        digest.update(f"\0{name}\0{file_digest}".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def parse_file(kind: str, path: str, raw: bytes, settings: Settings, bundle: Bundle = ()
               ) -> tuple[ParsedFile, str]:
    """Parse a content file; return its record and the HTML of its body."""
    problems: list[Problem] = []

    def failed(line: int | None, message: str) -> tuple[ParsedFile, str]:
        return ParsedFile(path, kind, {}, {}, "", (Problem(path, line, message),), False), ""

    try:
        text_ = decode(raw)
    except UnicodeDecodeError as exc:
        return failed(None, f"is not UTF-8 text (bad byte at offset {exc.start}); "
                      "save the file as UTF-8")
    try:
        parts = split(text_) if kind != "note" or text_.startswith("---") else Parts("", text_, 1)
        doc = load(parts.front)
    except FrontMatterProblem as exc:
        return failed(exc.line, exc.message)
    except YamlProblem as exc:
        # The YAML starts on the line after the opening '---'.
        return failed(exc.line + 1 if exc.line is not None else None, exc.message)
    offset = parts.front_line - 1
    if kind == "note" and doc.data is None:
        doc = dataclasses.replace(doc, data={})
    if not isinstance(doc.data, dict):
        kind_of = "empty" if doc.data is None else (
            "a list" if isinstance(doc.data, list) else f"the single value {doc.data!r}")
        return failed(parts.front_line, f"the front matter is {kind_of}, not a mapping; "
                      "write 'key: value' lines such as 'title: ...'")
    values, found = validate(doc.data, FIELDS[kind], doc, path, line_offset=offset)
    problems.extend(found)
    lines = {key[0]: line + offset for key, line in doc.lines.items() if len(key) == 1}
    tz = dates.zone(settings.timezone)
    for key in DATE_KEYS:
        if key in values:
            try:
                values[key] = dates.parse(values[key], tz)
            except Exception as exc:
                problems.append(Problem(path, lines.get(key), f"'{key}': {exc}"))
                del values[key]
    for key in ("corrections", "updates"):
        for number, item in enumerate(values.get(key, ()), 1):
            try:
                item["date"] = dates.parse(item["date"], tz)
            except Exception as exc:
                problems.append(Problem(path, lines.get(key), f"'{key}' item {number}: {exc}"))
                values.pop(key, None)
                break
    # The body's first line in the file: after the closing '---' (none for a bare note).
    body_line = parts.front_line + len(parts.front.split("\n")) if parts.front_line > 1 else 0
    files = bundles.Files(path, bundle, settings.widths)
    rendered = markdown.render_body(parts.body, settings.raw_html, settings.embeds,
                                    files.attributes)
    problems += files.check(rendered.references, body_line)
    if "image" in values:
        picture, problem = files.featured(values["image"], lines.get("image"))
        if problem:
            problems.append(problem)
        else:
            values["picture"] = picture
    if kind == "article" and _FINDER is not None:
        named, ambiguous = _FINDER(str(values.get("title", "")), str(values.get("summary", "")),
                                   rendered.text)
        values["found"] = list(named)
        if ambiguous:
            values["ambiguous"] = [[form, list(slugs)] for form, slugs in ambiguous]
    warnings = tuple(Problem(path, line + body_line if line else None, message)
                     for line, message in rendered.warnings)
    record = ParsedFile(path, kind, values, lines, rendered.first, tuple(problems), True,
                        warnings=warnings, resized=files.resized())
    return dataclasses.replace(record, card=_card(record, settings)), rendered.html


def _card(record: ParsedFile, settings: Settings) -> str:
    """Digest every field of a record but its card: all that pages other than its own see."""
    shown = [getattr(record, f.name) for f in dataclasses.fields(record) if f.name != "card"]
    return hashlib.blake2b(f"{settings.key()}\0{shown!r}".encode("utf-8", "surrogatepass"),
                           digest_size=16).hexdigest()


Job = tuple[str, str, str, str, str, Settings, Bundle]  # key, kind, path, file, digest, …
CHANGED = "changed"  # the card of a file that changed while the build read it


def parse_job(job: Job) -> tuple[str, ParsedFile, str]:
    """Read and parse one file in a worker process; return its key with the results."""
    key, kind, path, file, digest, settings, bundle = job
    try:
        with open(file, "rb") as handle:
            raw = handle.read()
    except OSError as exc:
        return key, ParsedFile(path, kind, {}, {}, "", (Problem(
            path, None, f"cannot be read: {exc.strerror}"),), False, CHANGED), ""
    if digest_of(raw) != digest:
        # Saved again since it was hashed: this build would mix two versions of the file.
        return key, ParsedFile(path, kind, {}, {}, "", (Problem(
            path, None, "changed while the build was reading it; build again"),), False,
            CHANGED), ""
    parsed, html = parse_file(kind, path, raw, settings, bundle)
    return key, parsed, html
