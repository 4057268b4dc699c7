"""`memo(template, **values)`: markup rendered once per build for each set of values.

The template sees the values it is keyed by and the environment's globals, nothing else:
a page variable or a macro argument that is not passed is undefined, so what one page
renders can never show up on another.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from pathlib import Path

import jinja2
import pytest

from generator.model import Article, SiteConfig
from generator.theme import load_theme
from tests.conftest import build, write_files

CONFIG = 'title: "Memo test"\nbase_url: "https://example.org/"\ntimezone: UTC\nsearch: false\n'


@pytest.fixture
def env(tmp_path: Path) -> jinja2.Environment:
    """The default theme's environment, with the site's own small templates first."""
    write_files(tmp_path, {
        "templates/show.html": "<p>{{ shown }}</p>\n",
        "templates/peek.html": "<p>{{ shown }} {{ secret }}</p>\n",
        "templates/card.html": "<p>{{ article.title }} {{ article.path }}</p>\n",
    })
    config = SiteConfig(title="Memo test", base_url="https://example.org/")
    return load_theme(tmp_path, config).env


def article(title: str, card: str) -> Article:
    return Article(source_path="content/articles/a.md", slug="a", title=title,
                   date=datetime(2025, 6, 1, tzinfo=UTC), updated=None, author="", source="",
                   source_url="", briefings=(), tags=(), summary="", draft=False,
                   guid="https://example.org/articles/a/", key="k", card=card)


def test_memo_renders_the_values_it_is_given(env: jinja2.Environment) -> None:
    memo = env.globals["memo"]
    assert memo("show.html", shown="a") == "<p>a</p>\n"
    assert memo("show.html", shown="b") == "<p>b</p>\n"
    # Values are escaped as on any page.
    assert memo("show.html", shown="<b>") == "<p>&lt;b&gt;</p>\n"
    # Equal values: the first rendering is repeated.
    assert memo("show.html", shown="a") is memo("show.html", shown="a")


def test_the_old_fragment_helper_is_gone(env: jinja2.Environment) -> None:
    # Threat: `{% call fragment(key) %}` bodies read any variable in scope, not only the key.
    assert "fragment" not in env.globals


def test_a_page_variable_not_passed_is_undefined(env: jinja2.Environment) -> None:
    # Threat: markup memoized on one page carrying another page's variables.
    page = env.from_string('{{ memo("peek.html", shown="x") }}')
    with pytest.raises(jinja2.UndefinedError, match="'secret' is undefined"):
        page.render(secret="from the page")


def test_a_macro_argument_not_passed_is_undefined(env: jinja2.Environment) -> None:
    # Threat: a macro's own argument read by a memoized body keyed without it.
    page = env.from_string('{% macro m(secret) %}{{ memo("peek.html", shown="x") }}{% endmacro %}'
                           '{{ m("the argument") }}')
    with pytest.raises(jinja2.UndefinedError, match="'secret' is undefined"):
        page.render()


def test_an_undefined_value_is_an_error_not_a_key(env: jinja2.Environment) -> None:
    page = env.from_string('{{ memo("show.html", shown=nope) }}')
    with pytest.raises(jinja2.UndefinedError, match="'nope' is undefined"):
        page.render()


def test_articles_are_keyed_by_everything_a_list_shows(env: jinja2.Environment) -> None:
    # Threat: two articles at one path (the old key) sharing the first one's markup.
    memo = env.globals["memo"]
    first = article("First title", card="card-1")
    assert memo("card.html", article=first) == "<p>First title articles/a/</p>\n"
    second = dataclasses.replace(first, title="Second title", card="card-2")
    assert memo("card.html", article=second) == "<p>Second title articles/a/</p>\n"


def test_a_theme_memo_reading_a_page_variable_fails_the_build(tmp_path: Path) -> None:
    # Threat: a theme's memoized part printing the first page's path on every page.
    site = tmp_path / "site"
    write_files(site, {
        "site.yaml": CONFIG,
        "content/articles/a.md": "---\ntitle: A\ndate: 2025-06-01\n---\nBody.\n",
        "templates/who.html": "<p>{{ page_path }}</p>\n",
        "templates/404.html": ('{% extends "theme:404.html" %}\n'
                               "{% block main %}{{ memo('who.html', label='x') }}{% endblock %}\n"),
    })
    result = build(site)
    assert result.exit_code == 1, result.output
    errors = [line for line in result.output.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1, result.output
    assert errors[0].startswith("error: templates/who.html:1: 'page_path' is undefined"), errors
