#!/usr/bin/env python3
"""Build the Lambda deployment zip reproducibly (standard library only).

The zip holds ``paramguard/*.py``, ``paramguard/py.typed`` and the default dictionary, stored
as a regular file under ``paramguard/default_dictionary.txt`` (in the repository it is a
symlink to ``dictionary/dictionary.txt``). Entries are sorted and carry a fixed timestamp and
fixed permissions, so the same sources always give the same bytes.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import tempfile
import zipfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = Path("build") / "paramguard-lambda.zip"
_FIXED_DATE_TIME = (1980, 1, 1, 0, 0, 0)
_FILE_MODE = 0o100644  # regular file, rw-r--r--


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


def build_zip(root: Path, output: Path) -> str:
    """Write the zip to ``output`` (atomically) and return its SHA-256 in hex."""
    entries = package_entries(root)
    output.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".paramguard-", suffix=".zip", dir=output.parent)
    try:
        with os.fdopen(fd, "wb") as raw, zipfile.ZipFile(raw, "w") as archive:
            for name in sorted(entries):
                info = zipfile.ZipInfo(name, date_time=_FIXED_DATE_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.create_system = 3  # Unix, so external_attr means file mode everywhere
                info.external_attr = _FILE_MODE << 16
                archive.writestr(info, entries[name].read_bytes(), compresslevel=9)
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
    args = parser.parse_args(argv)
    output = args.output if args.output is not None else args.root / DEFAULT_OUTPUT
    try:
        digest = build_zip(args.root, output)
    except FileNotFoundError as exc:
        print(f"package_lambda: {exc}", file=sys.stderr)
        return 1
    print(f"{output} sha256={digest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
