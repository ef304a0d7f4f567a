#!/usr/bin/env python3
"""Build the Lambda deployment zip reproducibly (standard library only).

The zip holds ``paramguard/*.py``, ``paramguard/py.typed`` and the default dictionary, stored
as a regular file under ``paramguard/default_dictionary.txt`` (in the repository it is a
symlink to ``dictionary/dictionary.txt``), plus the files of python-isal's wheel for the
function's runtime (python3.13 on arm64), pinned by version and SHA-256 below: the faster
inflater paramguard/inflate.py uses when it can import it. Entries are sorted and carry a
fixed timestamp and fixed permissions, so the same sources (and wheel) always give the same
bytes. Without the wheel (no network and nothing cached, or --without-isal) the zip still
builds, says so on standard error, and the function decompresses with the stdlib's zlib.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = Path("build") / "paramguard-lambda.zip"
_FIXED_DATE_TIME = (1980, 1, 1, 0, 0, 0)
_FILE_MODE = 0o100644  # regular file, rw-r--r--
_LIBRARY_MODE = 0o100755  # shared objects, as pip installs them


@dataclass(frozen=True)
class Wheel:
    """A pinned binary wheel for the function's runtime."""

    project: str
    version: str
    filename: str
    sha256: str


# The function's runtime is python3.13 on arm64 (function.tf). A changed pin changes this
# file, which is one of the package's sources (main.tf), so the zip is rebuilt and redeployed.
ISAL = Wheel(
    project="isal",
    version="1.9.1",
    filename="isal-1.9.1-cp313-cp313-manylinux2014_aarch64.manylinux_2_17_aarch64"
    ".manylinux_2_28_aarch64.whl",
    sha256="bfc756a47cf2bb08286ee9073a3b6b9227e1cb17c4988c2492ad550c68a4802b",
)
DEFAULT_WHEEL_CACHE = Path("build") / "wheels"
_DOWNLOAD_SECONDS = 120


class WheelError(Exception):
    """A wheel that does not match its pin: never shipped."""


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fetch_wheel(wheel: Wheel, cache: Path) -> tuple[Path | None, str]:
    """The pinned wheel from the cache, downloaded into it with pip if absent.

    Returns the wheel's path, or None and the reason it is not available (no pip, no network).
    Raises WheelError when a downloaded wheel's SHA-256 differs from the pin.
    """
    cached = cache / wheel.filename
    if cached.is_file():
        if _sha256(cached) == wheel.sha256:
            return cached, "cached"
        cached.unlink()  # a partial or replaced file: fetch it again, and check that
    cache.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--quiet",
        "--disable-pip-version-check",
        "--no-deps",
        "--only-binary=:all:",
        "--platform=manylinux2014_aarch64",
        "--python-version=3.13",
        "--implementation=cp",
        "--abi=cp313",
        "--retries=1",
        "--timeout=15",
        f"--dest={cache}",
        f"{wheel.project}=={wheel.version}",
    ]
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=_DOWNLOAD_SECONDS, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return None, f"pip download did not finish: {exc}"
    if done.returncode != 0 or not cached.is_file():
        lines = (done.stderr or done.stdout).strip().splitlines()
        reason = lines[-1] if lines else f"pip exited with {done.returncode}"
        return None, f"pip download failed: {reason}"
    digest = _sha256(cached)
    if digest != wheel.sha256:
        cached.unlink()
        raise WheelError(
            f"{wheel.filename}: sha256 {digest} is not the pinned {wheel.sha256}; not shipped"
        )
    return cached, "downloaded"


def wheel_entries(path: Path) -> dict[str, tuple[bytes, int]]:
    """Map each file of a wheel to its content and mode, as the zip will store them."""
    entries: dict[str, tuple[bytes, int]] = {}
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            if info.is_dir():
                continue
            name = PurePosixPath(info.filename)
            if name.is_absolute() or ".." in name.parts or name.parts[0] == "paramguard":
                raise WheelError(f"{path.name}: refusing the entry {info.filename!r}")
            mode = _LIBRARY_MODE if name.suffix == ".so" else _FILE_MODE
            entries[info.filename] = (archive.read(info), mode)
    return entries


def package_entries(root: Path) -> dict[str, Path]:
    """Map each archive name to the file whose content it stores."""
    package_dir = root / "function" / "paramguard"
    if not package_dir.is_dir():
        raise FileNotFoundError(f"{package_dir}: the function's package directory is missing")
    entries = {f"paramguard/{path.name}": path for path in package_dir.glob("*.py")}
    for name, path in (
        ("paramguard/py.typed", package_dir / "py.typed"),
        ("paramguard/default_dictionary.txt", root / "dictionary" / "dictionary.txt"),
    ):
        if not path.is_file():
            raise FileNotFoundError(f"{path}: needed in the zip as {name}")
        entries[name] = path
    if not any(name.endswith(".py") for name in entries):
        raise FileNotFoundError(f"{package_dir}: no Python modules to package")
    return entries


def build_zip(root: Path, output: Path, wheel: Path | None = None) -> str:
    """Write the zip to ``output`` (atomically) and return its SHA-256 in hex."""
    entries: dict[str, tuple[bytes, int]] = {
        name: (path.read_bytes(), _FILE_MODE) for name, path in package_entries(root).items()
    }
    if wheel is not None:
        entries.update(wheel_entries(wheel))
    output.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".paramguard-", suffix=".zip", dir=output.parent)
    try:
        with os.fdopen(fd, "wb") as raw, zipfile.ZipFile(raw, "w") as archive:
            for name in sorted(entries):
                content, mode = entries[name]
                info = zipfile.ZipInfo(name, date_time=_FIXED_DATE_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.create_system = 3  # Unix, so external_attr means file mode everywhere
                info.external_attr = mode << 16
                archive.writestr(info, content, compresslevel=9)
        os.chmod(tmp_name, 0o644)  # mkstemp creates 0600
        os.replace(tmp_name, output)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return hashlib.sha256(output.read_bytes()).hexdigest()


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point: build the zip and print its path and SHA-256."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--root", type=Path, default=REPO_ROOT, help="repository root (default: %(default)s)"
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=None,
        help=f"zip to write, relative to the current directory (default: <root>/{DEFAULT_OUTPUT})",
    )
    parser.add_argument(
        "--wheel-cache",
        type=Path,
        default=None,
        help="where the pinned wheel is kept and downloaded to "
        f"(default: <root>/{DEFAULT_WHEEL_CACHE})",
    )
    parser.add_argument(
        "--without-isal",
        action="store_true",
        help="build without python-isal: the function decompresses with the stdlib's zlib",
    )
    args = parser.parse_args(argv)
    output = args.output if args.output is not None else args.root / DEFAULT_OUTPUT
    cache = args.wheel_cache if args.wheel_cache is not None else args.root / DEFAULT_WHEEL_CACHE
    label = f"{ISAL.project} {ISAL.version}"
    try:
        wheel: Path | None = None
        if args.without_isal:
            how = "left out (--without-isal)"
        else:
            wheel, how = fetch_wheel(ISAL, cache)
        if wheel is None:
            print(
                f"package_lambda: {label} {how}; the zip ships without it and the function "
                "decompresses with the standard library's zlib (slower, same results)",
                file=sys.stderr,
            )
        digest = build_zip(args.root, output, wheel)
    except (FileNotFoundError, WheelError) as exc:
        print(f"package_lambda: {exc}", file=sys.stderr)
        return 1
    shipped = f"{label} ({how})" if wheel is not None else "no faster inflater"
    print(f"{output} sha256={digest} with {shipped}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
