"""Create a new article, briefing, page or entity file with correct front matter."""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

from generator import dates, routes, slugs
from generator.config import load_config
from generator.errors import BriefingsError
from generator.frontmatter import FrontMatterProblem, decode, split
from generator.model import SiteConfig
from generator.scan import BUNDLE
from generator.schema import suggest
from generator.yamlload import YamlProblem, load

KINDS = ("article", "briefing", "page", "entity")
FOLDERS = {"article": "content/articles", "briefing": "content/briefings",
           "page": "content/pages", "entity": "content/entities"}

# The placeholder body of each kind, in the site's language (English for any other).
BODIES = {
    "en": {"article": "Write the article here, in your own words.",
           "briefing": "Write the overview of this topic here: the background, who is "
                       "involved and what to watch.",
           "page": "Write the page here.",
           "entity": "Write a short profile here."},
    "ko": {"article": "기사 본문을 여기에 직접 씁니다.",
           "briefing": "이 주제의 개요를 여기에 씁니다. 배경, 관련된 사람과 기관, 지켜볼 점을 "
                       "정리하세요.",
           "page": "페이지 내용을 여기에 씁니다.",
           "entity": "짧은 소개를 여기에 씁니다."},
}


class _Quoted(str):
    """A value written double-quoted, so no title is ever read back as another type."""


class _Dumper(yaml.SafeDumper):
    """The safe dumper, writing _Quoted values double-quoted (keys stay plain)."""


def _quoted(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", str(value), style='"')


_Dumper.add_representer(_Quoted, _quoted)


def _quote_all(value: Any) -> Any:
    if isinstance(value, str):
        return _Quoted(value)
    if isinstance(value, list):
        return [_quote_all(item) for item in value]
    return value


def front_matter(values: dict[str, Any]) -> str:
    """Return YAML front matter (between `---` lines) for these keys, strings quoted."""
    text = yaml.dump({key: _quote_all(value) for key, value in values.items()},
                     Dumper=_Dumper, sort_keys=False, allow_unicode=True,
                     default_flow_style=None, width=1 << 16)
    return f"---\n{text}---\n"


def quoted(value: str) -> str:
    """Return a string as one double-quoted YAML scalar."""
    return front_matter({"v": value}).split("\n")[1].removeprefix("v: ")


@dataclass(frozen=True)
class Request:
    """What `briefings new` was asked to create."""

    kind: str  # one of KINDS
    title: str
    briefings: tuple[str, ...] = ()  # articles only
    entity_type: str = ""  # entities only: person, organization…
    menu: str = ""  # pages only: header or footer


def create(root: Path, request: Request, now: datetime) -> str:
    """Write the new file under the site; return its path relative to the site root."""
    config = load_config(root)
    if not request.title.strip():
        raise BriefingsError("the title is empty; write it in quotes, e.g. "
                             f"briefings new {request.kind} \"Seoul and Moscow meet\"")
    if request.briefings and request.kind != "article":
        raise BriefingsError("--briefing is for articles only")
    folder = FOLDERS[request.kind]
    taken = taken_slugs(root, request.kind, config.slugify)
    if request.briefings:
        known = known_briefings(root, config.slugify)
        # A briefing named by its file name on an ascii site (한러-관계) is its slug there.
        request = dataclasses.replace(request, briefings=tuple(
            slugs.slugify(ref, config.slugify) if ref not in known
            and slugs.slugify(ref, config.slugify) in known else ref
            for ref in request.briefings))
        for ref in request.briefings:
            if ref not in known:
                hint = (suggest(ref, sorted(known)).replace("allowed keys", "known briefings")
                        if known else "no briefings exist yet")
                raise BriefingsError(f"unknown briefing '{ref}'; {hint} (or create it: "
                                     f"briefings new briefing \"{ref}\")")
    slug = slugs.unique(make_slug(request.title, config.slugify, request.kind), taken)
    rel = f"{folder}/{slug}.md"
    text = front_matter(_values(request, config, now)) + "\n" + _body(request.kind, config)
    target = root / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(target, "x", encoding="utf-8") as handle:  # never overwrite
            handle.write(text)
    except FileExistsError:
        raise BriefingsError(f"{rel} already exists; nothing was written") from None
    return rel


def _values(request: Request, config: SiteConfig, now: datetime) -> dict[str, Any]:
    title = request.title.strip()
    if request.kind == "entity":
        values: dict[str, Any] = {"name": title}
        if request.entity_type:
            values["type"] = request.entity_type
        return values
    values = {"title": title}
    if request.kind == "article":
        moment = now.astimezone(dates.zone(config.timezone)).replace(microsecond=0)
        values["date"] = moment.isoformat()
        values["draft"] = True
        if request.briefings:
            values["briefings"] = list(dict.fromkeys(request.briefings))
    if request.kind == "page" and request.menu:
        values["menu"] = request.menu
    return values


def _body(kind: str, config: SiteConfig) -> str:
    words = BODIES.get(config.language.split("-")[0].lower(), BODIES["en"])
    return words[kind] + "\n"


def make_slug(title: str, mode: str, kind: str) -> str:
    """Make a slug from a title with the site's slugify setting (the kind if none is left)."""
    if not re.search(r"\w", title):
        return kind
    slug = slugs.slugify(title, mode)
    return slug if slugs.check(slug) is None else kind


def known_briefings(root: Path, mode: str) -> set[str]:
    """Return the slugs of the site's briefings."""
    top = root / FOLDERS["briefing"]
    return set(_slugs_of(sorted(top.glob("*.md")), top, "briefing", mode)) if top.is_dir() \
        else set()


def taken_slugs(root: Path, kind: str, mode: str) -> set[str]:
    """Return the slugs of one kind's existing files, folded for comparison."""
    top = root / FOLDERS[kind]
    found: set[str] = set(routes.RESERVED) if kind == "page" else set()
    if top.is_dir():
        files = top.rglob("*.md") if kind in ("article", "page") else top.glob("*.md")
        found.update(_slugs_of(sorted(files), top, kind, mode))
        # A file or folder of that name would claim the address too (a bundle in the making).
        found.update(p.stem if p.is_file() else p.name for p in top.iterdir())
    return {slugs.collision_key(s) for s in found}


def _slugs_of(files: Iterable[Path], top: Path, kind: str, mode: str) -> Iterable[str]:
    for file in files:
        rel = file.relative_to(top).as_posix()
        if kind == "page" and "/" in rel.removesuffix("/" + BUNDLE):
            continue  # below another page: /about/team/ takes no top-level slug
        stem = (file.parent.name if file.name == BUNDLE and file.parent != top
                else file.stem)
        written = _written_slug(file)
        if written:
            yield written
        elif kind != "entity" and mode == "ascii":
            yield slugs.slugify(stem, "ascii")
        else:
            yield unicodedata.normalize("NFC", stem)


def _written_slug(file: Path) -> str:
    """Return the `slug` a file's front matter sets, or "" (also when it cannot be read)."""
    try:
        data = load(split(decode(file.read_bytes())).front).data
    except (OSError, UnicodeDecodeError, FrontMatterProblem, YamlProblem):
        return ""
    slug = data.get("slug") if isinstance(data, dict) else None
    return unicodedata.normalize("NFC", str(slug)) if slug else ""
