"""Read raster images' sizes and make their resized copies, once per content."""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import posixpath
import re
import shutil
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import PIL
from PIL import Image, UnidentifiedImageError, features

from generator import parallel

# Formats a browser shows; anything else under an image's name is an error, not a guess.
_SUFFIXES = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".webp": "WEBP", ".gif": "GIF"}
if features.check("avif"):  # Pillow reads AVIF only when built with libavif
    _SUFFIXES[".avif"] = "AVIF"
_READABLE = ["JPEG", "PNG", "WEBP", "GIF", *(["AVIF"] if ".avif" in _SUFFIXES else [])]

QUALITY = 82  # JPEG, WebP and AVIF: fixed, so that the same source gives the same bytes
RESAMPLE = Image.Resampling.LANCZOS
# Shrink by whole factors first when the copy is over 3 times smaller: as sharp, and far
# quicker on camera originals; it depends only on the source and the width asked for.
REDUCING_GAP = 3.0
ORIENTATION = 0x0112
_TRANSPOSE = {2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180,
              4: Image.Transpose.FLIP_TOP_BOTTOM, 5: Image.Transpose.TRANSPOSE,
              6: Image.Transpose.ROTATE_270, 7: Image.Transpose.TRANSVERSE,
              8: Image.Transpose.ROTATE_90}
_HEX = re.compile(r"[0-9a-f]{8,128}")
_CHECK = 16  # bytes of the digest that heads each cache file


