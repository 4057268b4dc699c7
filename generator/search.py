"""Build the static full-text search index with Pagefind, from the rendered article pages."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from generator.errors import OutputError
from generator.model import Output

FOLDER = "pagefind/"


async def _index(pages: list[tuple[str, str]], folder: Path) -> None:
    from pagefind.index import PagefindIndex  # the binary starts only when a site searches

    async with PagefindIndex(config={"output_path": str(folder)}) as index:
        for url, html in pages:
            await index.add_html_file(content=html, url=url)


def build_index(pages: list[tuple[str, str]]) -> list[Output]:
    """Index (url, html) pages; return the files of the search bundle under pagefind/."""
    with tempfile.TemporaryDirectory(prefix="briefings-search-") as temp:
        folder = Path(temp) / "pagefind"
        try:
            asyncio.run(_index(pages, folder))
        except (OSError, RuntimeError, AssertionError) as exc:
            raise OutputError(f"the Pagefind search index could not be built ({exc}); "
                              "reinstall with `pip install 'pagefind[bin]'` or set "
                              "`search: false` in site.yaml") from None
        return [Output(FOLDER + path.relative_to(folder).as_posix(), path.read_bytes())
                for path in sorted(folder.rglob("*")) if path.is_file()]
