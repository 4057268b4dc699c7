"""Check a site as a build would, writing nothing, plus the warnings that need the whole site.

The build's stages run up to rendering: config, theme, content, assembly, editions, page
plans and address collisions, then every page and feed is rendered in memory and dropped.
Nothing is written to the site or its output; the parse cache is a throwaway one.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from generator import check_rules, images, parallel, parts, routes, theme
from generator.cache import Store
from generator.config import CONFIG_FILE, load_config
from generator.content import Content, body_html, read_content
from generator.errors import BriefingsError, ContentError, Problem, SiteError, terminal_safe
from generator.feed_render import feed_words, render_feeds
from generator.feeds import specs
from generator.model import Page, Site, SiteConfig
from generator.output import refuse_output_dir
from generator.publishing import editions_of, generated_paths, plan_parts
from generator.scan import read_sources
from generator.site_files import check_notes

ERROR, WARNING = "error", "warning"


@dataclass(frozen=True)
class Finding:
    """One thing the check found: an error the build would fail on, or a warning."""

    level: str  # ERROR or WARNING
    file: str  # relative to the site root
    line: int | None
    message: str


def check_site(root: Path, now: datetime, drafts: bool = False, jobs: int = 1
               ) -> list[Finding]:
    """Check the site at root; return every finding, errors first, each group by place."""
    root = root.resolve()
    try:
        config = load_config(root)
        the_theme = theme.load_theme(root, config)
        refuse_output_dir(root, root / config.output_dir, the_theme.layers)
    except SiteError as exc:
        return _sorted(_as(ERROR, exc.problems))
    except BriefingsError as exc:
        return [Finding(ERROR, CONFIG_FILE, None, str(exc))]
    store = Store(None)  # a throwaway parse cache: the site's own stays untouched
    try:
        errors, warnings = _check(root, config, the_theme, store, now, drafts, jobs)
    finally:
        store.close()
    return _sorted(_as(ERROR, errors) + _as(WARNING, warnings))


def _check(root: Path, config: SiteConfig, the_theme: theme.Theme, store: Store,
           now: datetime, drafts: bool, jobs: int) -> tuple[list[Problem], list[Problem]]:
    """Run the build's stages short of publishing; return its errors and every warning."""
    content = read_content(root, config, store, read_sources(root), jobs)
    errors, warnings = list(content.problems), list(content.warnings)
    warnings += _content_warnings(root, content, now)
    try:
        made = parts.make(config, content, drafts, now, False, lambda site: editions_of(
            site, now, False, the_theme.layers, root))
    except SiteError as exc:  # ContentError from assembly; ThemeError from the theme's words
        return list(dict.fromkeys(errors + exc.problems)), warnings
    statics = tuple((path, b"", "") for path, _ in theme.static_files(the_theme))
    own_robots = any(path == routes.ROBOTS for path, _, _ in content.statics)
    try:
        per_part, clashes = plan_parts(made, config, the_theme.layers, root, content.statics,
                                       statics, own_robots)
    except SiteError as exc:
        return errors + exc.problems, warnings
    errors += clashes
    produced: set[str] = set()
    for part, planned in zip(made, per_part, strict=True):
        site, editions = part.site, part.editions
        errors += [*site.problems, *check_notes(site, editions, now)]
        own = [dataclasses.replace(page, path=page.path[len(part.prefix):]) for page in planned]
        generated = generated_paths(site, editions, own, statics, own_robots)
        produced |= {part.prefix + path for path in _produced(site, generated)}
        if not errors:  # the build renders only a site without problems
            try:
                part_theme = (the_theme if part.language is None
                              else theme.for_config(the_theme, root, site.config))
                _render(part_theme, planned, root, store, site.config, jobs)
                render_feeds(site, specs(site), root, store, jobs,
                             feed_words(the_theme.layers, site.config.language, root))
            except SiteError as exc:
                errors += exc.problems
    produced |= {path for path, _, _ in content.statics}
    # Links are followed from the site's root: a Korean page may link to an English one.
    for part in made:
        site = part.site
        shown = {a.key for a in site.articles_and_expired}
        held = {part.prefix + a.path: a.source_path for a in content.articles
                if a.key not in shown and (part.language is None
                                           or a.lang == part.language.code)}
        files = [dataclasses.replace(file, page=part.prefix + file.page)
                 for file in _published(root, site)]
        warnings += check_rules.broken_references(files, produced, config, held, part.prefix)
    return errors, warnings


