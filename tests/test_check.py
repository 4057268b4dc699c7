"""`briefings check`: the build's errors and the whole-site warnings, with nothing written."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from generator.cli import main
from tests.conftest import NOW_EPOCH, tree_digest, write_files

SITE = "check-site"
LINKED = "content/articles/linked.md"


def check(site: Path, *args: str) -> Result:
    """Run `briefings check --site SITE ARGS` at the fixed 'now' of the tests."""
    return CliRunner().invoke(main, ["check", "--site", str(site), *args],
                              env={"SOURCE_DATE_EPOCH": NOW_EPOCH})


def listing(folder: Path) -> list[str]:
    """Every file and folder under a folder, so a new empty folder shows too."""
    return sorted(os.path.relpath(os.path.join(top, name), folder)
                  for top, dirs, files in os.walk(folder) for name in dirs + files)


def test_check_reports_whole_site_warnings_and_passes_without_strict(
        copy_site: Callable[[str], Path]) -> None:
    site = copy_site(SITE)
    result = check(site)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines == [
        "warning: content/articles/copied.md:15: shares 37 consecutive words with its "
        "imported original (import.original), from 'The harbour ferry between Eastside "
        "pier…'; rewrite the passage in your own words, or quote and attribute it",
        f"warning: {LINKED}:8: link '/articles/no-such-story/' leads to no page or file of "
        "the site; fix or remove the link",
        f"warning: {LINKED}:10: image '/images/missing-map.png' not found: nothing is "
        "published at /images/missing-map.png; put the file in "
        "static/images/missing-map.png or fix the path",
        f"warning: {LINKED}:14: link '../../../elsewhere/' leads outside /news/; fix the "
        "address",
        "warning: content/articles/overdue.md:5: is still a draft, but its publish_date "
        "(2025-12-15T08:00:00+01:00) has passed; remove 'draft: true' to publish it, or "
        "move publish_date",
        "warning: content/briefings/parks.md: no article lists the briefing 'parks'; add it "
        "to an article's 'briefings', or delete the file if the topic is over",
    ]
    # The links that work (site paths under the /news/ prefix, relative, a feed, a
    # fragment, a file of static/), the draft that copies, the draft not yet due: silent.
    assert "Checked: 0 errors, 6 warnings." in result.output


def test_strict_fails_on_warnings(copy_site: Callable[[str], Path]) -> None:
    result = check(copy_site(SITE), "--strict")
    assert result.exit_code == 1
    assert "Checked: 0 errors, 6 warnings." in result.output


def test_a_typo_in_a_link_gets_a_suggestion(copy_site: Callable[[str], Path]) -> None:
    site = copy_site(SITE)
    write_files(site, {"content/pages/contact.md": """\
        ---
        title: "Contact"
        ---
        Read [about us](/abuot/) first.
        """})
    assert ("warning: content/pages/contact.md:4: link '/abuot/' leads to no page or file of "
            "the site; did you mean '/about/'?") in check(site).stdout.splitlines()


def test_errors_of_the_build_fail_the_check_as_github_annotations(
        copy_site: Callable[[str], Path]) -> None:
    site = copy_site(SITE)
    write_files(site, {"content/articles/photo/index.md": """\
        ---
        title: "Photo story"
        date: 2025-12-03
        briefings: [transprot]
        ---
        ![The quay](quay.jpg)
        """})
    result = check(site, "--format", "github")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[:2] == [
        "::error file=content/articles/photo/index.md,line=4::unknown briefing 'transprot'; "
        "did you mean 'transport'? (or create content/briefings/transprot.md)",
        "::error file=content/articles/photo/index.md,line=6::image 'quay.jpg' not found; "
        "put quay.jpg in content/articles/photo/ or fix the name",
    ]
    # The warnings come after, in the same format; a line without a number names the file.
    assert (f"::warning file={LINKED},line=8::link '/articles/no-such-story/' leads to no page "
            "or file of the site; fix or remove the link") in lines
    assert ("::warning file=content/briefings/parks.md::no article lists the briefing "
            "'parks'; add it to an article's 'briefings', or delete the file if the topic is "
            "over") in lines
    assert "Checked: 2 errors, 6 warnings." in result.output


def test_annotation_properties_and_messages_are_escaped(
        copy_site: Callable[[str], Path]) -> None:
    site = copy_site(SITE)
    write_files(site, {"content/articles/a,b.md": "---\ntitle: T\ndate: 2025-12-04\nslug: ab\n"
                                                  "---\n[x](/100%25-sure/)\n"})
    lines = check(site, "--format", "github").stdout.splitlines()
    assert ("::warning file=content/articles/a%2Cb.md,line=6::link '/100%25-sure/' leads to "
            "no page or file of the site; fix or remove the link") in lines


def test_json_lists_level_file_line_and_message(copy_site: Callable[[str], Path]) -> None:
    result = check(copy_site(SITE), "--format", "json")
    assert result.exit_code == 0
    findings = json.loads(result.stdout)
    assert all(set(f) == {"level", "file", "line", "message"} for f in findings)
    assert {"level": "warning", "file": LINKED, "line": 10,
            "message": "image '/images/missing-map.png' not found: nothing is published at "
                       "/images/missing-map.png; put the file in static/images/missing-map.png "
                       "or fix the path"} in findings
    assert [f["line"] for f in findings if f["file"] == "content/briefings/parks.md"] == [None]


def test_a_theme_error_is_found_by_rendering(copy_site: Callable[[str], Path]) -> None:
    site = copy_site(SITE)
    write_files(site, {"theme_overrides/templates/page.html":
                       '{% extends "base.html" %}{% block content %}{{ page.title | nosuch }}'
                       "{% endblock %}\n"})
    result = check(site)
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == (
        "error: theme_overrides/templates/page.html:1: template syntax error: No filter "
        "named 'nosuch'.")


def test_check_writes_nothing(copy_site: Callable[[str], Path]) -> None:
    site = copy_site(SITE)
    write_files(site, {"content/articles/photo/index.md":
                       "---\ntitle: P\ndate: 2025-12-03\n---\n![Quay](quay.jpg)\n"})
    before, files = listing(site), tree_digest(site)
    for args in ((), ("--format", "json"), ("--drafts", "--strict")):
        assert check(site, *args).exit_code == 1
    assert listing(site) == before
    assert tree_digest(site) == files
    assert not (site / ".briefings-cache").exists() and not (site / "public").exists()


@pytest.mark.parametrize(("shared", "warned"), [(29, False), (30, True)])
def test_thirty_consecutive_words_make_a_copy(tmp_path: Path, shared: int,
                                              warned: bool) -> None:
    words = [f"word{n}" for n in range(60)]
    original = " ".join(words)
    body = "My own opening. " + " ".join(words[10:10 + shared]) + " and then my own ending."
    write_files(tmp_path, {
        "site.yaml": "title: T\nbase_url: https://example.org/\nsearch: false\n",
        "content/articles/a.md": f"---\ntitle: A\ndate: 2025-12-01\nimport:\n  original: "
                                 f"\"{original}\"\n---\n{body}\n",
    })
    result = check(tmp_path)
    copied = [line for line in result.stdout.splitlines() if "consecutive words" in line]
    assert copied == ([f"warning: content/articles/a.md:7: shares {shared} consecutive words "
                       "with its imported original (import.original), from 'word10 word11 "
                       "word12 word13 word14 word15…'; rewrite the passage in your own words, "
                       "or quote and attribute it"] if warned else [])


def test_a_link_to_a_draft_says_so(copy_site: Callable[[str], Path]) -> None:
    site = copy_site(SITE)
    write_files(site, {"content/pages/contact.md": "---\ntitle: Contact\n---\n"
                                                   "See [the depot](/articles/overdue/).\n"})
    message = ("warning: content/pages/contact.md:4: link '/articles/overdue/' leads to "
               "content/articles/overdue.md, which is not published (a draft, or scheduled); "
               "publish it first or remove the link")
    assert message in check(site).stdout.splitlines()
    # Built with the drafts, it is there.
    assert not any("contact.md" in line for line in check(site, "--drafts").stdout.splitlines())


def test_an_editors_note_s_links_are_checked_from_its_edition(tmp_path: Path) -> None:
    write_files(tmp_path, {
        "site.yaml": 'title: T\nbase_url: "https://example.org/news/"\ntimezone: UTC\n'
                     "search: false\n",
        "content/articles/a.md": "---\ntitle: A\ndate: 2025-12-03\n---\nBody.\n",
        # A bare note (no front matter): its body starts on line 1.
        "content/digests/2025-W49.md": "This week.\n\nSee [the article](/articles/a/), "
                                       "[last week](../2025-W48/) and [gone](/articles/b/).\n",
    })
    result = check(tmp_path, "--format", "json")
    assert result.exit_code == 0, result.output
    found = [(f["file"], f["line"], f["message"]) for f in json.loads(result.stdout)]
    assert found == [
        ("content/digests/2025-W49.md", 3, "link '../2025-W48/' leads to no page or file of "
         "the site; did you mean '/digests/2025-W49/'?"),
        ("content/digests/2025-W49.md", 3, "link '/articles/b/' leads to no page or file of "
         "the site; did you mean '/articles/a/'?"),
    ]
