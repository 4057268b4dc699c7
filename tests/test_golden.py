"""Golden files for the feeds and one page; `pytest --update-golden` rewrites them."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import build

GOLDEN = Path(__file__).parent / "golden" / "basic"
FILES = ["feed.xml", "atom.xml", "feed.json", "briefings/alpha/feed.xml",
         "briefings/alpha/atom.xml", "briefings/alpha/feed.json", "digests/feed.json",
         "articles/first/index.html"]


@pytest.mark.parametrize("rel", FILES)
def test_output_matches_golden(rel: str, copy_site, update_golden: bool) -> None:  # type: ignore[no-untyped-def]
    site = copy_site("basic")
    assert build(site).exit_code == 0
    produced = (site / "public" / rel).read_bytes()
    golden = GOLDEN / rel
    if update_golden:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_bytes(produced)
    assert golden.is_file(), f"no golden file {golden}; run pytest --update-golden"
    assert produced == golden.read_bytes(), (
        f"{rel} differs from {golden}; if the change is intended, run pytest --update-golden "
        "and review the diff")
