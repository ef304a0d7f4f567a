"""The deflate implementation: ISA-L's (python-isal) where it is installed, else the stdlib's.

Both are driven through the same zlib-style streaming interface (decompressobj, max_length,
unconsumed_tail, unused_data), so the decompressed-size cap and the multi-member handling in
logfile.decompress are one code path whichever is used. The Lambda package ships the arm64
wheel of python-isal (scripts/package_lambda.py); a package built without it, or a command
line installed without the `fast` extra, uses zlib.
"""

from __future__ import annotations

import importlib
import zlib

from .plain import Frozen

TYPE_CHECKING = False  # typing is for mypy only (start-up; see docs/performance.md)
if TYPE_CHECKING:
    from typing import Protocol

    class Decoder(Protocol):
        """What logfile.decompress needs of a decompressobj."""

        @property
        def eof(self) -> bool: ...
        @property
        def unused_data(self) -> bytes: ...
        @property
        def unconsumed_tail(self) -> bytes: ...
        def decompress(self, data: bytes | memoryview, max_length: int = 0, /) -> bytes: ...

    class _Module(Protocol):
        """A zlib-compatible module."""

        def decompressobj(self, wbits: int = ...) -> Decoder: ...


class Inflater(Frozen):
    """One deflate implementation, named as the logs and the benchmark name it."""

    __slots__ = ("name", "version", "module", "errors", "grows_in_place")
    name: str  # "isal" or "zlib"
    version: str
    module: _Module
    errors: tuple[type[Exception], ...]  # what it raises for a corrupt stream
    # Whether one decompress call bounded by max_length grows its output in place (peak memory
    # about the output's size). zlib's gathers blocks and joins them at the end, briefly
    # twice the output; ISA-L's grows one buffer (measured on 286 MB: 295 MB peak against 581).
    grows_in_place: bool

    def __init__(
        self,
        name: str,
        version: str,
        module: _Module,
        errors: tuple[type[Exception], ...],
        grows_in_place: bool = False,
    ) -> None:
        _set = object.__setattr__
        _set(self, "name", name)
        _set(self, "version", version)
        _set(self, "module", module)
        _set(self, "errors", errors)
        _set(self, "grows_in_place", grows_in_place)

    def decoder(self) -> Decoder:
        """A streaming decoder that reads gzip or zlib (auto-detected, as wbits=47 says)."""
        return self.module.decompressobj(wbits=47)


STDLIB = Inflater("zlib", zlib.ZLIB_RUNTIME_VERSION, zlib, (zlib.error,), grows_in_place=False)
# Measured on a 50 MB log (docs/performance.md): ISA-L inflates about twice as fast as zlib.
# zlib-ng was measured too and is slower than ISA-L on the same input.
KNOWN = ("isal", "zlib")


def load(name: str) -> Inflater | None:
    """The named inflater, or None when its library is not installed."""
    if name == "zlib":
        return STDLIB
    if name != "isal":
        raise ValueError(f"unknown inflater {name!r} (known: {', '.join(KNOWN)})")
    try:
        isal = importlib.import_module("isal")
        isal_zlib = importlib.import_module("isal.isal_zlib")
    except ImportError:
        return None
    error: type[Exception] = isal_zlib.error
    return Inflater(
        "isal", str(isal.__version__), isal_zlib, (error, zlib.error), grows_in_place=True
    )


def available() -> list[Inflater]:
    """The installed inflaters, fastest first (zlib is always there)."""
    return [found for found in map(load, KNOWN) if found is not None]


# Chosen once per process (a Lambda cold start, a command-line run). Tests swap it to run the
# same cases through each implementation.
selected: Inflater = available()[0]


def describe() -> str:
    """The selected inflater as logs name it, saying why when it is the stdlib fallback."""
    text = f"{selected.name} {selected.version}"
    if selected is STDLIB and load("isal") is None:
        text += " (stdlib fallback: python-isal is not installed)"
    return text
