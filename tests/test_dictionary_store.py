"""The dictionary cache: no S3 call within the TTL, a conditional GET after it, safe fallbacks."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from paramguard.dictionary_store import (
    DictionaryCache,
    DictionaryRejected,
    check_dictionary_bytes,
    parse_dictionary_bytes,
)
from paramguard.matcher import BUILTIN_CANARIES, load_default

from support.paths import DICTIONARY_FILE

BUCKET, KEY = "dict-bucket", "dictionary.txt"
DEFAULT = DICTIONARY_FILE.read_text(encoding="utf-8")
# The fewest entries that still flag every built-in canary.
MINIMAL = "password\napi key\ntoken\nsecret\nprivate key\nconnection string\ndatabase url\n"
MINIMAL += "webhook url\ncredentials\n"


class FakeClock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class CallLog:
    """Records every GetObject the cache makes, with its If-None-Match."""

    def __init__(self, client: Any) -> None:
        self.calls: list[dict[str, Any]] = []
        self.statuses: list[int] = []
        client.meta.events.register("provide-client-params.s3.GetObject", self._before)
        client.meta.events.register("after-call.s3.GetObject", self._after)

    def _before(self, params: dict[str, Any], **_: Any) -> None:
        self.calls.append(dict(params))

    def _after(self, http_response: Any, **_: Any) -> None:
        self.statuses.append(http_response.status_code)


@pytest.fixture
def s3(aws: None) -> Any:
    client = boto3.client("s3", region_name="us-east-1")
    client.create_bucket(Bucket=BUCKET)
    return client


def make_cache(s3: Any, clock: FakeClock, ttl: int = 60, ratio: int = 0) -> DictionaryCache:
    return DictionaryCache(s3, BUCKET, KEY, ttl, ratio, clock=clock)


def upload(s3: Any, text: str) -> None:
    s3.put_object(Bucket=BUCKET, Key=KEY, Body=text.encode())


def test_no_call_within_ttl_then_304_then_new_entries(s3: Any) -> None:
    upload(s3, MINIMAL)
    clock = FakeClock()
    cache = make_cache(s3, clock)
    calls = CallLog(s3)

    first = cache.get()
    assert first.match("/x/password") is not None and len(calls.calls) == 1
    assert "IfNoneMatch" not in calls.calls[0]

    clock.now += 59
    assert cache.get() is first
    assert len(calls.calls) == 1  # within the TTL: no S3 call at all

    clock.now += 2
    assert cache.get() is first
    assert len(calls.calls) == 2 and calls.calls[1]["IfNoneMatch"]
    assert calls.statuses[-1] == 304

    upload(s3, MINIMAL + "flux capacitor\n")
    clock.now += 61
    updated = cache.get()
    assert updated is not first
    hit = updated.match("/x/FluxCapacitor")
    assert hit is not None and hit.entry == "flux capacitor"
    assert cache.take_failures() == 0


def test_cold_start_uses_bundled_default_when_s3_fails(s3: Any) -> None:
    cache = make_cache(s3, FakeClock())  # no object uploaded

    dictionary = cache.get()

    assert len(dictionary) == len(load_default())
    assert cache.current.origin == "bundled default"
    assert cache.take_failures() == 1
    assert cache.take_failures() == 0


@pytest.mark.parametrize(
    "broken",
    [
        pytest.param(b"", id="empty"),
        pytest.param(b"# only comments\n\n", id="only-comments"),
        pytest.param(b"\xff\xfe\x00p\x00a", id="not-utf8"),
        pytest.param(b"re:(unclosed\n!\n", id="entirely-invalid"),
    ],
)
def test_broken_upload_keeps_last_good(s3: Any, broken: bytes) -> None:
    upload(s3, MINIMAL)
    clock = FakeClock()
    cache = make_cache(s3, clock)
    good = cache.get()

    s3.put_object(Bucket=BUCKET, Key=KEY, Body=broken)
    clock.now += 61

    assert cache.get() is good
    assert cache.take_failures() == 1
    assert cache.current.origin == f"s3://{BUCKET}/{KEY}"


def test_deleted_object_keeps_last_good(s3: Any) -> None:
    upload(s3, MINIMAL)
    clock = FakeClock()
    cache = make_cache(s3, clock)
    good = cache.get()
    s3.delete_object(Bucket=BUCKET, Key=KEY)
    clock.now += 61

    assert cache.get() is good and cache.take_failures() == 1


def test_invalid_lines_are_skipped_and_the_rest_used(
    s3: Any, caplog: pytest.LogCaptureFixture
) -> None:
    upload(s3, MINIMAL + "re:(unclosed\nflux capacitor\n")
    cache = make_cache(s3, FakeClock())

    dictionary = cache.get()

    assert dictionary.match("/a/flux_capacitor") is not None
    [line] = [r for r in caplog.records if getattr(r, "event", "") == "dictionary_invalid_line"]
    assert line.__dict__["line"] == MINIMAL.count("\n") + 1
    # The rest is in use, but a line the uploader wrote is not: that is logged and counted.
    [summary] = [r for r in caplog.records if getattr(r, "event", "") == "dictionary_invalid_lines"]
    assert (
        summary.levelname == "ERROR" and "invalid regular expression" in summary.__dict__["reason"]
    )
    assert cache.take_failures() == 1


BIG = MINIMAL + "\n".join(f"word{i}secret" for i in range(50)) + "\n"


def test_drastic_shrink_is_refused(s3: Any) -> None:
    upload(s3, BIG)
    clock = FakeClock()
    cache = make_cache(s3, clock, ratio=20)
    good = cache.get()
    upload(s3, MINIMAL)
    clock.now += 61

    assert cache.get() is good and cache.take_failures() == 1


def test_shrink_guard_can_be_disabled(s3: Any) -> None:
    upload(s3, BIG)
    clock = FakeClock()
    cache = make_cache(s3, clock, ratio=0)
    cache.get()
    upload(s3, MINIMAL)
    clock.now += 61

    assert len(cache.get()) == 9 and cache.take_failures() == 0


def test_cold_start_refuses_a_truncated_upload(s3: Any) -> None:
    upload(s3, MINIMAL)  # the first lines of what should have been the whole file
    cache = make_cache(s3, FakeClock(), ratio=20)

    dictionary = cache.get()

    assert len(dictionary) == len(load_default()) and cache.current.origin == "bundled default"
    assert cache.take_failures() == 1


# --- blinding uploads (issue 10, item 7) ------------------------------------------------


@pytest.mark.parametrize(
    "blinding",
    [
        pytest.param("!re:.+", id="regex-covers-everything"),
        pytest.param("!re:^/.*", id="regex-covers-every-path"),
        pytest.param("!re:[a-z_/]+", id="regex-covers-every-lower-case-name"),
        pytest.param("!re:^(?!/prod/db/password$|api_key$|github_token$).+", id="spares-canaries"),
        pytest.param("!*_password\n!*_key\n!*_token\n!*_secret\n!*_url", id="term-exclusions"),
    ],
)
def test_upload_that_blinds_the_function_is_refused(
    s3: Any, caplog: pytest.LogCaptureFixture, blinding: str
) -> None:
    upload(s3, DEFAULT)
    clock = FakeClock()
    cache = make_cache(s3, clock, ratio=20)
    good = cache.get()
    upload(s3, DEFAULT + blinding + "\n")  # no entry removed: the shrink guard cannot see it
    clock.now += 61

    assert cache.get() is good
    assert cache.take_failures() == 1
    [failed] = [r for r in caplog.records if getattr(r, "event", "") == "dictionary_load_failed"]
    assert "canary" in failed.__dict__["reason"]
    assert blinding.split("\n")[0] in failed.__dict__["reason"]  # names the exclusion


def test_cold_start_refuses_a_blinding_upload(s3: Any) -> None:
    upload(s3, DEFAULT + "!re:.+\n")
    cache = make_cache(s3, FakeClock(), ratio=0)

    dictionary = cache.get()

    assert cache.current.origin == "bundled default"
    assert dictionary.match("/prod/db/password") is not None
    assert cache.take_failures() == 1


def test_entry_list_reduced_to_something_useless_is_refused_even_without_shrink_guard(
    s3: Any,
) -> None:
    upload(s3, MINIMAL)
    clock = FakeClock()
    cache = make_cache(s3, clock, ratio=0)
    good = cache.get()
    upload(s3, "re:^zzz$\nflux capacitor\n")
    clock.now += 61

    assert cache.get() is good and cache.take_failures() == 1


def test_a_canary_the_file_declares_must_be_flagged(s3: Any) -> None:
    upload(s3, MINIMAL)
    clock = FakeClock()
    cache = make_cache(s3, clock)
    good = cache.get()

    upload(s3, MINIMAL + "# canary: /prod/flux/capacitor_setting\n")
    clock.now += 61
    assert cache.get() is good and cache.take_failures() == 1

    upload(s3, MINIMAL + "# canary: /prod/flux/capacitor_setting\nflux capacitor\n")
    clock.now += 61
    assert cache.get().match("/prod/flux/capacitor_setting") is not None
    assert cache.take_failures() == 0


def test_unsafe_regex_is_skipped_with_its_reason_logged_and_counted(
    s3: Any, caplog: pytest.LogCaptureFixture
) -> None:
    upload(s3, MINIMAL + "re:(a+)+$\n")
    cache = make_cache(s3, FakeClock())

    dictionary = cache.get()

    assert cache.current.origin == f"s3://{BUCKET}/{KEY}"
    assert dictionary.entries == tuple(MINIMAL.splitlines())  # the regex is not among them
    assert cache.take_failures() == 1
    [line] = [r for r in caplog.records if getattr(r, "event", "") == "dictionary_invalid_line"]
    assert "unsafe regular expression: nested repeat" in line.__dict__["reason"]


def test_the_bundled_default_passes_its_own_canaries() -> None:
    check = check_dictionary_bytes(DICTIONARY_FILE.read_bytes(), "default", load_default(), 20)
    assert check.accepted and check.errors == () and check.missed_canaries == ()
    assert len(check.dictionary.canaries) >= 7  # the file declares its own, too
    for name in [*BUILTIN_CANARIES, *(c.name for c in check.dictionary.canaries)]:
        assert load_default().match(name) is not None, name


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        pytest.param(b"", "is empty (0 bytes)", id="empty"),
        pytest.param(b"\n \n", "is empty", id="blank"),
        pytest.param(b"# nothing here\n", "only comments and blank lines", id="comments"),
        pytest.param(b"value: AKIA[0-9A-Z]{16}\n", "only value: lines", id="values-only"),
        pytest.param(b"re:(\n!\n", "no valid entries; 2 invalid line(s)", id="all-invalid"),
        pytest.param(b"\xff\xfe", "not UTF-8", id="not-utf8"),
        pytest.param(b"x" * (1024 * 1024 + 1), "larger than 1048576 bytes", id="too-big"),
    ],
)
def test_unusable_uploads_say_why(body: bytes, reason: str) -> None:
    with pytest.raises(DictionaryRejected, match=reason.replace("(", r"\(").replace(")", r"\)")):
        parse_dictionary_bytes(body, "s3://b/k", None, 0)
