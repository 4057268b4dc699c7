"""What `briefings serve` watches: the folders of every theme layer, and folders made later."""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from generator.watch import SourceWatcher, source_folders
from tests.conftest import REPO, SITES, write_files

CHILD_THEME: dict[str, str | bytes] = {
    "themes/child/theme.yaml": "extends: parent\n",
    "themes/child/templates/base_extra.html": "child\n",
    "themes/parent/templates/.keep": "",
    "themes/parent/i18n/en.yaml": "greeting: Hello\n",
    "theme_overrides/templates/article.html": '{% extends "theme:article.html" %}\n',
    "theme_overrides/i18n/en.yaml": "greeting: Hi\n",
    "theme_overrides/static/extra.css": "p {}\n",
    "templates/footer.html": "footer\n",
}


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A copy of tests/sites/basic whose theme, `child`, extends a theme beside it."""
    root = tmp_path / "site"
    shutil.copytree(SITES / "basic", root)
    shutil.copytree(REPO / "themes" / "default" / "templates", root / "themes/parent/templates")
    write_files(root, CHILD_THEME)
    config = root / "site.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "theme: child\n", encoding="utf-8")
    return root.resolve()


def test_folders_come_from_the_theme_layers(site: Path) -> None:
    folders = source_folders(site)
    for wanted in ("content", "templates", "theme_overrides", "themes/child", "themes/parent"):
        assert any(site / wanted == f or (site / wanted).is_relative_to(f) for f in folders), \
            wanted


def test_the_sites_static_folder_is_watched(site: Path) -> None:
    write_files(site, {"static/CNAME": "example.org\n"})
    assert site / "static" in source_folders(site)


def test_a_shipped_theme_is_watched_too(tmp_path: Path) -> None:
    shutil.copytree(SITES / "basic", tmp_path / "site")
    folders = source_folders(tmp_path / "site")
    assert any((f / "templates" / "article.html").is_file() for f in folders), folders


def test_a_broken_site_yaml_still_watches_the_sources(site: Path) -> None:
    (site / "site.yaml").write_text("title: [unclosed\n", encoding="utf-8")
    folders = source_folders(site)
    for wanted in ("content", "templates", "theme_overrides", "themes"):
        assert site / wanted in folders, wanted


class Seen:
    """Run a SourceWatcher in the background and collect every path it reports."""

    def __init__(self, site: Path) -> None:
        self.stop = threading.Event()
        self.watcher = SourceWatcher(site, self.stop, debounce_ms=100)
        self.paths: set[str] = set()
        self._changed = threading.Condition()
        self.watcher.start()
        self._thread = threading.Thread(target=self._collect, daemon=True)
        self._thread.start()

    def _collect(self) -> None:
        for batch in self.watcher.batches():
            with self._changed:
                self.paths |= batch
                self._changed.notify_all()

    def reported(self, path: Path, write: Callable[[int], None], timeout: float = 15) -> bool:
        """Write again and again (the watcher may not be listening yet) until path is reported."""
        deadline = time.monotonic() + timeout
        n = 0
        while time.monotonic() < deadline:
            write(n)
            n += 1
            with self._changed:
                if self._changed.wait_for(lambda: str(path) in self.paths, timeout=1):
                    return True
        return False

    def close(self) -> None:
        self.stop.set()
        self._thread.join(5)
        self.watcher.join(5)


@pytest.fixture
def seen(site: Path) -> Iterator[Seen]:
    watching = Seen(site)
    yield watching
    watching.close()


@pytest.mark.parametrize("rel", [
    "theme_overrides/templates/article.html", "theme_overrides/i18n/en.yaml",
    "theme_overrides/static/extra.css", "themes/parent/i18n/en.yaml",
    "themes/child/templates/base_extra.html", "templates/footer.html", "site.yaml",
])
def test_an_edit_in_any_layer_is_reported(site: Path, seen: Seen, rel: str) -> None:
    path = site / rel
    original = path.read_text(encoding="utf-8")

    def edit(n: int) -> None:
        path.write_text(original + f"# edit {n}\n", encoding="utf-8")

    assert seen.reported(path, edit), f"an edit to {rel} was never reported"


def test_theme_overrides_made_after_the_start_are_watched(site: Path) -> None:
    shutil.rmtree(site / "theme_overrides")
    watching = Seen(site)
    try:
        later = site / "theme_overrides" / "templates" / "article.html"

        def edit(n: int) -> None:
            later.parent.mkdir(parents=True, exist_ok=True)
            later.write_text(f'{{% extends "theme:article.html" %}}{{# {n} #}}\n',
                             encoding="utf-8")

        assert watching.reported(later, edit), "theme_overrides/ made later is not watched"
    finally:
        watching.close()
