"""Publish the built files: staged beside the old output, swapped in when complete."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterable
from pathlib import Path

from generator.errors import OutputError
from generator.model import Output

MANIFEST = ".briefings-manifest.json"


def check_output_dir(site_root: Path, out: Path, force: bool = False) -> None:
    """Refuse an output folder whose replacement could destroy the user's files."""
    site_root, out = site_root.resolve(), out.resolve()
    home = Path.home().resolve()
    precious = [site_root / "content", site_root / "themes", site_root / "site.yaml"]
    if out == Path(out.anchor) or out == home:
        raise OutputError(f"refusing to publish into {out}: choose a dedicated folder "
                          "such as public/")
    if out == site_root or site_root.is_relative_to(out):
        raise OutputError(f"refusing to publish into {out}: it contains the site itself; "
                          "choose a folder inside it such as public/")
    for item in precious:
        if out == item or out.is_relative_to(item):
            raise OutputError(f"refusing to publish into {out}: it is inside {item.name}; "
                              "choose a folder such as public/")
    if force or not out.exists():
        return
    if not out.is_dir():
        raise OutputError(f"{out} exists and is not a folder; remove it or choose another "
                          "output folder")
    if any(out.iterdir()) and not (out / MANIFEST).is_file():
        raise OutputError(f"{out} holds files that Briefings did not write; empty it, choose "
                          "another output folder, or pass --force to replace it")


def _place(target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    return target


def publish(outputs: Iterable[Output], copies: Iterable[tuple[str, Path]], out: Path) -> int:
    """Write every file into a staging folder, then swap it in place of `out`."""
    out = out.resolve()
    staging = out.with_name(f".{out.name}.staging")
    retired = out.with_name(f".{out.name}.old")
    if retired.exists() and not out.exists():
        os.replace(retired, out)  # a build killed between the two renames below
    for leftover in (staging, retired):
        if leftover.exists():
            shutil.rmtree(leftover)
    staging.mkdir(parents=True)
    written: list[str] = []
    try:
        for item in outputs:
            _place(staging / item.path).write_bytes(item.data)
            written.append(item.path)
        for path, source in copies:
            shutil.copyfile(source, _place(staging / path))
            written.append(path)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise OutputError(f"cannot write {exc.filename or staging}: {exc.strerror}; "
                          "the previous output is unchanged") from None
    manifest = json.dumps(sorted(written), ensure_ascii=False, indent=0)
    (staging / MANIFEST).write_text(manifest + "\n", encoding="utf-8")
    # Two renames: the old site stays whole until the new one is complete.
    if out.exists():
        os.replace(out, retired)
    os.replace(staging, out)
    if retired.exists():
        shutil.rmtree(retired)
    return len(written)
