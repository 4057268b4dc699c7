"""Find the theme, render pages through Jinja2, and list its static files."""

from __future__ import annotations

import hashlib
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from generator import dates
from generator.errors import Problem, ThemeError, display_path
from generator.model import Page, SiteConfig

PACKAGED = Path(__file__).resolve().parent / "themes"
# An editable install runs from the checkout, where the default theme sits at the root.
CHECKOUT = Path(__file__).resolve().parent.parent / "themes"


@dataclass(frozen=True)
class Theme:
    """A theme's folder and the Jinja environment over its templates."""

    root: Path
    env: jinja2.Environment


def locate(site_root: Path, name: str) -> Path | None:
    """Return the theme folder: the site's own `themes/<name>` first, then the shipped one."""
    for base in (site_root / "themes", PACKAGED, CHECKOUT):
        if (base / name / "templates").is_dir():
            return base / name
    return None


def load_theme(site_root: Path, config: SiteConfig, cache_dir: Path | None = None) -> Theme:
    """Set up Jinja2 over the theme; raise ThemeError when it cannot be found."""
    root = locate(site_root, config.theme)
    if root is None:
        raise ThemeError([Problem("site.yaml", None, (
            f"theme '{config.theme}' not found in themes/ nor among the shipped themes; "
            "fix 'theme' or create themes/" + config.theme + "/templates/"))])
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(root / "templates"),
        # Plain-text templates (the email's text part) are not HTML: no escaping there.
        autoescape=jinja2.select_autoescape(disabled_extensions=("txt",), default=True,
                                            default_for_string=True),
        undefined=jinja2.StrictUndefined,
        # Compiled templates keyed by their source's checksum: no compile on each build.
        bytecode_cache=jinja2.FileSystemBytecodeCache(str(cache_dir)) if cache_dir else None,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    tz = dates.zone(config.timezone)
    base_path = config.base_path
    env.globals.update(
        url=lambda path: base_path + path,
        absolute=lambda path: config.base_url + path,
    )
    env.filters.update(
        long_date=lambda moment: dates.long_date(moment, config.language, tz),
        iso=lambda moment: dates.iso(moment.astimezone(tz)),
        year=lambda moment: moment.astimezone(tz).year,
    )
    return Theme(root, env)


def _template_line(exc: BaseException, root: Path) -> tuple[str, int | None]:
    """Find the template file and line where a render error happened."""
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename.endswith((".html", ".xml", ".txt")):
            return display_path(Path(frame.filename), root), frame.lineno
    return "templates", None


def render_page(theme: Theme, page: Page, site_root: Path,
                extra: dict[str, Any] | None = None) -> str | Problem:
    """Render one page; return its HTML, or the template problem that stopped it."""
    try:
        context = {**page.context, **extra} if extra else page.context
        return theme.env.get_template(page.template).render(context)
    except jinja2.TemplateSyntaxError as exc:
        where = display_path(Path(exc.filename), site_root) if exc.filename else page.template
        return Problem(where, exc.lineno, f"template syntax error: {exc.message}")
    except jinja2.TemplateNotFound as exc:
        return Problem(display_path(theme.root / "templates", site_root), None,
                       f"template '{exc.name}' not found; add it to the theme")
    except Exception as exc:  # any error raised while a template runs is the theme's
        where, line = _template_line(exc, site_root)
        return Problem(where, line, f"{exc} (rendering /{page.path}); fix the template")


def templates_digest(theme: Theme) -> str:
    """Digest every template of the theme: a change to any of them re-renders every page."""
    h = hashlib.blake2b(digest_size=16)
    folder = theme.root / "templates"
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            h.update(path.relative_to(folder).as_posix().encode() + b"\0")
            h.update(path.read_bytes() + b"\0")
    return h.hexdigest()


def static_files(theme: Theme) -> Iterator[tuple[str, Path]]:
    """Yield (output path, source file) for the theme's static folder, in sorted order."""
    static = theme.root / "static"
    if static.is_dir():
        for path in sorted(static.rglob("*")):
            if path.is_file():
                yield "static/" + path.relative_to(static).as_posix(), path


