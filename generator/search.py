"""Build the static full-text search index with Pagefind, from the rendered article pages."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from generator.errors import OutputError
from generator.model import Output

FOLDER = "pagefind/"


async def _index(site: Path, folder: Path) -> None:
    from pagefind.index import PagefindIndex  # the binary starts only when a site searches

    # One request for the whole folder: adding pages one by one costs a round trip each
    # (about a tenth of a second), which dominated builds of a thousand articles.
    async with PagefindIndex(config={"output_path": str(folder)}) as index:
        await index.add_directory(str(site))


def build_index(pages: list[tuple[str, Path]]) -> list[Output]:
    """Index (output path, HTML file) pages; return the search bundle's files under pagefind/."""
    with tempfile.TemporaryDirectory(prefix="briefings-search-") as temp:
        site, folder = Path(temp) / "site", Path(temp) / "pagefind"
        for path, source in pages:
            target = site / path
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(source, target)
            except OSError:
                shutil.copyfile(source, target)
        import asyncio  # 40 ms to import, and only a site that searches needs it

        try:
            asyncio.run(_index(site, folder))
        except (OSError, RuntimeError, AssertionError) as exc:
            raise OutputError(f"the Pagefind search index could not be built ({exc}); "
                              "reinstall with `pip install 'pagefind[bin]'` or set "
                              "`search: false` in site.yaml") from None
        return [Output(FOLDER + path.relative_to(folder).as_posix(), path.read_bytes())
                for path in sorted(folder.rglob("*")) if path.is_file()]
