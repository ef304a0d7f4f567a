"""The CloudTrail log-file format: key layouts, decompression, documents (no AWS)."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import tracemalloc
import zlib
from pathlib import Path

import pytest
from paramguard import inflate
from paramguard.logfile import (
    LogFormatError,
    LogTooLargeError,
    classify_key,
    decompress,
    parse_records,
    scan_document,
)
from paramguard.matcher import load_default

from support.builders import load_event, log_document, put_parameter

DICTIONARY = load_default()


@pytest.mark.parametrize(
    "sample",
    [
        "awsdocs_ctguide_ec2_StartInstances.json",
        "awsdocs_ctguide_iam_CreateUser.json",
        "awsdocs_ctguide_cloudtrail_UpdateTrail_error.json",
    ],
)
def test_real_log_documents_scan_clean(sample: str) -> None:
    document = json.dumps(load_event(sample)).encode()
    scan = scan_document(document, DICTIONARY, sample)
    assert scan.size == len(document) and not scan.parsed and not scan.candidates


@pytest.mark.parametrize(
    ("key", "kind", "account", "region", "org"),
    [
        (
            "AWSLogs/123456789012/CloudTrail/eu-west-1/2026/11/20/"
            "123456789012_CloudTrail_eu-west-1_20261120T1015Z_abc.json.gz",
            "log",
            "123456789012",
            "eu-west-1",
            None,
        ),
        (
            "AWSLogs/o-exampleorgid/111122223333/CloudTrail/us-east-2/2026/11/20/"
            "111122223333_CloudTrail_us-east-2_20261120T1015Z_abc.json.gz",
            "log",
            "111122223333",
            "us-east-2",
            "o-exampleorgid",
        ),
        (
            "my-prefix/AWSLogs/123456789012/CloudTrail/us-east-1/2026/11/20/x.json.gz",
            "log",
            "123456789012",
            "us-east-1",
            None,
        ),
        (
            "AWSLogs/111122223333/CloudTrail-Digest/us-east-2/2015/08/17/"
            "111122223333_CloudTrail-Digest_us-east-2_t_us-east-2_20150817T212715Z.json.gz",
            "digest",
            "111122223333",
            "us-east-2",
            None,
        ),
        ("AWSLogs/123456789012/CloudTrail/us-east-1/x.txt", "other", None, None, None),
        ("AWSLogs/123456789012/elasticloadbalancing/x.json.gz", "other", None, None, None),
        ("HappyFace.jpg", "other", None, None, None),
    ],
)
def test_classify_key(
    key: str, kind: str, account: str | None, region: str | None, org: str | None
) -> None:
    info = classify_key(key)
    assert (info.kind, info.account_id, info.region, info.organization_id) == (
        kind,
        account,
        region,
        org,
    )


def test_decompress_gzip_plain_and_concatenated_members(inflater: inflate.Inflater) -> None:
    document = log_document([put_parameter("/a/password")])
    assert decompress(gzip.compress(document), 10**7) == document
    assert decompress(document, 10**7) == document
    half = len(document) // 2
    joined = gzip.compress(document[:half]) + gzip.compress(document[half:])
    assert decompress(joined, 10**7) == document


def test_decompress_refuses_truncated_and_not_gzip(inflater: inflate.Inflater) -> None:
    with pytest.raises(LogFormatError, match="truncated"):
        decompress(gzip.compress(b'{"Records": []}' * 100)[:-12], 10**7)
    with pytest.raises(LogFormatError, match="not a valid gzip"):
        decompress(b"this is not gzip at all", 10**7, gzipped=True)


def test_decompress_stops_a_gzip_bomb_early(inflater: inflate.Inflater) -> None:
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = b"\0" * (1024 * 1024)
    bomb = b"".join(compressor.compress(block) for _ in range(64)) + compressor.flush()
    assert len(bomb) < 200_000
    limit = 8 * 1024 * 1024
    tracemalloc.start()
    try:
        with pytest.raises(LogTooLargeError, match="decompressed limit"):
            decompress(bomb, limit)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # The 64 MiB it would expand to are never held: the limit, one step's chunk, the input.
    assert peak < limit + (3 << 20)


@pytest.mark.parametrize("name", inflate.KNOWN)
@pytest.mark.parametrize("tail", ["padding", "member"])
def test_a_member_past_one_step_then_padding_or_another_is_read(name: str, tail: str) -> None:
    # 3 MB that gzip to 3 KB: past one step's 1 MiB of output, the member ends inside the
    # input step, with NUL padding or a second member behind it. zlib left those bytes in
    # unconsumed_tail as well as in unused_data, and the steps fed them again forever: run
    # in a child with a timeout, so that a regression fails here instead of hanging.
    script = (
        "import gzip, sys\n"
        "from paramguard import inflate, logfile\n"
        f"chosen = inflate.load({name!r})\n"
        "if chosen is None:\n"
        "    sys.exit(3)\n"
        "body = b'x' * 3_000_000\n"
        f"tail = b'\\0' * 10 if {tail!r} == 'padding' else gzip.compress(b'y' * 10)\n"
        "want = body if tail.startswith(b'\\0') else body + b'y' * 10\n"
        "got = logfile.decompress(gzip.compress(body) + tail, 64 << 20, inflater=chosen)\n"
        "sys.exit(0 if got == want else 1)\n"
    )
    env = dict(os.environ, PYTHONPATH=str(Path(inflate.__file__).parents[1]))
    done = subprocess.run([sys.executable, "-c", script], env=env, timeout=60, check=False)
    if done.returncode == 3:
        pytest.skip(f"{name} is not installed")
    assert done.returncode == 0


def test_an_empty_gzip_object_is_empty_whichever_inflater(inflater: inflate.Inflater) -> None:
    assert decompress(b"", 100, gzipped=True) == b""


def test_a_member_that_ends_exactly_at_the_limit_is_read(inflater: inflate.Inflater) -> None:
    document = log_document([put_parameter("/a/password")])
    packed = gzip.compress(document) + gzip.compress(document)
    assert decompress(packed, 2 * len(document)) == document * 2
    with pytest.raises(LogTooLargeError):
        decompress(packed, 2 * len(document) - 1)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"[]", "not a JSON object"),
        (b'{"Records": {}}', "no 'Records' list"),
        (b'{"logFiles": []}', "no 'Records'"),
        ('{"Records": []}'.encode("utf-16"), "not"),
        (b'{"Records": [{"eventName": "PutParameter"', "not valid JSON"),
        (b'{"Records": ["\xff PutParameter"]}', "not UTF-8"),
    ],
)
def test_documents_that_are_not_logs_are_refused(data: bytes, message: str) -> None:
    with pytest.raises(LogFormatError, match=message):
        scan_document(data, DICTIONARY, "x")


def test_parse_records_refuses_deep_nesting() -> None:
    deep = b'{"Records": [' + b"[" * 100_000 + b"]" * 100_000 + b"]}"
    with pytest.raises(LogFormatError):
        parse_records(deep.replace(b"[[", b'["PutParameter",[', 1), lambda record: record)


def test_decompress_many_members_and_nul_padding(inflater: inflate.Inflater) -> None:
    document = log_document([put_parameter("/a/password")])
    members = b"".join(gzip.compress(document[i : i + 7]) for i in range(0, len(document), 7))
    padded = members + b"\x00" * 1000
    assert decompress(padded, 10**7) == document


@pytest.mark.parametrize("reserved", [0x20, 0x40, 0x80])
def test_a_gzip_header_with_reserved_flags_is_refused(
    inflater: inflate.Inflater, reserved: int
) -> None:
    # zlib refuses it and ISA-L would read it: one answer whichever inflater is installed.
    packed = bytearray(gzip.compress(log_document([put_parameter("/a/password")])))
    packed[3] |= reserved
    with pytest.raises(LogFormatError, match="reserved header flags"):
        decompress(bytes(packed), 10**7)