def _content_warnings(root: Path, content: Content, now: datetime) -> list[Problem]:
    """Warn of copied text, overdue drafts and unused briefings."""
    files = {a.source_path: file for a in content.articles
             for file in [check_rules.read_markdown(root, a.source_path, a.path)] if file}
    published = [files[a.source_path] for a in content.articles
                 if not a.draft and a.source_path in files]
    return (check_rules.copied_text(published)
            + check_rules.overdue_drafts(content.articles, files, now)
            + check_rules.unused_briefings(content.briefings, content.articles))


def _published(root: Path, site: Site) -> list[check_rules.Markdown]:
    """Read again every file that gets a page: their Markdown links are checked."""
    pages = [(a.source_path, a.path) for a in site.articles_and_expired]
    pages += [(p.source_path, p.path) for p in site.pages]
    pages += [(b.source_path, b.path) for b in site.briefings]
    pages += [(e.source_path, e.path) for e in site.entities]
    files = [file for source, page in pages
             for file in [check_rules.read_markdown(root, source, page)] if file]
    # An editor's note is shown on its edition's page, and links from there.
    return files + [file for n in site.notes for file in [check_rules.read_markdown(
        root, n.source_path, routes.edition(routes.briefing(n.scope) if n.scope else "",
                                            n.edition), bare=True)] if file]


def _produced(site: Site, generated: Iterable[str]) -> set[str]:
    """Return every path the build would write: pages, feeds, assets, files and copies."""
    produced = set(generated) | {path for path, _, _ in site.files}
    produced |= {images.variant_name(path, width) for path, _, _, widths in site.resized
                 for width in widths}
    return produced


_JOB: tuple[theme.Theme, list[Page], Path, Store, SiteConfig] | None = None


def _render_one(index: int) -> Problem | None:
    """Render page `index` in memory; return its template problem, if any."""
    assert _JOB is not None
    the_theme, pages, root, store, config = _JOB
    page = pages[index]
    extra = None
    if page.body_key and page.body_source:
        extra = {"body": body_html(root, config, "article", page.body_source, page.body_key,
                                   store)}
    result = theme.render_page(the_theme, page, root, extra)
    return result if isinstance(result, Problem) else None


def _render(the_theme: theme.Theme, pages: list[Page], root: Path, store: Store,
            config: SiteConfig, jobs: int) -> None:
    """Render every page as the build would, keeping nothing; raise each template problem."""
    global _JOB
    _JOB = (the_theme, pages, root, store, config)
    try:
        results = parallel.run(_render_one, range(len(pages)), jobs)
    finally:
        _JOB = None
    problems: dict[str, Problem] = {}
    for problem in results:
        if problem is not None:  # one template fault fails many pages: report it once
            problems.setdefault(str(problem).split(" (rendering")[0], problem)
    if problems:
        raise ContentError(list(problems.values()))


def _as(level: str, problems: Iterable[Problem]) -> list[Finding]:
    return [Finding(level, p.path, p.line, p.message) for p in problems]


def _sorted(findings: list[Finding]) -> list[Finding]:
    unique = dict.fromkeys(findings)
    return sorted(unique, key=lambda f: (f.level != ERROR, f.file, f.line or 0, f.message))


def as_text(findings: list[Finding]) -> list[str]:
    """Return one line per finding, as the build prints its errors."""
    return [f"{f.level}: {Problem(f.file, f.line, f.message)}" for f in findings]


def as_json(findings: list[Finding]) -> str:
    """Return the findings as a JSON list of {level, file, line, message}."""
    return json.dumps([{"level": f.level, "file": f.file, "line": f.line,
                        "message": f.message} for f in findings], ensure_ascii=False, indent=2)


def as_github(findings: list[Finding]) -> list[str]:
    """Return GitHub Actions workflow commands that mark each finding's line in a pull request."""
    lines = []
    for f in findings:
        where = f"file={_escape(f.file, True)}"
        if f.line:
            where += f",line={f.line}"
        lines.append(f"::{f.level} {where}::{_escape(f.message, False)}")
    return lines


def _escape(text: str, prop: bool) -> str:
    """Escape a workflow command's data, or its property (which also escapes : and ,)."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return terminal_safe(text)
