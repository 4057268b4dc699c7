"""One site per language: assemble and plan each, then link the pages to their translations.

A site without `languages:` is one part at the root, planned exactly as ever. A
multilingual site is one part per language under its path prefix, each with its own lists,
feeds, digests and search; every page then learns its translations (hreflang, the language
switcher, the sitemap's alternates). Pure: no IO.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from generator import languages
from generator.content import Content
from generator.editions import Editions
from generator.errors import ContentError
from generator.model import Entity, Language, Page, Site, SiteConfig
from generator.site import FAVICONS, assemble

# What a page is, across languages: the same translation (and the same page of it), else
# the same address under each language's prefix (the front page, the tag "eu", …).
Identity = tuple[str, ...]


@dataclass(frozen=True)
class Part:
    """The site of one language (or the whole site, when it has one language)."""

    language: Language | None  # None: a site without `languages:`
    site: Site
    editions: Editions

    @property
    def prefix(self) -> str:
        """Return the folder of its pages under the output: "" or e.g. "ko/"."""
        return languages.prefix(self.language) if self.language else ""


Split = tuple[Language | None, SiteConfig, Content]


def contents(config: SiteConfig, content: Content) -> list[Split]:
    """Split the content by language: (language, its config, its content) for each."""
    if not config.languages:
        return [(None, config, content)]
    default = config.languages[0].code
    found: list[Split] = []
    has = {(a.translation, a.lang) for a in content.articles}
    for language in config.languages:
        code = language.code
        # Guests: another language's articles with no version in this one, when asked for.
        guests = tuple(a for a in content.articles if config.show_untranslated
                       and a.lang != code and (a.translation, code) not in has)
        found.append((language, languages.for_language(config, language), dataclasses.replace(
            content,
            briefings=tuple(b for b in content.briefings if b.lang == code),
            articles=tuple(a for a in content.articles if a.lang == code) + guests,
            pages=tuple(p for p in content.pages if p.lang == code),
            # Editors' notes are written in the default language; the site's own files
            # (static/) are published once, at the root, not under each prefix.
            notes=content.notes if code == default else (),
            # Entities are everyone's: each language names them in its own words first.
            entities=tuple(_named_in(e, code) for e in content.entities),
            statics=())))
    return found


def _named_in(entity: Entity, code: str) -> Entity:
    """Put an entity's name in this language first, and its profile there when it has one."""
    names = sorted(entity.names, key=lambda pair: pair[0] != code)  # stable otherwise
    entity = dataclasses.replace(entity, names=tuple(names))
    for lang, description, html in entity.versions:
        if lang == code:
            entity = dataclasses.replace(entity, description=description or entity.description,
                                         html=html)
    return entity


def make(config: SiteConfig, content: Content, drafts: bool, now: datetime, future: bool,
         cut: Callable[[Site], Editions]) -> list[Part]:
    """Assemble each language's site and cut its editions; raise every problem at once."""
    parts, problems = [], []
    icon = min((path for path, _, _ in content.statics if path in FAVICONS), default="")
    for language, own, part in contents(config, content):
        try:
            site = assemble(own, part, drafts, now, future)
        except ContentError as exc:
            problems += exc.problems
            continue
        if language is not None:
            site = dataclasses.replace(site, favicon=icon)  # at the root, for every language
        parts.append(Part(language, site, cut(site)))
    if problems:
        raise ContentError([*content.problems, *problems])
    return parts


def identity(page: Page, part: Part) -> Identity:
    """Say what a page is, so that its translations can be found in the other parts."""
    context = page.context
    path = context.get("page_path", "")
    for key in ("article", "standalone"):
        item = context.get(key)
        if item is not None and item.translation:
            return (key, item.translation)
    briefing = context.get("briefing")
    if briefing is not None and briefing.translation and path.startswith(briefing.path):
        return ("briefing", briefing.translation, path[len(briefing.path):])
    return ("route", path)


def link(parts: list[tuple[Part, list[Page]]], config: SiteConfig) -> list[list[Page]]:
    """Give every page its translations; return each part's pages, under its prefix."""
    if len(parts) == 1 and parts[0][0].language is None:
        return [parts[0][1]]
    where: dict[Identity, dict[str, str]] = {}  # what a page is → language → its path
    configs = {}
    for part, planned in parts:
        assert part.language is not None
        configs[part.language.code] = part.site.config
        for page in planned:
            if page.kind == "html" and page.listed and not _guest(page, part.language.code):
                where.setdefault(identity(page, part), {})[part.language.code] = \
                    page.context.get("page_path", "")
    done = []
    for part, planned in parts:
        assert part.language is not None
        own = []
        for page in planned:
            guest = _guest(page, part.language.code)
            found = where.get(identity(page, part), {}) if page.listed and not guest else {}
            page.context.update(_links(part.language.code, found, configs, config))
            if guest:  # a copy for this language's readers: the original is canonical
                page.context["canonical_url"] = configs[guest].permalink(
                    page.context.get("page_path", ""))
                page = dataclasses.replace(page, listed=False)
            own.append(dataclasses.replace(page, path=part.prefix + page.path))
        done.append(own)
    return done


def _guest(page: Page, code: str) -> str:
    """Return the language of an article shown in another language's site, else ""."""
    article = page.context.get("article") if page.template == "article.html" else None
    return article.lang if article is not None and article.lang != code else ""


def _links(code: str, found: dict[str, str], configs: dict[str, SiteConfig],
           config: SiteConfig) -> dict[str, Any]:
    """Return what a page shows of its translations: hreflang links and the switcher."""
    order = [language.code for language in config.languages]
    linked = len(found) > 1
    # hreflang takes absolute URLs; the switcher links like the rest of the navigation.
    alternates = [(c, configs[c].permalink(found[c])) for c in order if c in found]
    switcher = [(c, configs[c].base_path + found.get(c, ""), c == code, c in found)
                for c in order]
    return {"alternates": alternates if linked else [],
            "x_default": dict(alternates).get(order[0], "") if linked else "",
            "language_switcher": switcher}


def sitemap_alternates(pages: list[Page]) -> dict[str, list[tuple[str, str]]]:
    """Map each page's output path to its alternates (for the sitemap's xhtml:link)."""
    return {page.path: page.context["alternates"] for page in pages
            if page.context.get("alternates")}
