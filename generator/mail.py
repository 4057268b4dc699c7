"""Make an edition's HTML email-ready: every style inlined, nothing external left."""

from __future__ import annotations

from functools import lru_cache
from typing import Any


@lru_cache(maxsize=1)
def _inliner() -> Any:
    # Imported here: only digest emails need it, and most builds render none.
    import css_inline

    # Mail clients drop <style> blocks and never load stylesheets or scripts: styles go
    # onto each element; remote stylesheets are never fetched (the build stays offline and
    # deterministic).
    return css_inline.CSSInliner(keep_style_tags=False, keep_link_tags=False,
                                 load_remote_stylesheets=False)


def inline_css(html: str) -> str:
    """Inline the page's <style> rules into style attributes and drop the <style> tags."""
    return str(_inliner().inline(html))