class ImageProblem(Exception):
    """An image file that cannot be used; the message reads after the file's path."""

    def __init__(self, message: str, source: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.source = source  # the file, when make_variants raised it


@dataclass(frozen=True)
class Probe:
    """A raster image's size as displayed, its format, and whether it moves."""

    width: int
    height: int
    format: str  # "JPEG", "PNG", "WEBP", "GIF" or "AVIF"
    animated: bool = False


def is_raster(file: str | Path) -> bool:
    """Tell whether a file's name is that of a raster image this build reads."""
    return Path(file).suffix.lower() in _SUFFIXES


def _too_large(error: Exception) -> str:
    found = re.search(r"\((\d+) pixels\)", str(error))
    size = f"{int(found.group(1)) / 1_000_000:.3g} megapixels" if found else "too many pixels"
    limit = (Image.MAX_IMAGE_PIXELS or 0) / 1_000_000
    return (f"is too large to resize ({size}; the limit is {limit:.3g}); "
            "scale it down before publishing it")


@contextlib.contextmanager
def _opened(file: str | Path) -> Iterator[Image.Image]:
    """Open an image lazily, turning every way Pillow fails into an ImageProblem."""
    with warnings.catch_warnings():
        # Pillow only warns between one and two times its limit; both must stop the build.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(file, formats=_READABLE) as image:
                yield image
        except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
            raise ImageProblem(_too_large(exc)) from None
        except UnidentifiedImageError:
            raise ImageProblem("is not an image in a format browsers show (JPEG, PNG, WebP, "
                               "GIF); export it again in one of them") from None
        except ImageProblem:
            raise
        except Exception as exc:  # damaged files make Pillow raise almost anything
            reason = str(exc) or type(exc).__name__
            raise ImageProblem(f"cannot be read ({reason}); export the image again or "
                               "replace the file") from None


def _format(image: Image.Image) -> str:
    # MPO is how Pillow names the multi-picture JPEGs that many cameras write.
    return "JPEG" if image.format == "MPO" else str(image.format)


def _animated(image: Image.Image) -> bool:
    # A multi-picture JPEG holds a second view, not frames: browsers show its first image.
    return _format(image) != "JPEG" and bool(getattr(image, "is_animated", False))


def _orientation(image: Image.Image) -> int:
    """Return the EXIF orientation read with the header (1 when absent or unreadable)."""
    raw = image.info.get("exif")
    if not raw:
        return 1
    exif = Image.Exif()
    try:
        exif.load(raw)
        value = exif.get(ORIENTATION, 1)
    except Exception:  # a damaged EXIF block: browsers then show the pixels as stored
        return 1
    return value if isinstance(value, int) and value in _TRANSPOSE else 1


def probe(file: str | Path) -> Probe | None:
    """Return a raster image's displayed size and format, or None for another kind of file.

    Raise ImageProblem for a file with an image's name that cannot be read.
    """
    if not is_raster(file):
        return None
    with _opened(file) as image:
        width, height = image.size
        if _orientation(image) >= 5:  # turned a quarter: shown with the sides swapped
            width, height = height, width
        return Probe(width, height, _format(image), _animated(image))


def variant_widths(found: Probe, widths: tuple[int, ...]) -> tuple[int, ...]:
    """Return the configured widths strictly narrower than the image, smallest first."""
    if found.animated:  # a resized copy would stand still
        return ()
    return tuple(sorted({width for width in widths if 0 < width < found.width}))


def variant_name(site_path: str, width: int) -> str:
    """Name the resized copy: "a/photo.jpg" at 480 pixels is "a/photo-480w.jpg"."""
    stem, extension = posixpath.splitext(site_path)
    return f"{stem}-{width}w{extension}"


@lru_cache(maxsize=1)
def settings_digest() -> str:
    """Digest what decides a copy's bytes: this module, Pillow and its codecs."""
    h = hashlib.blake2b(Path(__file__).read_bytes(), digest_size=16)
    for codec in ("jpg", "zlib", "webp", "avif"):
        version = features.version(codec) if features.check(codec) else None
        h.update(f"\0{codec}={version}".encode())
    h.update(f"\0pillow={PIL.__version__}".encode())
    return h.hexdigest()


def variant_digest(digest: str, width: int) -> str:
    """Return the digest of one resized copy, for the publisher: source, width, settings."""
    return hashlib.blake2b(f"{settings_digest()}\0{digest}\0{width}".encode(),
                           digest_size=16).hexdigest()


def _prepared(image: Image.Image, form: str) -> tuple[Image.Image, bool]:
    """Return the image in a mode that resizes well, and whether to palettize the copies."""
    mode = image.mode
    if mode in ("I;16", "I;16B", "I;16L", "I"):  # 16-bit grey: convert() would clip to white
        image = image.convert("I").point(lambda value: value / 257 + 0.5).convert("L")
    elif mode == "1" or mode == "F":
        image = image.convert("L")
    alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    if form == "JPEG":
        # JPEG holds grey or colour; CMYK is turned to RGB, which is what browsers show.
        return (image if image.mode in ("L", "RGB") else image.convert("RGB")), False
    palette = image.mode in ("P", "PA") or form == "GIF"
    if image.mode not in ("L", "LA", "RGB", "RGBA") or "transparency" in image.info:
        image = image.convert("RGBA" if alpha else "RGB")
    return image, palette and form in ("PNG", "GIF")


def _palettized(image: Image.Image, form: str) -> Image.Image:
    """Return a resized copy in 256 colours at most, as its palette source was."""
    if form == "PNG" and image.mode in ("RGBA", "LA"):
        flat = image.convert("RGBA").quantize(256, method=Image.Quantize.FASTOCTREE)
        # The octree keeps alpha in steps, so that opaque came out 254: snap the ends back.
        entries = flat.getpalette("RGBA") or []
        for at in range(3, len(entries), 4):
            entries[at] = 255 if entries[at] >= 248 else 0 if entries[at] <= 7 else entries[at]
        flat.putpalette(entries, "RGBA")
        return flat
    if image.mode not in ("RGBA", "LA"):
        # No dithering: a palette source is a graphic of flat colours, and the noise that
        # dithering adds to its smoothed edges made copies larger than the original.
        return image.convert("RGB").quantize(256, method=Image.Quantize.FASTOCTREE,
                                             dither=Image.Dither.NONE)
    # GIF transparency is all or nothing, in one palette entry of its own.
    copy = image.convert("RGBA")
    flat = copy.convert("RGB").quantize(255)
    clear = copy.getchannel("A").point(lambda value: 255 if value < 128 else 0, "1")
    flat.paste(255, mask=clear)
    flat.info["transparency"] = 255
    return flat


def _encode(image: Image.Image, form: str, icc: bytes | None) -> bytes:
    """Write an image with fixed settings and no metadata but its colour profile."""
    transparency = image.info.get("transparency")
    image.info.clear()  # no EXIF, XMP, comments or times: the orientation is applied
    options: dict[str, object] = {"icc_profile": icc} if icc else {}
    if form == "JPEG":
        options.update(quality=QUALITY, optimize=True, progressive=True, subsampling="4:2:0")
    elif form == "PNG":
        options.update(optimize=True)
    elif form == "WEBP":
        options.update(quality=QUALITY, method=4)
    elif form == "AVIF":
        options.update(quality=QUALITY, speed=6, max_threads=1)  # one thread: repeatable
    elif form == "GIF":
        options = {"optimize": True}
        if transparency is not None:
            options["transparency"] = transparency
    buffer = io.BytesIO()
    image.save(buffer, form, **options)
    return buffer.getvalue()


def resize(file: str | Path, widths: tuple[int, ...]) -> dict[int, bytes]:
    """Return the image's copies at these widths; raise ImageProblem if it cannot be done."""
    with _opened(file) as image:
        form = _format(image)
        if _animated(image):
            raise ImageProblem("is animated; it has no resized copies")
        icc = image.info.get("icc_profile") if image.mode != "CMYK" else None
        turn = _TRANSPOSE.get(_orientation(image))
        image.load()
        shown = image.transpose(turn) if turn is not None else image
        base, palette = _prepared(shown, form)
        copies = {}
        for width in widths:
            if not 0 < width < base.width:
                raise ImageProblem(f"is {base.width} pixels wide; a copy {width} wide "
                                   "would not be smaller")
            height = max(1, round(base.height * width / base.width))
            copy = base.resize((width, height), RESAMPLE, reducing_gap=REDUCING_GAP)
            copies[width] = _encode(_palettized(copy, form) if palette else copy, form, icc)
        return copies


@dataclass(frozen=True)
class _Task:
    key: str  # the digest as the caller gave it
    name: str  # the same, safe as a file name
    source: str
    widths: tuple[int, ...]
    folder: str | None


def _cached(folder: Path, digest: str, width: int) -> bytes | None:
    """Return a cached copy, or None when it is missing or damaged."""
    try:
        stored = (folder / f"{digest}-{width}").read_bytes()
    except OSError:
        return None
    data = stored[_CHECK:]
    if stored[:_CHECK] != hashlib.blake2b(data, digest_size=_CHECK).digest():
        return None
    return data


def _keep(folder: Path, digest: str, width: int, data: bytes) -> None:
    """Store a copy atomically; a cache that cannot be written only costs time later."""
    target = folder / f"{digest}-{width}"
    temp = target.with_name(f".{target.name}.{os.getpid()}.tmp")  # builds may overlap
    try:
        temp.write_bytes(hashlib.blake2b(data, digest_size=_CHECK).digest() + data)
        os.replace(temp, target)
    except OSError:
        with contextlib.suppress(OSError):
            temp.unlink()


def _run(task: _Task) -> dict[int, bytes] | str:
    """Resize one source in a worker; a problem comes back as its message."""
    try:
        copies = resize(task.source, task.widths)
    except ImageProblem as problem:
        return problem.message
    if task.folder is not None:
        for width, data in copies.items():
            _keep(Path(task.folder), task.name, width, data)
    return copies


def _cache_folder(cache_dir: Path | None) -> Path | None:
    """Return the cache folder of these settings, removing those of other settings."""
    if cache_dir is None:
        return None
    root = cache_dir / "images"
    folder = root / settings_digest()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for other in root.iterdir():
            if other != folder and other.is_dir():
                shutil.rmtree(other, ignore_errors=True)  # made by other code: never reused
    except OSError:
        return None
    return folder


def each_variant(todo: list[tuple[str, str, tuple[int, ...]]], cache_dir: Path | None,
                 jobs: int, progress: parallel.Progress | None = None
                 ) -> Iterator[tuple[str, int, bytes]]:
    """Yield (digest, width, bytes) of every copy asked for, resizing only cache misses.

    `todo` holds (digest of the source's bytes, source file, widths). Raise ImageProblem,
    with its `source` set, for the first source in `todo` that cannot be resized.
    """
    folder = _cache_folder(cache_dir)
    wanted: dict[str, tuple[str, set[int]]] = {}
    for digest, source, widths in todo:
        wanted.setdefault(digest, (source, set()))[1].update(widths)
    tasks = []
    for digest, (source, asked) in wanted.items():
        # The digest names cache files: anything but plain hex is digested again.
        name = digest if _HEX.fullmatch(digest) else hashlib.blake2b(
            digest.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
        missing = []
        for width in sorted(asked):
            data = _cached(folder, name, width) if folder is not None else None
            if data is None:
                missing.append(width)
            else:
                yield digest, width, data
        if missing:
            tasks.append(_Task(digest, name, source, tuple(missing),
                               str(folder) if folder else None))
    # One image takes a tenth of a second or more: worth a worker from the second one.
    for task, result in zip(tasks, parallel.each(_run, tasks, jobs, progress,
                                                 "Resizing images", min_per_job=1),
                            strict=True):
        if isinstance(result, str):
            raise ImageProblem(result, task.source)
        for width, data in result.items():
            yield task.key, width, data


def make_variants(todo: list[tuple[str, str, tuple[int, ...]]], cache_dir: Path | None,
                  jobs: int, progress: parallel.Progress | None = None
                  ) -> dict[tuple[str, int], bytes]:
    """Return the bytes of every copy asked for, keyed by (source digest, width)."""
    return {(digest, width): data
            for digest, width, data in each_variant(todo, cache_dir, jobs, progress)}
