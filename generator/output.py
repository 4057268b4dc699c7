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


def check_output_dir(site_root: Path, out: Path, force: bool = False) -> list[str]:
    """Refuse an output folder whose replacement could destroy the user's files.

    Return the files in it that Briefings did not write (only when `force` allows them):
    they are carried over into the new output, never deleted.
    """
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
    if not out.exists():
        return []
    if not out.is_dir():
        raise OutputError(f"{out} exists and is not a folder; remove it or choose another "
                          "output folder")
    foreign = foreign_files(out)
    if foreign and not force:
        shown = ", ".join(foreign[:3]) + (f" and {len(foreign) - 3} more" if len(foreign) > 3
                                          else "")
        raise OutputError(f"{out} holds files that Briefings did not write ({shown}); move "
                          "them away, choose another output folder, or pass --force to "
                          "publish there anyway (those files are kept)")
    return foreign


def written_before(out: Path) -> set[str]:
    """Return the files the previous build recorded in its manifest."""
    try:
        listed = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return set()
    return {item for item in listed if isinstance(item, str)} if isinstance(listed, list) \
        else set()


def foreign_files(out: Path) -> list[str]:
    """List the files under `out` that no manifest of ours accounts for."""
    ours = written_before(out) | {MANIFEST}
    return sorted(rel for rel in (p.relative_to(out).as_posix() for p in out.rglob("*")
                                  if p.is_file() or p.is_symlink()) if rel not in ours)


def _place(target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    return target


def _same(old: Path, data: bytes) -> bool:
    try:
        return old.stat().st_size == len(data) and old.read_bytes() == data
    except OSError:
        return False


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)  # unchanged bytes keep their inode and mtime
    except OSError:
        shutil.copy2(source, target)


def publish(outputs: Iterable[Output], copies: Iterable[tuple[str, Path]], out: Path,
            keep: Iterable[str] = ()) -> int:
    """Write every file into a staging folder, then swap it in place of `out`.

    Files whose bytes did not change are hard-linked from the old output, so their mtime
    stays and deploys by rsync or to object storage upload only what changed.
    """
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
        for rel in keep:
            _link_or_copy(out / rel, _place(staging / rel))
        for item in outputs:
            target, old = _place(staging / item.path), out / item.path
            if target.exists():
                target.unlink()  # ours wins over a kept file of the same name
            if _same(old, item.data):
                _link_or_copy(old, target)
            else:
                target.write_bytes(item.data)
            written.append(item.path)
        for path, source in copies:
            target, old = _place(staging / path), out / path
            if _same(old, source.read_bytes()):
                _link_or_copy(old, target)
            else:
                shutil.copyfile(source, target)
            written.append(path)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise OutputError(f"cannot write {exc.filename or staging}: {exc.strerror}; "
                          "the previous output is unchanged") from None
    except BaseException:  # Ctrl-C or SIGTERM: leave no half-built folder behind
        shutil.rmtree(staging, ignore_errors=True)
        raise
    manifest = json.dumps(sorted(written), ensure_ascii=False, indent=0)
    (staging / MANIFEST).write_text(manifest + "\n", encoding="utf-8")
    # Two renames: the old site stays whole until the new one is complete.
    if out.exists():
        os.replace(out, retired)
    os.replace(staging, out)
    if retired.exists():
        shutil.rmtree(retired)
    return len(written)
