"""The theme's UI strings in the site language, from `i18n/<lang>.yaml` in each theme layer."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from babel import Locale
from markupsafe import Markup

from generator.errors import Problem, ThemeError, display_path
from generator.yamlload import YamlProblem, load

FALLBACK = "en"


def _candidates(language: str) -> list[str]:
    """Return the files to look in, most specific first: pt-BR, pt, then English."""
    parts = language.replace("_", "-").split("-")
    names = ["-".join(parts[:n]) for n in range(len(parts), 0, -1)]
    return [*dict.fromkeys([*names, FALLBACK])]


@dataclass(frozen=True)
class String:
    """One UI string and where it is written."""

    text: str
    path: Path
    line: int | None


class StringError(Exception):
    """A UI string that the values a template gives cannot fill in: the string's file is
    at fault (or the template's call, which `given` lets the message show)."""

    def __init__(self, string: String, key: str, detail: str, given: list[str]) -> None:
        super().__init__(f"'{key}' has an unknown or broken placeholder ({detail})")
        self.string = string
        self.key = key
        self.detail = detail
        self.given = given


def _strings(path: Path) -> dict[str, String]:
    try:
        doc = load(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ThemeError([Problem(str(path), None, f"cannot be read: {exc}")]) from None
    except YamlProblem as exc:
        raise ThemeError([Problem(str(path), exc.line, exc.message)]) from None
    if not isinstance(doc.data, dict):
        raise ThemeError([Problem(str(path), 1, "must map message keys to text")])
    return {str(k): String(str(v), path, doc.line(str(k))) for k, v in doc.data.items()}


def _files(layers: tuple[Path, ...],
           language: str) -> list[list[tuple[Path, dict[str, String]]]]:
    """Read each candidate language's files, most specific language first, then by layer."""
    return [[(path, _strings(path)) for layer in layers
             for path in [layer / "i18n" / f"{name}.yaml"] if path.is_file()]
            for name in _candidates(language)]


def translator(layers: tuple[Path, ...], language: str) -> Callable[..., str]:
    """Return t(key, n=None, **values): the string for the site language, else English."""
    tables: list[dict[str, String]] = []  # most specific language first
    for files in _files(layers, language):
        table: dict[str, String] = {}
        for _, strings in reversed(files):  # earlier layers override later ones
            table.update(strings)
        tables.append(table)

    def lookup(key: str, n: int | None) -> String | None:
        # A language answers for a key when it has any form of it, so that Korean's single
        # plural form is never mixed with English's "_one".
        for table in tables:
            forms = ([f"{key}_one"] if n == 1 else []) + [f"{key}_other", key] \
                if n is not None else [key]
            for form in forms:
                if form in table:
                    return table[form]
        return None

    def t(key: str, n: int | None = None, **values: Any) -> str:
        string = lookup(key, n)
        if string is None:
            raise KeyError(f"no UI string '{key}' in the theme's i18n/{FALLBACK}.yaml")
        if n is not None:
            values["n"] = n
        if not values:
            return Markup(string.text)
        # The theme's strings are trusted markup; the values put into them are escaped
        # unless they are markup already (a link built in the template).
        try:
            return Markup(string.text).format(**values)
        except (KeyError, IndexError, ValueError, AttributeError, TypeError) as exc:
            # Reported against the string's own file and line, not the template's.
            raise StringError(string, key, str(exc), sorted(values)) from None

    return t


def patterns(layers: tuple[Path, ...], language: str, defaults: Mapping[str, str],
             sample: Mapping[str, object], site_root: Path) -> dict[str, str]:
    """Return the text of each key for the site language; keys no file has keep the default.

    Raise ThemeError naming the file of each pattern that `sample` cannot fill in.
    """
    found: dict[str, str] = {}
    problems: list[Problem] = []
    tables = _files(layers, language)
    for key, default in defaults.items():
        # The first language that has the key answers, as in `translator`.
        for files in tables:
            hits = [(path, table[key].text) for path, table in files if key in table]
            if hits:
                path, text = hits[0]
                try:
                    text.format(**sample)
                except Exception as exc:  # a broken placeholder is the theme author's
                    problems.append(Problem(display_path(path, site_root), None, (
                        f"'{key}' has an unknown or broken placeholder ({exc}); use "
                        + ", ".join("{" + n + "}" for n in sample))))
                found[key] = text
                break
        else:
            found[key] = default
    if problems:
        raise ThemeError(problems)
    return found


def direction(language: str) -> str:
    """Return "rtl" for right-to-left languages (Arabic, Hebrew, Persian…), else "ltr"."""
    try:
        return str(Locale.parse(language, sep="-").text_direction)
    except (ValueError, TypeError, LookupError):
        return "ltr"
