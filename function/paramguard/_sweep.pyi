# The C module paramguard._sweep (_sweep.c), for mypy.
from array import array

_Buffer = bytes | bytearray | memoryview | array[int]

def find_tokens(
    data: _Buffer, needles: tuple[bytes, ...], max_count: int, /
) -> list[int] | None: ...
def structure(
    data: _Buffer,
    needles: tuple[bytes, ...],
    array_start: int,
    array_end: int,
    limit: int,
    max_depth: int,
    max_tokens: int,
    /,
) -> tuple[bytes, bytes, bool | None] | None: ...
