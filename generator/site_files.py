"""Publish the files pages bring with them: bundles' files, their resized images, static/."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from generator import images, routes, slugs
from generator.editions import Editions, key_of, period_start, zone_of
from generator.errors import ContentError, Problem, display_path
from generator.model import Site
from generator.output import Sink
from generator.schema import suggest


def check_notes(site: Site, editions: Editions, now: datetime) -> list[Problem]:
    """Refuse an editor's note for an edition that does not exist (the current one does)."""
    if not site.notes:
        return []
    settings = site.config.digests
    problems = []
    if not settings.enabled:
        return [Problem(n.source_path, None, "is an editor's note, but digests are "
                        "disabled in site.yaml (digests: {enabled: false}); enable them "
                        "or delete the note") for n in site.notes]
    current = key_of(period_start(now.astimezone(zone_of(site)).date(), settings), settings)
    known = {"": {e.key for e in editions.site} | {current}}
    for slug, own in editions.by_briefing.items():
        known[slug] = {e.key for e in own} | {current}
    for note in site.notes:
        keys = known.get(note.scope, {current})
        if note.edition not in keys:
            hint = suggest(note.edition, sorted(keys)).replace("allowed keys", "editions")
            problems.append(Problem(note.source_path, None, (
                f"is a note for edition '{note.edition}', which does not exist "
                f"({settings.period} editions are named like '{current}'); {hint}")))
    return problems


def check_collisions(site: Site, generated: Iterable[str], root: Path) -> list[Problem]:
    """Refuse a published file at the address of a generated page, feed or asset."""
    taken = {slugs.collision_key(path): path for path in generated}
    problems = []
    for path, file, _ in site.files:
        clash = taken.get(slugs.collision_key(path))
        if clash is None and site.config.search and path.startswith(routes.PAGEFIND):
            clash = routes.PAGEFIND  # the search index, whose file names are its own
        if clash is not None:
            problems.append(Problem(display_path(Path(file), root), None, (
                f"would be published at /{path}, where the site writes its own "
                f"/{clash}; rename or move the file")))
    # A page's folder where the site writes a file (content/pages/feed.json.md → /feed.json/).
    files = set(taken.values()) | {path for path, _, _ in site.files}
    for leaf in site.pages:
        parts = leaf.slug.split("/")
        clash = next((p for p in ("/".join(parts[:n]) for n in range(1, len(parts) + 1))
                      if p in files), None)
        if clash is not None:
            problems.append(Problem(leaf.source_path, None, (
                f"its address /{leaf.slug}/ needs a folder where the site writes the file "
                f"/{clash}; rename the file or give it another 'slug'")))
    return problems


def publish_statics(files: Iterable[tuple[str, str, str]], publisher: Sink) -> None:
    """Stage the files published as they are that changed: (output path, file, digest)."""
    for path, file, digest in files:
        if not publisher.unchanged(path, digest):
            publisher.write(path, Path(file).read_bytes(), digest)


def publish(site: Site, publisher: Sink, root: Path, cache_dir: Path | None,
            jobs: int) -> None:
    """Stage the files that changed, and the resized copies of images that changed."""
    publish_statics(site.files, publisher)
    todo = []
    for path, file, digest, widths in site.resized:
        missing = tuple(w for w in widths if not publisher.unchanged(
            images.variant_name(path, w), images.variant_digest(digest, w)))
        if missing:
            todo.append((path, file, digest, missing))
    if not todo:
        return
    # Written as they arrive: a thousand photos' copies need not all be held at once.
    paths: dict[tuple[str, int], list[str]] = {}
    for path, _, digest, widths in todo:
        for width in widths:
            paths.setdefault((digest, width), []).append(images.variant_name(path, width))
    try:
        for digest, width, data in images.each_variant(
                [(digest, file, widths) for _, file, digest, widths in todo], cache_dir, jobs):
            for path in paths.get((digest, width), ()):
                publisher.write(path, data, images.variant_digest(digest, width))
    except images.ImageProblem as exc:  # its header read well, its pixels do not
        raise ContentError([Problem(display_path(Path(exc.source), root), None,
                                    exc.message)]) from None
