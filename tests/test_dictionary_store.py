"""The dictionary cache: no S3 call within the TTL, a conditional GET after it, safe fallbacks."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from paramguard.dictionary_store import DictionaryCache
from paramguard.matcher import load_default

BUCKET, KEY = "dict-bucket", "dictionary.txt"


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
    upload(s3, "password\nsecret\n")
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

    upload(s3, "password\nsecret\nflux capacitor\n")
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
    upload(s3, "password\nsecret\n")
    clock = FakeClock()
    cache = make_cache(s3, clock)
    good = cache.get()

    s3.put_object(Bucket=BUCKET, Key=KEY, Body=broken)
    clock.now += 61

    assert cache.get() is good
    assert cache.take_failures() == 1
    assert cache.current.origin == f"s3://{BUCKET}/{KEY}"


def test_deleted_object_keeps_last_good(s3: Any) -> None:
    upload(s3, "password\n")
    clock = FakeClock()
    cache = make_cache(s3, clock)
    good = cache.get()
    s3.delete_object(Bucket=BUCKET, Key=KEY)
    clock.now += 61

    assert cache.get() is good and cache.take_failures() == 1


def test_invalid_lines_are_skipped_and_the_rest_used(
    s3: Any, caplog: pytest.LogCaptureFixture
) -> None:
    upload(s3, "password\nre:(unclosed\ntoken\n")

    dictionary = make_cache(s3, FakeClock()).get()

    assert dictionary.match("/a/token") is not None
    [line] = [r for r in caplog.records if getattr(r, "event", "") == "dictionary_invalid_line"]
    assert line.__dict__["line"] == 2


def test_drastic_shrink_is_refused(s3: Any) -> None:
    upload(s3, "\n".join(f"word{i}secret" for i in range(50)) + "\n")
    clock = FakeClock()
    cache = make_cache(s3, clock, ratio=20)
    good = cache.get()
    upload(s3, "password\n")
    clock.now += 61

    assert cache.get() is good and cache.take_failures() == 1


def test_shrink_guard_can_be_disabled(s3: Any) -> None:
    upload(s3, "\n".join(f"word{i}secret" for i in range(50)) + "\n")
    clock = FakeClock()
    cache = make_cache(s3, clock, ratio=0)
    cache.get()
    upload(s3, "password\n")
    clock.now += 61

    assert len(cache.get()) == 1 and cache.take_failures() == 0


def test_cold_start_refuses_a_truncated_upload(s3: Any) -> None:
    upload(s3, "password\n")  # a few bytes of what should have been the whole file
    cache = make_cache(s3, FakeClock(), ratio=20)

    dictionary = cache.get()

    assert len(dictionary) == len(load_default()) and cache.current.origin == "bundled default"
    assert cache.take_failures() == 1
