"""The Lambda zip's faster inflater: the pinned arm64 wheel, checked, or the stdlib, said."""

from __future__ import annotations

import hashlib
import importlib.util
import os
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from support import paths, terraform

REPO = paths.REPO_ROOT
SCRIPT = REPO / "scripts" / "package_lambda.py"
# The repository's own cache (gitignored): tests share it, so the wheel is fetched once.
SHARED_CACHE = REPO / "build" / "wheels"


def load_script() -> Any:
    """The packaging script as a module (it is a script, not part of the package)."""
    spec = importlib.util.spec_from_file_location("package_lambda", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


PIN = load_script().ISAL


def build(
    root: Path, output: Path, cache: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the packaging script as Terraform does, with a given wheel cache."""
    return subprocess.run(
        [sys.executable, str(root / "scripts" / "package_lambda.py"), "--output", str(output)]
        + ["--wheel-cache", str(cache)],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **(env or {})},
    )


# pip with no index and no configuration: what a build machine without network sees.
OFFLINE = {"PIP_CONFIG_FILE": os.devnull, "PIP_NO_INDEX": "1", "PIP_FIND_LINKS": ""}


@pytest.fixture
def module(tmp_path: Path) -> Path:
    return terraform.copy_module(tmp_path / "module")


def test_the_zip_ships_the_pinned_wheel_for_arm64(module: Path, tmp_path: Path) -> None:
    done = build(module, tmp_path / "a.zip", SHARED_CACHE)
    if "pip download failed" in done.stderr:
        pytest.skip(f"no cached wheel and no index to fetch it from: {done.stderr.strip()}")
    assert done.returncode == 0, done.stderr
    assert f"with {PIN.project} {PIN.version}" in done.stdout and not done.stderr
    wheel = SHARED_CACHE / PIN.filename
    assert hashlib.sha256(wheel.read_bytes()).hexdigest() == PIN.sha256
    with zipfile.ZipFile(wheel) as source:
        expected = {i.filename: source.read(i) for i in source.infolist() if not i.is_dir()}
    with zipfile.ZipFile(tmp_path / "a.zip") as archive:
        shipped = {i.filename: i for i in archive.infolist()}
        assert {name: archive.read(name) for name in expected} == expected
    # The modules inflate.py imports, built for the Lambda's runtime, and the licences.
    assert "isal/isal_zlib.cpython-313-aarch64-linux-gnu.so" in shipped
    assert {"isal/__init__.py", "isal/_version.py", "isal/isa-l/LICENSE"} <= set(shipped)
    assert any(name.endswith("licenses/LICENSE") for name in shipped)
    modes = {name: info.external_attr >> 16 for name, info in shipped.items()}
    assert {m for n, m in modes.items() if n.endswith(".so")} == {0o100755}
    assert {m for n, m in modes.items() if not n.endswith(".so")} == {0o100644}
    # Same wheel, same sources: the same bytes, whether the wheel was cached or fetched.
    again = build(module, tmp_path / "b.zip", SHARED_CACHE)
    assert again.returncode == 0 and "(cached)" in again.stdout
    assert (tmp_path / "a.zip").read_bytes() == (tmp_path / "b.zip").read_bytes()


def test_without_network_the_zip_builds_with_the_stdlib_and_says_so(
    module: Path, tmp_path: Path
) -> None:
    done = build(module, tmp_path / "a.zip", tmp_path / "empty-cache", OFFLINE)
    assert done.returncode == 0, done.stderr
    assert "pip download failed" in done.stderr
    assert "ships without it" in done.stderr and "standard library's zlib" in done.stderr
    assert "with no faster inflater" in done.stdout
    with zipfile.ZipFile(tmp_path / "a.zip") as archive:
        names = archive.namelist()
    assert "paramguard/inflate.py" in names and "paramguard/handler.py" in names
    assert not [name for name in names if not name.startswith("paramguard/")]


def test_a_cached_wheel_that_does_not_match_the_pin_is_not_shipped(
    module: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    forged = cache / PIN.filename
    with zipfile.ZipFile(forged, "w") as archive:
        archive.writestr("isal/__init__.py", "raise SystemExit('forged')\n")
    done = build(module, tmp_path / "a.zip", cache, OFFLINE)
    assert done.returncode == 0, done.stderr
    assert "ships without it" in done.stderr
    with zipfile.ZipFile(tmp_path / "a.zip") as archive:
        assert not [name for name in archive.namelist() if name.startswith("isal")]
    assert not forged.exists()


def test_a_downloaded_wheel_that_does_not_match_the_pin_fails_the_build(
    module: Path, tmp_path: Path
) -> None:
    # An index that serves a tampered copy under the pinned name (a find-links folder):
    # a valid wheel pip accepts, one module changed.
    real = SHARED_CACHE / PIN.filename
    if not real.is_file():
        pytest.skip("the pinned wheel is not cached (the first test fetches it)")
    index = tmp_path / "index"
    index.mkdir()
    with zipfile.ZipFile(real) as source, zipfile.ZipFile(index / PIN.filename, "w") as forged:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "isal/__init__.py":
                content += b"\nraise SystemExit('tampered')\n"
            forged.writestr(info, content)
    cache = tmp_path / "cache"
    done = build(module, tmp_path / "a.zip", cache, {**OFFLINE, "PIP_FIND_LINKS": str(index)})
    assert done.returncode == 1
    assert f"is not the pinned {PIN.sha256}; not shipped" in done.stderr
    assert not (tmp_path / "a.zip").exists() and not (cache / PIN.filename).exists()
