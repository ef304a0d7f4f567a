"""paramguard: catches secrets written to SSM Parameter Store in plain text."""

from __future__ import annotations

_UNKNOWN = "0+unknown"


def version() -> str:
    """The version: pyproject.toml's, as installed (importlib.metadata) or in a checkout.

    Looked up on demand, not at import: the Lambda imports this package on every cold start,
    and the command line asks only for --version and SARIF output (importlib.metadata and
    pathlib cost more than the rest of a small scan's start-up).
    """
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed
    from pathlib import Path

    try:
        return installed("paramguard")
    except PackageNotFoundError:  # run from a checkout (PYTHONPATH=function), not installed
        pass
    pyproject = Path(__file__).resolve().parent.parent.parent / "pyproject.toml"
    try:
        import tomllib

        project = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("project", {})
    except (OSError, ValueError):
        return _UNKNOWN
    found = project.get("version") if isinstance(project, dict) else None
    return found if isinstance(found, str) and found else _UNKNOWN


def __getattr__(name: str) -> str:
    if name == "__version__":
        return version()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
