"""Find the theme and its layers, render pages through Jinja2, and fingerprint its assets.

Templates and static files are looked up in layers, first match wins: the site's
`theme_overrides/` (and a bare `templates/` folder at the site root), then the theme,
then the parents its `theme.yaml` names with `extends:`. A template that shadows another
can extend the original with `{% extends "theme:article.html" %}`.
"""

from __future__ import annotations

import dataclasses
import hashlib
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, cached_property, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from generator import dates, i18n, routes
from generator.errors import Problem, ThemeError, display_path
from generator.model import Page, SiteConfig
from generator.yamlload import YamlProblem, load

if TYPE_CHECKING:
    import jinja2

PACKAGED = Path(__file__).resolve().parent / "themes"
# An editable install runs from the checkout, where the default theme sits at the root.
CHECKOUT = Path(__file__).resolve().parent.parent / "themes"
OVERRIDES = "theme_overrides"
FINGERPRINTED = (".css", ".js")


@dataclass(frozen=True)
class Theme:
    """The theme's layers, the Jinja environment over them, and its static files."""

    root: Path  # the theme named in site.yaml
    layers: tuple[Path, ...]  # folders holding templates/ and static/, first match wins
    statics: dict[str, Path]  # output path (fingerprinted) → source file
    assets: dict[str, str]  # static name as templates ask for it → output path
    make_env: Callable[[], jinja2.Environment] = field(compare=False, repr=False)

    @cached_property
    def env(self) -> jinja2.Environment:
        """Return the Jinja environment, set up when first used."""
        # A build that finds nothing changed renders nothing: it never loads Jinja2.
        return self.make_env()


def locate(site_root: Path, name: str) -> Path | None:
    """Return a theme folder: the site's own `themes/<name>` first, then the shipped one."""
    for base in (site_root / "themes", PACKAGED, CHECKOUT):
        if (base / name / "templates").is_dir():
            return base / name
    return None


def _chain(site_root: Path, name: str) -> list[Path]:
    """Return the theme and its parents, following `extends:` in each theme.yaml."""
    chain: list[Path] = []
    while True:
        root = locate(site_root, name)
        if root is None:
            where = f"the theme.yaml of {chain[-1].name}" if chain else "site.yaml"
            raise ThemeError([Problem(where, None, (
                f"theme '{name}' not found in themes/ nor among the shipped themes; fix "
                f"the name or create themes/{name}/templates/"))])
        if root in chain:
            raise ThemeError([Problem(str(root / "theme.yaml"), None,
                                      f"themes extend each other in a circle ({name})")])
        chain.append(root)
        parent = _parent(root, site_root)
        if parent is None:
            return chain
        name = parent


def _parent(root: Path, site_root: Path) -> str | None:
    spec = root / "theme.yaml"
    if not spec.is_file():
        return None
    shown = display_path(spec, site_root)
    try:
        doc = load(spec.read_text(encoding="utf-8-sig"))
    except YamlProblem as exc:
        raise ThemeError([Problem(shown, exc.line, exc.message)]) from None
    data = doc.data or {}
    unknown = [k for k in data if k not in ("extends", "name", "description")] \
        if isinstance(data, dict) else ["(not a mapping)"]
    if unknown:
        raise ThemeError([Problem(shown, doc.line(str(unknown[0])),
                                  f"unknown key '{unknown[0]}'; theme.yaml takes extends, "
                                  "name and description")])
    parent = data.get("extends")
    return str(parent) if parent else None


def load_theme(site_root: Path, config: SiteConfig, cache_dir: Path | None = None) -> Theme:
    """Find the theme's layers and static files; raise ThemeError when something is missing."""
    chain = _chain(site_root, config.theme)
    own = [site_root / OVERRIDES] if (site_root / OVERRIDES).is_dir() else []
    layers = tuple(own + chain)
    statics, assets = _statics(layers)
    return Theme(chain[0], layers, statics, assets,
                 partial(_environment, site_root, config, chain, layers, assets, cache_dir))


def for_config(the_theme: Theme, site_root: Path, config: SiteConfig,
               cache_dir: Path | None = None) -> Theme:
    """Return the theme set up for another config: one language's site of a multilingual one."""
    return dataclasses.replace(the_theme, make_env=partial(
        _environment, site_root, config, _chain(site_root, config.theme), the_theme.layers,
        the_theme.assets, cache_dir))


