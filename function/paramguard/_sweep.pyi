# The C module paramguard._sweep (_sweep.c), for mypy.
from array import array

_Buffer = bytes | bytearray | memoryview | array[int]

def find_tokens(
    data: _Buffer, needles: tuple[bytes, ...], max_count: int, /
) -> list[int] | None: ...
def residue(
    data: _Buffer, positions: _Buffer, marks: _Buffer, limit: int, max_depth: int, /
) -> bytes | None: ...
