"""Run the whole build: config → content → site → pages → render → feeds → write."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from generator import feeds, pages, theme
from generator.config import load_config
from generator.content import read_content
from generator.model import BuildResult
from generator.output import check_output_dir, publish
from generator.site import assemble


@dataclass(frozen=True)
class BuildOptions:
    """What the user asked of this build."""

    site_root: Path
    output_dir: Path | None = None
    drafts: bool = False
    force: bool = False
    base_url: str | None = None  # the preview server serves under its own address


def build(options: BuildOptions) -> BuildResult:
    """Build the site; raise a BriefingsError (nothing written) when anything is wrong."""
    started = time.perf_counter()
    root = options.site_root.resolve()
    config = load_config(root)
    if options.base_url:
        from dataclasses import replace

        config = replace(config, base_url=options.base_url)
    out = options.output_dir or root / config.output_dir
    keep = check_output_dir(root, out, options.force)
    the_theme = theme.load_theme(root, config)
    site = assemble(config, read_content(root, config), drafts=options.drafts)
    planned = pages.plan(site)
    html = theme.render_pages(the_theme, planned, root)
    feed_files = feeds.build_feeds(site)
    files = publish([*html, *feed_files], theme.static_files(the_theme), out, keep)
    return BuildResult(len(html), len(feed_files), files, time.perf_counter() - started,
                       str(out))