def _environment(site_root: Path, config: SiteConfig, chain: list[Path],
                 layers: tuple[Path, ...], assets: dict[str, str],
                 cache_dir: Path | None) -> jinja2.Environment:
    """Set up Jinja2 over the theme's layers."""
    import jinja2

    from generator import mail

    folders = [layer / "templates" for layer in layers if (layer / "templates").is_dir()]
    if (site_root / "templates").is_dir():
        folders.insert(0, site_root / "templates")
    # "theme:x.html" is the theme's own template (for overrides that extend it);
    # "parent:x.html" is the parent theme's (for a child theme that extends it).
    files = _loader_class()
    theme_only = files([c / "templates" for c in chain])
    parents = files([c / "templates" for c in chain[1:]])
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader([
            jinja2.PrefixLoader({"theme": theme_only, "parent": parents}, delimiter=":"),
            files(folders),
        ]),
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
        memo=_memo(env),
        routes=routes,  # output paths and feed names, as the build writes them
        url=lambda path: base_path + path,
        # Absolute URLs are URIs (percent-encoded): feeds, emails and the canonical link
        # carry them to programs that do not all read IRIs.
        absolute=config.permalink,
        # The theme's files and the site's own (static/) live at the root of the whole site,
        # under no language's prefix.
        asset=_asset_url(assets, config.root_path),
        root_url=lambda path: config.root_path + path,
        language_name=_language_name,
        site_language=config.language,  # for templates rendered without the page's context
        t=i18n.translator(layers, config.language),
        text_direction=i18n.direction(config.language),
    )
    env.filters.update(
        # Jinja's rules in linear time (Jinja's own is quadratic in a long word's length);
        # lines are joined with "\n", the environment's newline_sequence.
        wordwrap=mail.wrap,
        absolute=config.permalink,
        long_date=lambda moment: dates.long_date(moment, config.language, tz),
        # With the time of day, in the site timezone (article pages).
        long_datetime=lambda moment: dates.long_datetime(moment, config.language, tz),
        # A date in its own timezone (a digest period follows the digest calendar).
        own_date=lambda moment: dates.long_date(moment, config.language),
        iso=lambda moment: dates.iso(moment.astimezone(tz)),
        year=lambda moment: moment.astimezone(tz).year,
    )
    env.filters.update(mail.filters(config))  # uri, absolute_html, email_image…
    return env


class TemplateFileError(Exception):
    """A template file that cannot be read as a template, with its own path and line."""

    def __init__(self, path: Path, line: int | None, message: str) -> None:
        super().__init__(message)
        self.path = path
        self.line = line
        self.message = message


@cache
def _loader_class() -> type[jinja2.FileSystemLoader]:
    """Return a FileSystemLoader that names a template that is not UTF-8, with its line."""
    import jinja2

    class Loader(jinja2.FileSystemLoader):
        def get_source(self, environment: jinja2.Environment,
                       template: str) -> tuple[str, str, Callable[[], bool]]:
            try:
                return super().get_source(environment, template)
            except UnicodeDecodeError:
                # The file Jinja chose: the first of the search path that holds it.
                pieces = jinja2.loaders.split_template_path(template)
                path = next(p for p in (Path(s, *pieces) for s in self.searchpath)
                            if p.is_file())
                data = path.read_bytes()
                try:
                    data.decode(self.encoding)
                except UnicodeDecodeError as exc:
                    raise TemplateFileError(
                        path, data.count(b"\n", 0, exc.start) + 1,
                        f"is not UTF-8 text (bad byte 0x{data[exc.start]:02x}); "
                        "save it as UTF-8") from None
                raise  # read fine the second time: not the file's fault

    return Loader


def _statics(layers: tuple[Path, ...]) -> tuple[dict[str, Path], dict[str, str]]:
    found: dict[str, Path] = {}
    for layer in reversed(layers):  # later layers first, so that earlier ones shadow them
        static = layer / "static"
        if static.is_dir():
            for path in static.rglob("*"):
                if path.is_file():
                    found[path.relative_to(static).as_posix()] = path
    statics: dict[str, Path] = {}
    assets: dict[str, str] = {}
    for name in sorted(found):
        source = found[name]
        out = name
        if source.suffix in FINGERPRINTED:
            # A content hash in the name lets a CDN cache the file forever.
            digest = hashlib.blake2b(source.read_bytes(), digest_size=4).hexdigest()
            out = f"{name[: -len(source.suffix)]}.{digest}{source.suffix}"
        statics["static/" + out] = source
        assets[name] = "static/" + out
    return statics, assets


