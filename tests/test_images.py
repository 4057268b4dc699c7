"""Responsive images: sizes as displayed, resized copies that are repeatable and cached."""

from __future__ import annotations

import hashlib
import io
import random
from pathlib import Path

import pytest
from PIL import Image, ImageCms, ImageDraw

from generator import images
from generator.images import ImageProblem, Probe

WIDTHS = (480, 960, 1600)


def photo(width: int, height: int, seed: int = 1, mode: str = "RGB") -> Image.Image:
    """Draw a busy picture (gradient, shapes, noise) that does not compress to nothing."""
    rng = random.Random(seed)
    image = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    draw = ImageDraw.Draw(image)
    for _ in range(40):
        x, y = rng.randrange(width), rng.randrange(height)
        colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
        draw.ellipse((x, y, x + rng.randrange(20, 200), y + rng.randrange(20, 200)), colour)
    noise = Image.frombytes("L", (width, height), rng.randbytes(width * height)).convert("RGB")
    return Image.blend(image, noise, 0.15).convert(mode)


def digest(path: Path) -> str:
    return hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()


def opened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def test_jpeg_turned_by_exif_is_measured_and_resized_as_shown(tmp_path: Path) -> None:
    # Stored 1200 wide and 800 high, left half red; orientation 6 shows it turned a
    # quarter clockwise, so 800 wide, 1200 high, with the red half on top.
    stored = Image.new("RGB", (1200, 800), (0, 0, 255))
    stored.paste((255, 0, 0), (0, 0, 600, 800))
    exif = Image.Exif()
    exif[images.ORIENTATION] = 6
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    source = tmp_path / "turned.jpg"
    stored.save(source, quality=95, exif=exif, icc_profile=srgb)

    found = images.probe(source)
    assert found == Probe(800, 1200, "JPEG", animated=False)
    assert images.variant_widths(found, WIDTHS) == (480,)

    copy = opened(images.resize(source, (480,))[480])
    assert copy.format == "JPEG" and copy.size == (480, 720)
    top, bottom = copy.getpixel((240, 100)), copy.getpixel((240, 620))
    assert isinstance(top, tuple) and isinstance(bottom, tuple)
    assert top[0] > 200 and top[2] < 60  # red above
    assert bottom[2] > 200 and bottom[0] < 60  # blue below
    assert dict(copy.getexif()) == {}  # orientation applied, EXIF dropped
    assert copy.info.get("icc_profile") == srgb  # colours kept


