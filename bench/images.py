"""Measure what responsive images cost: resizing N photos cold, then reading them cached.

    .venv/bin/python -m bench.images                       # 1,000 photos, 3 runs, 2 jobs
    .venv/bin/python -m bench.images --images 100 --runs 1  # smoke test
    .venv/bin/python -m bench.images --record               # also write bench/results/

Writes N deterministic 2400x1600 JPEG photos (gradients, shapes, film grain; about 0.7 MB
each, the bits per pixel of a camera export) to bench/.work/photos-N/ once, then for each
run: probes them all (what a build's scan pays), makes their copies at 480, 960 and 1600
pixels into an empty cache ("cold"), and asks again with the cache full ("warm"). Reports
the medians, seconds per image, the megabytes of copies made and the peak memory of the
processes. Run it by hand on a quiet machine; it is not part of the tests.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import random
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from generator import images  # noqa: E402

WORK = REPO / "bench" / ".work"
RESULTS = REPO / "bench" / "results"
WIDTHS = (480, 960, 1600)
SIZE = (2400, 1600)


def photo(seed: int) -> Image.Image:
    """Draw one photo-like picture: a sky and ground, soft shapes, fine grain."""
    rng = random.Random(seed)
    width, height = SIZE
    top = tuple(rng.randrange(256) for _ in range(3))
    bottom = tuple(rng.randrange(256) for _ in range(3))
    ramp = Image.linear_gradient("L").resize(SIZE)
    image = Image.composite(Image.new("RGB", SIZE, bottom), Image.new("RGB", SIZE, top), ramp)
    draw = ImageDraw.Draw(image)
    for _ in range(60):
        x, y = rng.randrange(width), rng.randrange(height)
        w, h = rng.randrange(40, 600), rng.randrange(40, 600)
        colour = tuple(rng.randrange(256) for _ in range(3))
        if rng.random() < 0.5:
            draw.ellipse((x, y, x + w, y + h), fill=colour)
        else:
            draw.rectangle((x, y, x + w, y + h), fill=colour)
    image = image.filter(ImageFilter.GaussianBlur(rng.uniform(1, 4)))  # out of focus
    # Edges in focus over the blur, and grain: what makes photos cost bytes to encode.
    draw = ImageDraw.Draw(image)
    for _ in range(300):
        x, y = rng.randrange(width), rng.randrange(height)
        draw.line((x, y, x + rng.randrange(-80, 80), y + rng.randrange(-80, 80)),
                  fill=tuple(rng.randrange(256) for _ in range(3)), width=rng.randrange(1, 4))
    grain = Image.frombytes("L", (width // 2, height // 2),
                            rng.randbytes(width * height // 4)).resize(SIZE)
    return Image.blend(image, grain.convert("RGB"), 0.06)


def photos(count: int) -> list[Path]:
    """Write the photos once (kept between runs); return their paths."""
    folder = WORK / f"photos-{count}"
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"photo-{n:04d}.jpg" for n in range(count)]
    missing = [(n, path) for n, path in enumerate(paths) if not path.exists()]
    for done, (n, path) in enumerate(missing, 1):
        temp = path.with_suffix(".tmp")
        photo(n).save(temp, "JPEG", quality=90)
        os.replace(temp, path)
        if done % 100 == 0:
            print(f"  wrote {done}/{len(missing)} photos", flush=True)
    return paths


def todo_of(paths: list[Path]) -> list[tuple[str, str, tuple[int, ...]]]:
    """Probe and digest every photo, as a build's scan would."""
    todo = []
    for path in paths:
        found = images.probe(path)
        assert found is not None
        digest = hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()
        todo.append((digest, str(path), images.variant_widths(found, WIDTHS)))
    return todo


def consume(todo: list[tuple[str, str, tuple[int, ...]]], cache: Path | None,
            jobs: int) -> tuple[float, int, int]:
    """Make every copy; return seconds, copies and bytes (streamed, not held)."""
    started = time.perf_counter()
    count = size = 0
    for _, _, data in images.each_variant(todo, cache, jobs):
        count += 1
        size += len(data)
    return time.perf_counter() - started, count, size