def _memo(env: jinja2.Environment) -> Callable[..., Markup]:
    """Return `memo(template, **values)`: the template rendered with those values alone.

    The template sees its values and the environment's globals (fixed for a build), and
    nothing of the page or macro that calls it, where any other name is undefined. So its
    output depends on nothing but what it is keyed by: a digest of the template's name and
    the values (an Article by its card, as page digests have it). Each rendering is kept
    for the build (and worker process), then repeated.
    """
    import jinja2

    from generator.fingerprint import Digester

    digester = Digester("memo")
    done: dict[str, Markup] = {}  # a new theme, so a new memo, for every build

    def memo(template: str, **values: Any) -> Markup:
        material: dict[str, Any] = {}
        for name, value in values.items():
            if isinstance(value, jinja2.Undefined):
                value._fail_with_undefined_error()
            # Markup and text print differently: the key tells them apart.
            material[name] = ("markup", str(value)) if isinstance(value, Markup) else value
        key = digester.digest(template, material)
        if key not in done:
            done[key] = Markup(env.get_template(template).render(values))
        return done[key]

    return memo


def _language_name(code: str) -> str:
    """Name a language in itself, as a language switcher does: English, 한국어, Русский."""
    name = dates.locale(code).get_display_name() or code
    return name[:1].upper() + name[1:]


def _asset_url(assets: dict[str, str], base_path: str) -> Callable[[str], str]:
    def asset(name: str) -> str:
        if name not in assets:
            raise KeyError(f"no static file '{name}' in the theme")
        return base_path + assets[name]

    return asset


def _template_line(exc: BaseException, root: Path) -> tuple[str, int | None]:
    """Find the template file and line where a render error happened."""
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename.endswith((".html", ".xml", ".txt")):
            return display_path(Path(frame.filename), root), frame.lineno
    return "templates", None


def render_page(theme: Theme, page: Page, site_root: Path,
                extra: dict[str, Any] | None = None) -> str | Problem:
    """Render one page; return its HTML, or the template problem that stopped it."""
    import jinja2  # loaded by the environment already

    try:
        context = {**page.context, **extra} if extra else page.context
        return theme.env.get_template(page.template).render(context)
    except jinja2.TemplateSyntaxError as exc:
        where = display_path(Path(exc.filename), site_root) if exc.filename else page.template
        return Problem(where, exc.lineno, f"template syntax error: {exc.message}")
    except jinja2.TemplateNotFound as exc:
        # Asked for by an {% include %}, {% extends %} or {% import %}: that line is named;
        # a page template that is missing itself names the theme's templates folder.
        where, line = _template_line(exc, site_root)
        if line is None:
            where = display_path(theme.root / "templates", site_root)
        return Problem(where, line, f"template '{exc.name}' not found; add it to the theme")
    except TemplateFileError as exc:
        return Problem(display_path(exc.path, site_root), exc.line, exc.message)
    except i18n.StringError as exc:
        # The string's file is named; the template's call is shown, in case it is at fault.
        where, line = _template_line(exc, site_root)
        call = f"{where}:{line}" if line else where
        given = ", ".join("{" + name + "}" for name in exc.given)
        return Problem(display_path(exc.string.path, site_root), exc.string.line,
                       f"{exc}: the template ({call}) gives {given}; fix the string "
                       "or the template")
    except Exception as exc:  # any error raised while a template runs is the theme's
        where, line = _template_line(exc, site_root)
        return Problem(where, line, f"{exc} (rendering /{page.path}); fix the template")


def templates_digest(theme: Theme, site_root: Path) -> str:
    """Digest every template and asset name: a change to any re-renders every page."""
    h = hashlib.blake2b(digest_size=16)
    folders = [site_root / "templates"] + [layer / "templates" for layer in theme.layers]
    folders += [layer / "i18n" for layer in theme.layers]
    for folder in folders:
        if not folder.is_dir():
            continue
        h.update(str(folder).encode() + b"\0")
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                h.update(path.relative_to(folder).as_posix().encode() + b"\0")
                h.update(path.read_bytes() + b"\0")
    h.update(repr(sorted(theme.assets.items())).encode())
    return h.hexdigest()


def static_files(theme: Theme) -> list[tuple[str, Path]]:
    """Return (output path, source file) of every static file, in sorted order."""
    return sorted(theme.statics.items())
