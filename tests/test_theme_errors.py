"""Theme problems are reported where they are: one `path:line: message` line each."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import build, write_files

CONFIG = 'title: "Theme errors"\nbase_url: "https://example.org/"\ntimezone: UTC\nsearch: false\n'
ARTICLE = "---\ntitle: A\ndate: 2025-06-01\nauthor: Kim\n---\nBody.\n"


def errors_of(site: Path, files: dict[str, str | bytes]) -> list[str]:
    """Build a small site with the given theme files; return its error lines."""
    write_files(site, {"site.yaml": CONFIG, "content/articles/a.md": ARTICLE, **files})
    result = build(site)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output, result.output
    lines = result.output.splitlines()
    assert lines[-1].startswith("Build failed: "), lines
    return [line for line in lines if line.startswith("error: ")]


def test_a_missing_include_is_reported_at_the_include(tmp_path: Path) -> None:
    errors = errors_of(tmp_path, {"templates/article.html": (
        '{% extends "theme:article.html" %}\n'
        "{% block head %}\n"
        '{% include "missing.html" %}\n'
        "{% endblock %}\n")})
    assert errors == ["error: templates/article.html:3: template 'missing.html' not found; "
                      "add it to the theme"]


def test_a_missing_base_template_is_reported_at_the_extends(tmp_path: Path) -> None:
    errors = errors_of(tmp_path, {"templates/tag.html": '{% extends "no-such-base.html" %}\n',
                                  "content/articles/a.md": ARTICLE.replace(
                                      "author: Kim\n", "tags: [x]\n")})
    assert errors == ["error: templates/tag.html:1: template 'no-such-base.html' not found; "
                      "add it to the theme"]


def test_a_template_that_is_not_utf8_is_named_with_its_line(tmp_path: Path) -> None:
    errors = errors_of(tmp_path, {"templates/article.html": (
        b'{% extends "theme:article.html" %}\n'
        b"{# caf\xe9 #}\n")})
    assert errors == ["error: templates/article.html:2: is not UTF-8 text (bad byte 0xe9); "
                      "save it as UTF-8"]


def test_an_included_template_that_is_not_utf8_is_named(tmp_path: Path) -> None:
    errors = errors_of(tmp_path, {
        "templates/article.html": ('{% extends "theme:article.html" %}\n'
                                   '{% block head %}{% include "part.html" %}{% endblock %}\n'),
        "templates/part.html": b"<p>one</p>\n<p>two</p>\n<p>\xff</p>\n"})
    assert errors == ["error: templates/part.html:3: is not UTF-8 text (bad byte 0xff); "
                      "save it as UTF-8"]


def test_a_broken_ui_string_is_blamed_on_its_i18n_file(tmp_path: Path) -> None:
    errors = errors_of(tmp_path, {"theme_overrides/i18n/en.yaml": (
        "# Our own words\n"
        'by: "Written by {nmae}"\n')})
    assert len(errors) == 1, errors
    assert errors[0].startswith("error: theme_overrides/i18n/en.yaml:2: 'by' has an unknown "
                                "or broken placeholder ('nmae')"), errors
    # The template that asked for it is named too, for the case where it is at fault.
    assert "article.html:" in errors[0] and "{name}" in errors[0], errors