def peak_mb() -> tuple[float, float]:
    """Return the peak RSS of this process and of its largest finished worker, in MB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, workers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--record", action="store_true",
                        help="write bench/results/images-N.json and .md")
    args = parser.parse_args()

    print(f"Writing {args.images} photos of {SIZE[0]}x{SIZE[1]} (once) ...", flush=True)
    paths = photos(args.images)
    source_mb = sum(path.stat().st_size for path in paths) / 1e6
    probes, colds, warms = [], [], []
    copies = made = disk = 0
    for run in range(1, args.runs + 1):
        started = time.perf_counter()
        todo = todo_of(paths)
        probes.append(time.perf_counter() - started)
        with tempfile.TemporaryDirectory(prefix="bench-images-") as temp:
            cache = Path(temp)
            seconds, copies, made = consume(todo, cache, args.jobs)
            colds.append(seconds)
            disk = sum(p.stat().st_size for p in (cache / "images").rglob("*") if p.is_file())
            seconds, again, _ = consume(todo, cache, args.jobs)
            assert again == copies
            warms.append(seconds)
            shutil.rmtree(cache / "images")
        print(f"run {run}: probe+digest {probes[-1]:.2f} s, cold {colds[-1]:.1f} s, "
              f"warm {warms[-1]:.2f} s", flush=True)

    own, workers = peak_mb()
    result = {
        "images": args.images, "size": list(SIZE), "widths": list(WIDTHS), "jobs": args.jobs,
        "runs": args.runs, "source_mb": round(source_mb, 1), "copies": copies,
        "copies_mb": round(made / 1e6, 1), "cache_mb": round(disk / 1e6, 1),
        "probe_s": round(statistics.median(probes), 3),
        "cold_s": round(statistics.median(colds), 2),
        "warm_s": round(statistics.median(warms), 3),
        "cold_s_per_image": round(statistics.median(colds) / args.images, 4),
        "warm_s_per_image": round(statistics.median(warms) / args.images, 5),
        "peak_rss_mb": round(own), "peak_worker_rss_mb": round(workers),
        "all_probe_s": [round(s, 3) for s in probes], "all_cold_s": [round(s, 2) for s in colds],
        "all_warm_s": [round(s, 3) for s in warms],
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}",
        "pillow": images.PIL.__version__, "python": platform.python_version(),
        "date": time.strftime("%Y-%m-%d"),
    }
    table = "\n".join([
        f"# Responsive images: {args.images:,} photos of {SIZE[0]}x{SIZE[1]} "
        f"({source_mb:,.0f} MB of JPEG)", "",
        f"Copies at {', '.join(map(str, WIDTHS))} px with {args.jobs} jobs; medians of "
        f"{args.runs} runs ({result['machine']}, Pillow {result['pillow']}).", "",
        "| step | seconds | seconds per image |", "|---|---:|---:|",
        f"| probe + digest (scan) | {result['probe_s']} | "
        f"{result['probe_s'] / args.images:.5f} |",
        f"| resize, cold cache | {result['cold_s']} | {result['cold_s_per_image']} |",
        f"| read copies, warm cache | {result['warm_s']} | {result['warm_s_per_image']} |", "",
        f"{copies:,} copies, {result['copies_mb']} MB written (cache on disk "
        f"{result['cache_mb']} MB). Peak RSS: {result['peak_rss_mb']} MB in the main "
        f"process, {result['peak_worker_rss_mb']} MB in a worker.",
    ])
    print("\n" + table)
    if args.record:
        RESULTS.mkdir(exist_ok=True)
        stem = RESULTS / f"images-{args.images}"
        stem.with_suffix(".json").write_text(json.dumps(result, indent=2) + "\n")
        stem.with_suffix(".md").write_text(table + "\n")


if __name__ == "__main__":
    main()
