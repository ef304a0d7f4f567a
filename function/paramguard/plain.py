"""Value classes for the scan path, without the dataclasses module.

`paramguard scan` of one small file spends most of its time starting up, and importing
dataclasses (which imports inspect, ast, dis and tokenize) then building each class with
it cost about as much as everything else it imports: about 7 ms for the import and 0.5 to
1 ms a class, for some 25 classes on the scan path (docs/performance.md). The classes on
that path declare their fields in __slots__ and set them in an ordinary __init__ (its
parameters named as the fields); these bases give them what dataclass gave: equality,
repr, replace(), and for Frozen ones immutability and a hash. Classes off the scan path
(the configuration, the inventory, the iac rules) stay dataclasses.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing is for mypy only (start-up; see docs/performance.md)
if TYPE_CHECKING:
    from typing import Any, TypeVar

    _R = TypeVar("_R", bound="Record")


class FrozenError(AttributeError):
    """Raised on setting or deleting a field of a Frozen value."""


class Record:
    """Fields in __slots__ (in order), set by the subclass's __init__: equality compares them
    in that order (except those named in _not_compared), repr shows them. Mutable, so
    unhashable (defining __eq__ alone makes __hash__ None), as a dataclass with eq and not
    frozen is."""

    __slots__ = ()
    _not_compared: tuple[str, ...] = ()
    _fields: tuple[str, ...] = ()

    def __init_subclass__(cls) -> None:
        super().__init_subclass__()
        slots: tuple[str, ...] = cls.__dict__.get("__slots__", ())
        cls._fields = tuple(name for name in slots if name != "__dict__")

    @classmethod
    def fields(cls) -> tuple[str, ...]:
        """The field names, in order (the class's own __slots__ without __dict__)."""
        return cls._fields

    def _compared(self) -> tuple[Any, ...]:
        skip = self._not_compared
        return tuple(getattr(self, name) for name in self.fields() if name not in skip)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, Record)
        return self._compared() == other._compared()

    def __repr__(self) -> str:
        shown = ", ".join(
            f"{name}={getattr(self, name)!r}" for name in self.fields() if not name.startswith("_")
        )
        return f"{type(self).__qualname__}({shown})"

    def replace(self: _R, **changes: Any) -> _R:
        """A copy with some fields changed (dataclasses.replace)."""
        fields = self.fields()
        unknown = set(changes) - set(fields)
        if unknown:
            raise TypeError(f"{type(self).__name__} has no field {', '.join(sorted(unknown))}")
        return _rebuilt(type(self), tuple(changes.get(n, getattr(self, n)) for n in fields))

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickled (for the worker processes, any protocol) and copied field by field, without
        # __init__ (whose parameters need not be the fields) and past a Frozen's __setattr__.
        return _rebuilt, (type(self), tuple(getattr(self, name) for name in self.fields()))


def _rebuilt(cls: type[_R], values: tuple[Any, ...]) -> _R:
    """An instance of cls holding values, field by field (replace and unpickling)."""
    item = object.__new__(cls)
    for name, value in zip(cls.fields(), values, strict=True):
        object.__setattr__(item, name, value)
    return item


class Frozen(Record):
    """A Record that cannot change once built, and hashes by its compared fields. Its
    __init__ sets each field once with object.__setattr__."""

    __slots__ = ()

    def __hash__(self) -> int:
        return hash(self._compared())

    def __setattr__(self, name: str, value: object) -> None:
        raise FrozenError(f"cannot assign to field {name!r} of a {type(self).__name__}")

    def __delattr__(self, name: str) -> None:
        raise FrozenError(f"cannot delete field {name!r} of a {type(self).__name__}")
