"""Resolve a page's own files: images and links in its Markdown, and its featured image.

A page bundle is a folder holding `index.md` and the files it shows; they are published
beside the page, so a relative link in the Markdown works as written. Parsing reads only
the image headers (their sizes); resizing happens once the site is known (generator.images).
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from generator import images
from generator.errors import Problem

# How wide a body image shows: the default theme's text column (42rem, with 1.25rem of page
# margin each side), or the screen less those margins below it. The browser picks the copy.
SIZES = "(max-width: 44.5rem) calc(100vw - 2.5rem), 42rem"

Bundle = tuple[tuple[str, str, str], ...]  # (name within the bundle, file, digest)


def local_name(url: str) -> str | None:
    """Return the file a relative URL names within the page's folder, or None if it leaves it."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or url.startswith(("/", "#")):
        return None
    name = posixpath.normpath(unquote(parts.path)).lstrip("/")
    if not parts.path or name in (".", "") or name.startswith("../") or name == "..":
        return None
    return name


class Files:
    """The files of one page's bundle (none for a single Markdown file), as parsing sees them."""

    def __init__(self, path: str, bundle: Bundle, widths: tuple[int, ...]) -> None:
        self.path = path
        self.bundle = path.endswith("/index.md")
        self.files = {name: file for name, file, _ in bundle}
        self.widths = widths
        self.shown: dict[str, tuple[int, ...]] = {}
        self.probed: dict[str, images.Probe | None] = {}
        self.broken: dict[str, str] = {}

    def _probe(self, name: str) -> images.Probe | None:
        if name not in self.probed:
            try:
                self.probed[name] = images.probe(self.files[name])
            except images.ImageProblem as exc:
                self.broken[name] = str(exc)
                self.probed[name] = None
        return self.probed[name]

    def _sized(self, name: str) -> dict[str, Any] | None:
        """Return an image's size and resized copies, remembering it as shown."""
        if name not in self.files:
            return None
        probe = self._probe(name)
        if probe is None:
            return None
        widths = images.variant_widths(probe, self.widths)
        self.shown[name] = widths
        return {"width": probe.width, "height": probe.height, "widths": widths}

    def attributes(self, src: str) -> dict[str, str] | None:
        """Return the size and srcset of a body image in the bundle (for markdown.render_body)."""
        name = local_name(src)
        sized = self._sized(name) if name is not None else None
        if sized is None or name is None:
            return None
        attrs = {"width": str(sized["width"]), "height": str(sized["height"])}
        if sized["widths"]:
            entries = [f"{quote(images.variant_name(name, w))} {w}w" for w in sized["widths"]]
            entries.append(f"{quote(name)} {sized['width']}w")
            attrs["srcset"] = ", ".join(entries)
            attrs["sizes"] = SIZES
        return attrs

    def check(self, references: Iterable[tuple[int, str, str]], body_line: int
              ) -> list[Problem]:
        """Report each image, and each link to a file, that names a file not in the bundle."""
        problems = []
        for line, kind, url in references:
            name = local_name(url)
            if name is None or (kind == "link" and "." not in name.rsplit("/", 1)[-1]):
                continue  # leaves the page's folder, or links a page ("../other/")
            where = line + body_line if line else None
            if name in self.broken:
                problems.append(Problem(self.path, where, f"{kind} '{url}' {self.broken[name]}"))
            elif name not in self.files:
                problems.append(Problem(self.path, where,
                                        f"{kind} '{url}' not found; {self._hint(name)}"))
        return problems

    def featured(self, value: str, line: int | None) -> tuple[dict[str, Any] | None,
                                                              Problem | None]:
        """Resolve front matter `image`: a bundle file, a site path or a URL."""
        if "://" in value:
            if not value.startswith(("http://", "https://")):
                return None, Problem(self.path, line, f"'image': {value!r} is not an http(s) "
                                     "URL, a site path such as /images/x.jpg, or a file of "
                                     "the page bundle")
            return {"src": value}, None
        if value.startswith("/"):
            return {"src": value.lstrip("/"), "site": True}, None  # checked against static/
        name = local_name(value)
        if name is None:
            return None, Problem(self.path, line, f"'image': {value!r} leaves the page's "
                                 "folder; write a site path such as /images/x.jpg instead")
        sized = self._sized(name)
        if name in self.broken:
            return None, Problem(self.path, line, f"image '{value}' {self.broken[name]}")
        if name not in self.files:
            return None, Problem(self.path, line,
                                 f"image '{value}' not found; {self._hint(name)}")
        return {"src": name, "bundle": True, **(sized or {})}, None

    def _hint(self, name: str) -> str:
        if self.bundle:
            return f"put {name} in {self.path[: -len('index.md')]} or fix the name"
        stem = self.path.rsplit("/", 1)[-1].removesuffix(".md")
        if not self.path.startswith(("content/articles/", "content/pages/")):
            return f"put the file in static/ and write a site path such as '/{name}'"
        return (f"a page's own files go in a page bundle: move this file to "
                f"{self.path.removesuffix('.md')}/index.md and put {name} beside it "
                f"(the page keeps its address '{stem}')")

    def resized(self) -> tuple[tuple[str, tuple[int, ...]], ...]:
        """Return the bundle images the page shows that get resized copies, by name."""
        return tuple(sorted((name, widths) for name, widths in self.shown.items() if widths))
