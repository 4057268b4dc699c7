"""Turn parsed pages of their own, editors' notes and featured images into model objects."""

from __future__ import annotations

import unicodedata
from typing import Any

from generator import images, languages, routes, slugs
from generator.errors import Problem
from generator.model import Note, Picture, SiteConfig, Standalone
from generator.parse import ParsedFile
from generator.scan import BUNDLE
from generator.schema import suggest

PAGES = "content/pages/"
NOTES = "content/digests/"


def page(record: ParsedFile, key: str, config: SiteConfig, problems: list[Problem]
         ) -> Standalone | None:
    """Make a page of its own; its address is its path under content/pages/."""
    v = record.values
    mode = config.slugify
    rel = record.path.removeprefix(PAGES).removesuffix("/" + BUNDLE).removesuffix(".md")
    segments = rel.split("/")
    segments[-1] = languages.split_stem(segments[-1], config)[0]  # about.ko.md: about
    if "slug" in v:
        segments[-1] = v["slug"]
    elif mode == "ascii":
        segments = [slugs.slugify(s, "ascii") for s in segments]
    segments = [unicodedata.normalize("NFC", s) for s in segments]
    origin = "'slug'" if "slug" in v else "the file name (used as slug)"
    for segment in segments:
        why = slugs.check(segment)
        if why is not None:
            problems.append(Problem(record.path, record.line("slug"),
                                    f"{origin} {segment!r} {why}"))
            return None
    if segments[0].casefold() in routes.RESERVED:
        problems.append(Problem(record.path, record.line("slug"), (
            f"the address /{'/'.join(segments)}/ is the site's own ({segments[0]}/ holds "
            f"{'its ' + segments[0] if segments[0] != 'page' else 'the front page list'}); "
            "rename the file or give it another 'slug'")))
        return None
    if "title" not in v:
        return None
    return Standalone(record.path, "/".join(segments), v["title"],
                      v.get("summary") or record.first_paragraph, v.get("menu", ""),
                      v.get("weight", 0), key, v.get("updated"), v.get("draft", False))


def note(record: ParsedFile, html: str, briefings: set[str], problems: list[Problem]
         ) -> Note | None:
    """Make an editor's note; which edition it belongs to is checked once editions are cut."""
    parts = record.path.split("/")
    edition = parts[-1].removesuffix(".md")
    scope = "" if record.path.startswith(NOTES) else parts[2]
    if scope and scope not in briefings:
        hint = (suggest(scope, sorted(briefings)).replace("allowed keys", "known briefings")
                if briefings else "no briefings exist yet")
        problems.append(Problem(record.path, None, f"is a note for briefing '{scope}', which "
                                f"does not exist; {hint}"))
        return None
    return Note(record.path, scope, edition, html)


def picture(record: ParsedFile, folder: str, site_files: set[str], problems: list[Problem]
            ) -> Picture | None:
    """Make the featured image of a page whose folder is `folder`."""
    v = record.values
    found: dict[str, Any] = v["picture"]
    alt, credit = v.get("image_alt", ""), v.get("image_credit", "")
    src = found["src"]
    if found.get("site"):
        if src not in site_files:
            problems.append(Problem(record.path, record.line("image"), (
                f"image '/{src}' not found; put the file at static/{src} (the static/ folder "
                "is published at the site's root)")))
            return None
        return Picture(src, alt, credit)
    if not found.get("bundle"):
        return Picture(src, alt, credit)
    widths = tuple(found.get("widths", ()))
    return Picture(folder + src, alt, credit, "", found.get("width"), found.get("height"),
                   tuple((folder + images.variant_name(src, w), w) for w in widths))
