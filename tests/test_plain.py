"""The scan path's value classes (paramguard.plain) behave as the dataclasses they replace."""

from __future__ import annotations

import copy
import pickle

import pytest
from paramguard.cli import ScanReport
from paramguard.finding import Candidate, Finding
from paramguard.matcher import Dictionary, Match, load_default
from paramguard.parallel import LocalFile, Outcome
from paramguard.plain import Frozen, FrozenError, Record


def finding(name: str = "/prod/db/password") -> Finding:
    return Finding(name, "String", "password", 1, "f.json.gz", "cloudtrail", "request")


def test_records_compare_by_fields_in_order_and_are_not_hashable() -> None:
    assert finding() == finding()
    assert finding() != finding("/prod/other/password")
    assert finding() != ("/prod/db/password",)  # not equal to a tuple of its values
    with pytest.raises(TypeError):
        hash(finding())
    shown = repr(finding())
    assert shown.startswith("Finding(parameter_name='/prod/db/password', parameter_type='String'")


def test_frozen_values_hash_by_fields_and_refuse_changes() -> None:
    assert hash(Match("pwd", 3)) == hash(Match("pwd", 3))
    assert len({Match("pwd", 3), Match("pwd", 3), Match("pwd", 4)}) == 2
    with pytest.raises(FrozenError):
        Match("pwd", 3).line = 4
    with pytest.raises(AttributeError):
        del Match("pwd", 3).entry
    with pytest.raises(AttributeError):  # __slots__: no new attributes either
        object.__setattr__(Match("pwd", 3), "other", 1)


def test_replace_copies_with_changes_and_leaves_the_original() -> None:
    original = finding()
    changed = original.replace(parameter_type="StringList", notes=["n"])
    assert changed.parameter_type == "StringList" and changed.notes == ["n"]
    assert original.parameter_type == "String" and original.notes == []
    with pytest.raises(TypeError, match="no field no_such_field"):
        original.replace(no_such_field=1)
    # Whatever the class's __init__ takes (here, nothing).
    report = ScanReport()
    assert report.replace(files=3).files == 3 and report.files == 0
    frozen = Match("pwd", 3)
    assert frozen.replace(line=4) == Match("pwd", 4) and frozen.line == 3


def test_values_cross_to_worker_processes_and_copy() -> None:
    # The process pool pickles tasks and outcomes; a Frozen value rebuilds through __init__.
    dictionary = load_default()
    items: list[Record] = [
        finding(),
        Candidate(finding(), needs_type_lookup=True),
        LocalFile("/tmp/x.json.gz", "x.json.gz", walked=True),
        Outcome("x", read=True, findings=[finding()]),
        Dictionary.parse("password\n!password_policy\nre:^/legacy/.*cred\n")[0],
    ]
    for item in items:
        for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
            assert pickle.loads(pickle.dumps(item, protocol)) == item
        assert copy.deepcopy(item) == item
        assert copy.copy(item) == item
    again = pickle.loads(pickle.dumps(dictionary))
    assert again.match("/prod/db/password") == dictionary.match("/prod/db/password") is not None


def test_subclasses_list_their_fields() -> None:
    class Pair(Frozen):
        __slots__ = ("left", "right", "__dict__")
        _not_compared = ("right",)

        def __init__(self, left: int, right: int) -> None:
            object.__setattr__(self, "left", left)
            object.__setattr__(self, "right", right)

    assert Pair.fields() == ("left", "right")
    assert Pair(1, 2) == Pair(1, 3) and hash(Pair(1, 2)) == hash(Pair(1, 3))
    assert Pair(1, 2) != Pair(2, 2)
