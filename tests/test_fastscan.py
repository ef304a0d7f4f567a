"""The fast path against a full parse: same findings, same refusals, on adversarial logs."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest
from paramguard.cloudtrail import (
    LogFormatError,
    check_shape,
    evaluate_record,
    parse_records,
    scan_document,
)
from paramguard.fastscan import candidate_records
from paramguard.matcher import load_default

from .builders import put_parameter

DICTIONARY = load_default()
NAMES = ["/prod/db/password", "/app/log_level", "/x/api_key", "/pä/秘密/token", 'a"b\\c/secret']
NOISE = [
    "not authorized to perform: ssm:PutParameter",
    '{"eventName":"PutParameter"}',
    '\\"eventName\\": \\"PutParameter\\"',
    "PutParameter",
    "}]},{[",
    "ünïcödé ✓",
]


def reference(data: bytes) -> list[dict[str, Any]]:
    """The straightforward full parse, with the needle prefilter scan_document always had."""
    if b"PutParameter" not in data:
        check_shape(data)
        return []
    found = []
    for record in parse_records(data):
        candidate = evaluate_record(record, DICTIONARY, "t")
        if candidate is not None:
            found.append(candidate.finding.to_dict())
    return found


def outcome(function: Any, data: bytes) -> Any:
    try:
        return function(data)
    except LogFormatError:
        return "LogFormatError"


def fast(data: bytes) -> list[dict[str, Any]]:
    scan = scan_document(data, DICTIONARY, "t")
    return [c.finding.to_dict() for c in scan.candidates]


def random_record(rnd: random.Random, depth: int = 0) -> Any:
    kind = rnd.random()
    if kind < 0.08 and depth == 0:
        return rnd.choice([None, 42, "PutParameter", [], ["PutParameter"], True])
    record = put_parameter(
        rnd.choice(NAMES),
        rnd.choice(["String", "SecureString", "StringList", None]),
        error_code=rnd.choice([None, None, None, "AccessDenied"]),
        event_id=f"id-{rnd.random()}",
    )
    if rnd.random() < 0.4:
        record["eventName"] = rnd.choice(["GetParameter", "PutParameters", "DescribeParameters"])
    if rnd.random() < 0.3:
        record["userAgent"] = rnd.choice(NOISE)
    if rnd.random() < 0.2:
        record["errorMessage"] = rnd.choice(NOISE)
    if depth < 2 and rnd.random() < 0.25:
        where = rnd.choice(["requestParameters", "additionalEventData", "resources"])
        nested = random_record(rnd, depth + 1)
        if where == "resources":
            record[where] = [nested, {"Records": [random_record(rnd, depth + 1)]}]
        else:
            record[where] = {"inner": nested, "doc": json.dumps(nested)}
    if rnd.random() < 0.1:
        record["eventName"] = "PutParameter"
        record["eventName"] = record.pop("eventName")  # moves the key last
    keys = list(record)
    rnd.shuffle(keys)
    return {key: record[key] for key in keys}


def random_document(rnd: random.Random) -> bytes:
    records = [random_record(rnd) for _ in range(rnd.randint(0, 12))]
    style = rnd.random()
    if style < 0.5:
        text = json.dumps({"Records": records}, separators=(",", ":"))
    elif style < 0.7:
        indent: int | str = rnd.choice([1, 2, 4]) if rnd.random() < 0.7 else "\t"
        text = json.dumps({"Records": records}, indent=indent)
    elif style < 0.85:
        text = json.dumps({"Records": records}, ensure_ascii=rnd.random() < 0.5)
    else:
        extra = rnd.choice([', "x": 1', ', "Records": []', ', "Records": 5', ', "y": {"a": [1]}'])
        body = json.dumps(records)
        text = rnd.choice(['{"Records": %s%s}', '{"z": 0, "Records": %s%s}']) % (body, extra)
    return text.encode()


def damage(rnd: random.Random, data: bytes) -> bytes:
    """A malformed variant of a document, of the kinds a broken delivery produces."""
    cut = rnd.randrange(1, max(2, len(data)))
    return rnd.choice(
        [
            data[:cut],
            data[:cut] + b"]}",
            data + b"]}",
            data.replace(b"{", b"[", 1),
            data[:cut] + b"\xff" + data[cut:],
            data.replace(b'"PutParameter"', b'"PutParameter', 1),
            data.replace(b"}", b"", 1),
            b"[" + data + b"]",
        ]
    )


@pytest.mark.parametrize("seed", range(400))
def test_fast_path_reports_what_a_full_parse_reports(seed: int) -> None:
    rnd = random.Random(seed)
    data = random_document(rnd)
    assert outcome(fast, data) == outcome(reference, data)


@pytest.mark.parametrize("seed", range(200))
def test_malformed_documents_are_refused_alike(seed: int) -> None:
    rnd = random.Random(10_000 + seed)
    records = [random_record(rnd) for _ in range(rnd.randint(1, 6))]
    records.append(put_parameter("/prod/db/password"))
    data = damage(rnd, json.dumps({"Records": records}).encode())
    assert outcome(fast, data) == outcome(reference, data)


def test_nested_look_alikes_are_not_records() -> None:
    inner = put_parameter("/prod/db/password")
    outer = put_parameter("/app/log_level")
    outer["requestParameters"]["nested"] = {"Records": [inner]}
    outer["resources"] = [inner, inner]
    data = json.dumps({"Records": [outer, {"x": [inner]}]}).encode()
    assert fast(data) == reference(data) == []
    assert candidate_records(data) is None  # proof fails, so the full parse decides


def test_real_records_are_found_without_a_full_parse() -> None:
    records = [put_parameter("/prod/db/password"), put_parameter("/a/b", "SecureString")]
    data = json.dumps({"Records": records}, separators=(",", ":")).encode()
    assert candidate_records(data) == records
    scan = scan_document(data, DICTIONARY, "t")
    assert not scan.parsed and len(scan.candidates) == 1


def test_escaped_letters_fall_back_to_the_full_parse() -> None:
    data = json.dumps({"Records": [put_parameter("/prod/db/password")]}).encode()
    data = data.replace(b'"PutParameter"', b'"Put\\u0050arameter"') + b" "
    data = data.replace(b'"userAgent": "', b'"userAgent": "PutParameter ')
    assert candidate_records(data) is None
    assert len(fast(data)) == 1


def test_a_look_alike_in_a_second_root_array_is_not_a_record() -> None:
    real = put_parameter("/app/log_level")
    look_alike = put_parameter("/prod/db/password")
    for other in ([look_alike], [{"x": 1}, look_alike]):
        data = json.dumps({"Records": [real], "Other": other}).encode()
        assert candidate_records(data) is None
        assert fast(data) == reference(data) == []


def test_control_bytes_in_the_document_fail_the_proof() -> None:
    record = put_parameter("/prod/db/password")
    data = json.dumps({"Records": [record]}).encode().replace(b"aws-cli", b"aws\x00cli")
    assert candidate_records(data) is None
    assert outcome(fast, data) == outcome(reference, data) == "LogFormatError"


def test_crafted_bracket_strings_can_add_a_finding_never_hide_one() -> None:
    # Documented limit: strings made of brackets that exactly cancel the nesting around a
    # look-alike object fool the skeleton. The result is one spurious finding; the real
    # record is still reported.
    real = put_parameter("/prod/api/token")
    look_alike = put_parameter("/prod/db/password")
    host = put_parameter("/app/log_level")
    host["userAgent"] = "}"
    host["resources"] = ["]", {"x": 1}, look_alike, "["]
    host["errorMessage"] = "{"
    data = json.dumps({"Records": [real, host]}).encode()
    full = [f["parameter_name"] for f in reference(data)]
    quick = [f["parameter_name"] for f in fast(data)]
    assert full == ["/prod/api/token"]
    assert quick == ["/prod/api/token", "/prod/db/password"]
