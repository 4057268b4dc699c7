"""The wheel carries the default theme, so a bare folder of Markdown builds after pip install."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

from tests.conftest import NOW_EPOCH, REPO, write_files


def unpacked_wheel(tmp_path: Path) -> tuple[Path, list[str]]:
    """Build the wheel and unpack it as pip would install it; return where, and its files."""
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(wheels), str(REPO)], check=True)
    (wheel,) = wheels.glob("briefings-*.whl")
    unpacked = tmp_path / "installed"
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        archive.extractall(unpacked)
    return unpacked, names


def test_wheel_ships_the_default_theme_and_builds_a_bare_site(tmp_path: Path) -> None:
    unpacked, names = unpacked_wheel(tmp_path)
    assert "generator/themes/default/templates/base.html" in names
    assert "generator/themes/default/static/style.css" in names
    assert any(n.endswith("entry_points.txt") for n in names)
    site = tmp_path / "site"
    write_files(site, {
        "site.yaml": "title: Bare\nbase_url: https://bare.example/\n",
        "content/articles/a.md": "---\ntitle: A\ndate: 2025-03-04\n---\nText.\n",
    })
    # Only the unpacked wheel is importable: no checkout to fall back on.
    env = {**os.environ, "PYTHONPATH": str(unpacked)}
    proc = subprocess.run([sys.executable, "-P", "-m", "generator", "build"], cwd=site, env=env,
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    probe = subprocess.run([sys.executable, "-P", "-c",
                            "import generator; print(generator.__file__)"],
                           cwd=site, env=env, capture_output=True, text=True, check=True)
    assert probe.stdout.startswith(str(unpacked))
    assert (site / "public/articles/a/index.html").is_file()


def test_an_installed_copy_carries_the_starter_files(tmp_path: Path) -> None:
    unpacked, _ = unpacked_wheel(tmp_path)
    # Only the unpacked wheel is importable: no checkout to fall back on.
    env = {**os.environ, "PYTHONPATH": str(unpacked), "SOURCE_DATE_EPOCH": NOW_EPOCH}
    for language in ("en", "ko"):
        site = tmp_path / language
        for args in (["init", str(site), "--language", language], ["build", "--site", str(site)]):
            proc = subprocess.run([sys.executable, "-P", "-m", "generator", *args], env=env,
                                  capture_output=True, text=True, check=False)
            assert proc.returncode == 0, proc.stderr
        assert (site / "public/articles/welcome/index.html").is_file()
