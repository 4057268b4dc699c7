"""The `wordwrap` filter (the email edition's text part): Jinja's rules, in linear time.

Jinja's own filter (textwrap) copies the rest of an over-long word for every line it cuts
from it, so one 10 MB word took some 40 s; Briefings' filter gives the same lines.
"""

from __future__ import annotations

from pathlib import Path

import jinja2
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.mail import wrap
from generator.model import SiteConfig
from generator.theme import load_theme
from tests.conftest import build, write_files

JINJA = jinja2.Environment()
jinja_wordwrap = JINJA.filters["wordwrap"]

# Words, hyphens and dashes, runs of spaces and tabs, newlines, and characters that
# str.strip() treats as space but textwrap does not.
pieces = st.one_of(st.sampled_from(["a", "bc", "-", "--", " ", "  ", "\t", "\n", "\r\n",
                                    "\u00a0", "é", ".", "!", "'", "x" * 30,
                                    "well-known", "a--b"]),
                   st.text(max_size=3))
texts = st.lists(pieces, max_size=40).map("".join)


@settings(max_examples=400, deadline=None, database=None)
@given(text=texts, width=st.integers(1, 24), long_words=st.booleans(),
       hyphens=st.booleans())
def test_wrap_gives_the_lines_of_jinjas_wordwrap(text: str, width: int, long_words: bool,
                                                  hyphens: bool) -> None:
    expected = jinja_wordwrap(JINJA, text, width, break_long_words=long_words,
                              break_on_hyphens=hyphens)
    assert wrap(text, width, break_long_words=long_words,
                break_on_hyphens=hyphens) == expected


def test_a_ten_megabyte_word_is_cut_into_full_lines() -> None:
    word = "x" * (10 * 1024 * 1024)
    lines = wrap(f"Read {word} now", 72).split("\n")
    assert lines[0] == "Read " + "x" * 67
    assert all(line == "x" * 72 for line in lines[1:-1])
    assert lines[-1].endswith(" now") and len(lines[-1]) <= 72
    assert "".join(lines) == f"Read {word} now"


def test_a_long_hyphenated_word_breaks_after_its_hyphens() -> None:
    word = ("a" * 50 + "-") * 100_000  # 5 MB
    lines = wrap(word, 72).split("\n")
    assert all(len(line) <= 72 for line in lines)
    assert "".join(lines) == word
    assert lines[0] == "a" * 50 + "-"


def test_the_theme_uses_it(tmp_path: Path) -> None:
    env = load_theme(tmp_path, SiteConfig(title="T", base_url="https://example.org/")).env
    word = "y" * 1_000_000
    out = env.from_string("{{ text | wordwrap(72) }}").render(text=word)
    assert out.split("\n") == [word[i:i + 72] for i in range(0, len(word), 72)]


def test_the_email_text_part_wraps_a_huge_word(tmp_path: Path) -> None:
    word = "z" * 300_000
    write_files(tmp_path, {
        "site.yaml": 'title: "Wrap"\nbase_url: "https://example.org/"\nsearch: false\n',
        "content/articles/a.md": (f"---\ntitle: A\ndate: 2025-06-02\nsummary: {word} end\n"
                                  "---\nBody.\n"),
    })
    result = build(tmp_path)
    assert result.exit_code == 0, result.output
    [email] = (tmp_path / "public" / "digests").rglob("email.txt")
    lines = email.read_text("utf-8").split("\n")
    wrapped = [line for line in lines if "zz" in line]
    assert all(line.startswith("  ") and len(line) <= 2 + 72 for line in wrapped)
    assert "".join(line[2:] for line in wrapped) == word + " end"