def test_png_with_alpha_keeps_its_transparency(tmp_path: Path) -> None:
    source = tmp_path / "logo.png"
    image = Image.new("RGBA", (1000, 500), (0, 0, 0, 0))
    image.paste((20, 120, 220, 255), (0, 0, 500, 500))
    image.save(source)
    found = images.probe(source)
    assert found == Probe(1000, 500, "PNG")
    assert images.variant_widths(found, WIDTHS) == (480, 960)
    copies = images.resize(source, (480, 960))
    for width, data in copies.items():
        copy = opened(data)
        assert (copy.format, copy.mode, copy.size) == ("PNG", "RGBA", (width, width // 2))
        assert copy.getpixel((width // 4, 10)) == (20, 120, 220, 255)
        assert copy.getpixel((width * 3 // 4, 10)) == (0, 0, 0, 0)


def test_palette_png_and_gif_stay_palettes_with_their_transparency(tmp_path: Path) -> None:
    drawing = Image.new("P", (800, 400), 1)
    drawing.putpalette([250, 40, 40, 0, 0, 0])
    drawing.paste(0, (0, 0, 400, 400))  # red on the left, entry 1 (clear) on the right
    for name in ("drawing.png", "drawing.gif"):
        source = tmp_path / name
        drawing.save(source, transparency=1)
        copy = opened(images.resize(source, (480,))[480])
        assert copy.mode == "P" and copy.size == (480, 240)
        rgba = copy.convert("RGBA")
        assert rgba.getpixel((100, 100)) == (250, 40, 40, 255)
        clear = rgba.getpixel((400, 100))
        assert isinstance(clear, tuple) and clear[3] == 0


def test_cmyk_jpeg_and_16_bit_grey_become_what_browsers_show(tmp_path: Path) -> None:
    cmyk = tmp_path / "print.jpg"
    Image.new("CMYK", (1000, 600), (0, 255, 255, 0)).save(cmyk)  # red in ink
    copy = opened(images.resize(cmyk, (480,))[480])
    assert copy.mode == "RGB"
    red = copy.getpixel((240, 100))
    assert isinstance(red, tuple) and red[0] > 200 and red[1] < 60
    grey = tmp_path / "scan.png"
    Image.new("I;16", (1000, 600), 40000).save(grey)
    copy = opened(images.resize(grey, (480,))[480])
    assert copy.mode == "L" and copy.getpixel((240, 100)) == round(40000 / 257)


def test_never_upscales_and_animation_gets_no_copies(tmp_path: Path) -> None:
    small = tmp_path / "small.jpg"
    photo(300, 200).save(small)
    assert images.variant_widths(images.probe(small) or Probe(0, 0, ""), WIDTHS) == ()
    assert images.variant_widths(Probe(480, 320, "JPEG"), WIDTHS) == ()  # equal: no copy
    assert images.variant_widths(Probe(481, 320, "JPEG"), (960, 480, 480)) == (480,)
    with pytest.raises(ImageProblem, match="300 pixels wide"):
        images.resize(small, (480,))

    moving = tmp_path / "moving.gif"
    frames = [photo(900, 600, seed).convert("P") for seed in range(3)]
    frames[0].save(moving, save_all=True, append_images=frames[1:], duration=100, loop=0)
    found = images.probe(moving)
    assert found == Probe(900, 600, "GIF", animated=True)
    assert images.variant_widths(found, WIDTHS) == ()
    with pytest.raises(ImageProblem, match="animated"):
        images.resize(moving, (480,))


def test_files_that_are_not_raster_images_are_none(tmp_path: Path) -> None:
    (tmp_path / "chart.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    (tmp_path / "notes.txt").write_text("text")
    assert images.probe(tmp_path / "chart.svg") is None
    assert images.probe(tmp_path / "notes.txt") is None
    upper = tmp_path / "UPPER.JPG"
    photo(640, 480).save(upper, "JPEG")
    assert images.probe(upper) == Probe(640, 480, "JPEG")


def test_unreadable_images_are_problems_that_say_what_to_do(tmp_path: Path) -> None:
    garbage = tmp_path / "broken.jpg"
    garbage.write_bytes(b"this is not a JPEG at all")
    with pytest.raises(ImageProblem, match="not an image in a format browsers show"):
        images.probe(garbage)
    tiff = tmp_path / "scan.png"
    photo(600, 400).save(tiff, "TIFF")  # a format browsers cannot show, under a PNG name
    with pytest.raises(ImageProblem, match="export it again"):
        images.probe(tiff)

    whole = io.BytesIO()
    photo(1200, 800).save(whole, "JPEG", quality=90)
    cut = tmp_path / "cut.jpg"
    cut.write_bytes(whole.getvalue()[: len(whole.getvalue()) // 2])
    assert images.probe(cut) == Probe(1200, 800, "JPEG")  # the header is whole
    with pytest.raises(ImageProblem, match=r"cannot be read \(.*truncated") as raised:
        images.make_variants([(digest(cut), str(cut), (480,))], None, 1)
    assert raised.value.source == str(cut)


def test_images_over_pillows_limit_are_too_large(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 10_000)
    warned = tmp_path / "warned.png"  # over the limit: Pillow only warns
    Image.new("RGB", (150, 100)).save(warned)
    refused = tmp_path / "refused.png"  # over twice the limit: Pillow refuses
    Image.new("RGB", (300, 100)).save(refused)
    with pytest.raises(ImageProblem, match=r"too large to resize \(0\.015 megapixels"):
        images.probe(warned)
    with pytest.raises(ImageProblem, match=r"too large to resize \(0\.03 megapixels"):
        images.probe(refused)
    with pytest.raises(ImageProblem, match="too large to resize") as raised:
        images.make_variants([(digest(warned), str(warned), (100,))], None, 1)
    assert raised.value.source == str(warned)


def test_variant_names_keep_the_extension() -> None:
    assert images.variant_name("articles/x/photo.jpg", 480) == "articles/x/photo-480w.jpg"
    assert images.variant_name("a.b/PIC.WEBP", 960) == "a.b/PIC-960w.WEBP"


def sources(folder: Path) -> list[tuple[str, str, tuple[int, ...]]]:
    folder.mkdir(exist_ok=True)
    todo = []
    for n, (name, size) in enumerate([("a.jpg", (1700, 1100)), ("b.png", (1000, 700)),
                                      ("c.webp", (1000, 1000)), ("d.jpg", (600, 400))]):
        path = folder / name
        photo(*size, seed=n).save(path)
        found = images.probe(path)
        assert found is not None
        todo.append((digest(path), str(path), images.variant_widths(found, WIDTHS)))
    return todo


def test_copies_are_repeatable_across_runs_and_workers(tmp_path: Path) -> None:
    todo = sources(tmp_path / "src")
    alone = images.make_variants(todo, None, jobs=1)
    shared = images.make_variants(todo, None, jobs=2)
    assert alone == shared
    assert sorted(alone) == sorted([(todo[0][0], 480), (todo[0][0], 960), (todo[0][0], 1600),
                                    (todo[1][0], 480), (todo[1][0], 960),
                                    (todo[2][0], 480), (todo[2][0], 960),
                                    (todo[3][0], 480)])
    for (key, width), data in alone.items():
        source = next(path for digest_, path, _ in todo if digest_ == key)
        copy = opened(data)
        assert copy.width == width
        assert copy.format == Image.open(source).format
        assert copy.height == round(Image.open(source).height * width / Image.open(source).width)
    # The same bytes twice (the same photo in two articles) are resized once, under one key.
    twice = [*todo, (todo[0][0], str(tmp_path / "src" / "a.jpg"), (480,))]
    assert images.make_variants(twice, None, jobs=1) == alone


def test_a_rebuild_reads_the_cache_instead_of_resizing(tmp_path: Path) -> None:
    todo = sources(tmp_path / "src")
    cache = tmp_path / "cache"
    (cache / "images" / "made-by-other-settings").mkdir(parents=True)
    first = images.make_variants(todo, cache, jobs=2)
    folder = cache / "images" / images.settings_digest()
    assert sorted(p.name for p in (cache / "images").iterdir()) == [folder.name]
    assert len(list(folder.iterdir())) == len(first)  # no temporary files left behind

    for _, path, _ in todo:
        Path(path).unlink()  # nothing left to resize: only the cache can answer
    assert images.make_variants(todo, cache, jobs=2) == first

    # A damaged cache file is not trusted: without its source it cannot be made again ...
    damaged = folder / f"{todo[0][0]}-960"
    damaged.write_bytes(damaged.read_bytes()[:-10] + b"0123456789")
    with pytest.raises(ImageProblem) as raised:
        images.make_variants(todo, cache, jobs=1)
    assert raised.value.source == todo[0][1]
    # ... and with it, it is made again, the same, and the cache repaired.
    sources(tmp_path / "src")
    assert images.make_variants(todo, cache, jobs=1) == first
    assert images.make_variants(todo[:1], None, jobs=1)[(todo[0][0], 960)] == first[
        (todo[0][0], 960)]
    Path(todo[0][1]).unlink()
    assert images.make_variants(todo[:1], cache, jobs=1)[(todo[0][0], 960)] == first[
        (todo[0][0], 960)]


def test_variant_digests_name_source_width_and_settings() -> None:
    one = images.variant_digest("ab" * 16, 480)
    assert one == images.variant_digest("ab" * 16, 480)
    assert len({one, images.variant_digest("ab" * 16, 960),
                images.variant_digest("cd" * 16, 480)}) == 3
