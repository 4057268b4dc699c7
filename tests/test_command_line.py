"""The command line itself: the build's clock from the environment, and help that matches the
README."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from tests.conftest import NOW_EPOCH, REPO, tree_digest


@pytest.fixture
def site(built_basic: Path) -> Path:
    return built_basic


def build_with_epoch(site: Path, epoch: str, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["build", "--site", str(site), *args],
                                env={"SOURCE_DATE_EPOCH": epoch})
    assert isinstance(result.exception, SystemExit | None), repr(result.exception)
    return result.exit_code, result.output


@pytest.mark.parametrize(("epoch", "why"), [
    ("99999999999999999", "is out of range"),
    ("253402300799", "is out of range"),  # 9999-12-31T23:59:59Z: no room for its period
    ("9" * 5000, "is out of range"),
    ("-1", "is not a whole number of seconds"),
    ("1767225600.5", "is not a whole number of seconds"),
    ("tomorrow", "is not a whole number of seconds"),
], ids=["huge", "end-of-9999", "5000-digits", "negative", "fraction", "word"])
def test_an_unusable_source_date_epoch_is_refused_before_building(site: Path, epoch: str,
                                                                  why: str) -> None:
    before = tree_digest(site / "public")
    code, output = build_with_epoch(site, epoch)
    assert code == 2, output
    assert "Traceback" not in output
    lines = output.splitlines()
    assert len(lines) == 1, output
    assert lines[0].startswith("error: SOURCE_DATE_EPOCH: "), output
    assert why in lines[0]
    assert len(lines[0]) < 300
    assert tree_digest(site / "public") == before


@pytest.mark.parametrize("epoch", ["", "  ", "0", NOW_EPOCH, "253370764799"],
                         ids=["empty", "blank", "zero", "2026", "end-of-9998"])
def test_a_usable_source_date_epoch_builds(site: Path, epoch: str) -> None:
    code, output = build_with_epoch(site, epoch, "--no-cache")
    assert code == 0, output


def test_now_wins_over_a_source_date_epoch_it_makes_unused(site: Path) -> None:
    code, output = build_with_epoch(site, "99999999999999999", "--now", "2026-01-01")
    assert code == 0, output


@pytest.mark.parametrize("now", ["9999-12-31T23:59:59", "0001-01-01T00:00:00+14:00",
                                 "9999-06-01"])
def test_a_now_out_of_range_is_a_usage_error(site: Path, now: str) -> None:
    before = tree_digest(site / "public")
    code, output = build_with_epoch(site, NOW_EPOCH, "--now", now)
    assert code == 2, output
    assert "Traceback" not in output
    assert "Invalid value for '--now'" in output or "Invalid value for --now" in output
    assert "out of range" in output
    assert tree_digest(site / "public") == before


def readme_meanings(command: str) -> dict[str, str]:
    """Map each option of a README command table to its meaning, with plain spaces."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split(f"### `briefings {command}`", 1)[1].split("\n#", 1)[0]
    meanings = {}
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 2 and cells[0].startswith("`--"):
            for name in re.findall(r"`(--[\w-]+)", cells[0]):
                meanings[name] = cells[1].replace("`", "")
    return meanings


@pytest.mark.parametrize("option", ["--force", "--verbose"])
def test_build_help_says_what_the_readme_says(option: str) -> None:
    meaning = readme_meanings("build")[option]
    result = CliRunner().invoke(main, ["build", "--help"], terminal_width=200)
    assert result.exit_code == 0, result.output
    entry = next(line for line in result.output.splitlines()
                 if line.strip().startswith(option) or f", {option}" in line)
    help_text = " ".join(entry.split()[1:])
    assert meaning in help_text, (option, meaning, help_text)
