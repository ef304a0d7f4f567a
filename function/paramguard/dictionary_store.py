"""The suspicious-name dictionary, loaded from S3 and cached by ETag.

check_dictionary_bytes is also the command line's loader, so this module never imports
botocore (errors are classified by aws_errors): a local `paramguard scan` loads neither
boto3 nor botocore.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .aws_errors import describe, is_aws_error, is_not_modified
from .limits import DEFAULT_MIN_RATIO_PERCENT, MAX_DICTIONARY_BYTES
from .matcher import CanaryMiss, Dictionary, DictionaryError, load_default

logger = logging.getLogger(__name__)

# The dictionary is a short text file; anything far bigger is a mistaken upload.


class DictionaryRejected(ValueError):
    """An uploaded dictionary that must not replace the one in use; the message says why."""


@dataclass(frozen=True)
class LoadedDictionary:
    """A parsed dictionary and where it came from."""

    dictionary: Dictionary
    origin: str  # "s3://bucket/key" or "bundled default"
    etag: str | None
    errors: tuple[DictionaryError, ...] = ()


@dataclass(frozen=True)
class DictionaryCheck:
    """What vetting dictionary bytes found; no refusals means the function would use it."""

    origin: str
    dictionary: Dictionary  # empty when the bytes could not be read as a dictionary
    errors: tuple[DictionaryError, ...] = ()  # lines skipped, with the reason
    unusable: str | None = None  # too big, not UTF-8, empty, no valid entries
    missed_canaries: tuple[CanaryMiss, ...] = ()
    shrink: str | None = None  # refused as a drastic shrink of the dictionary in use

    @property
    def refusals(self) -> tuple[str, ...]:
        """Why the function would refuse it (and keep the one in use); empty if it would not."""
        reasons = [self.unusable] if self.unusable else []
        if self.missed_canaries:
            details = "; ".join(miss.describe() for miss in self.missed_canaries)
            count = len(self.missed_canaries)
            reasons.append(f"{self.origin} no longer flags {count} canary name(s): {details}")
        if self.shrink:
            reasons.append(self.shrink)
        return tuple(reasons)

    @property
    def accepted(self) -> bool:
        """Whether the function would load it (perhaps without some invalid lines)."""
        return not self.refusals


def shrink_refusal(
    dictionary: Dictionary, previous: Dictionary | None, min_ratio_percent: int, origin: str
) -> str | None:
    """Why dictionary would be refused as a drastic shrink of previous, or None."""
    if previous is None or not min_ratio_percent:
        return None
    floor = len(previous) * min_ratio_percent / 100
    if len(dictionary) >= floor:
        return None
    return (
        f"{origin} has {len(dictionary)} entries, under {min_ratio_percent}% of the "
        f"{len(previous)} in use; refusing a shrink this large "
        "(set DICTIONARY_MIN_RATIO_PERCENT=0 to allow it)"
    )


def check_dictionary_bytes(
    body: bytes, origin: str, previous: Dictionary | None, min_ratio_percent: int
) -> DictionaryCheck:
    """Parse and vet uploaded dictionary bytes: the one loader of the function and the CLI."""
    empty = Dictionary.parse("")[0]
    if len(body) > MAX_DICTIONARY_BYTES:
        reason = f"{origin} is larger than {MAX_DICTIONARY_BYTES} bytes, the limit"
        return DictionaryCheck(origin, empty, unusable=reason)
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        reason = f"{origin} is not UTF-8 text ({exc.reason} at byte {exc.start})"
        return DictionaryCheck(origin, empty, unusable=reason)
    dictionary, errors = Dictionary.parse(text)
    if len(dictionary) == 0:
        if not text.strip():
            reason = f"{origin} is empty ({len(body)} bytes): it has no entries"
        elif errors:
            reason = f"{origin} has no valid entries; {len(errors)} invalid line(s)"
        elif dictionary.value_rules or dictionary.value_exclusions:
            reason = f"{origin} has only value: lines and no name entries"
        else:
            reason = f"{origin} has no entries, only comments and blank lines"
        return DictionaryCheck(origin, dictionary, tuple(errors), unusable=reason)
    return DictionaryCheck(
        origin,
        dictionary,
        tuple(errors),
        missed_canaries=tuple(dictionary.missed_canaries()),
        # On a cold start the dictionary in use is the bundled default, so a truncated
        # upload is refused by new execution environments too, not only by warm ones.
        shrink=shrink_refusal(dictionary, previous, min_ratio_percent, origin),
    )


def parse_dictionary_bytes(
    body: bytes, origin: str, previous: LoadedDictionary | None, min_ratio_percent: int
) -> tuple[Dictionary, list[DictionaryError]]:
    """Parse an uploaded dictionary, refusing one that is empty, blind or drastically shrunk."""
    check = check_dictionary_bytes(
        body, origin, previous.dictionary if previous else None, min_ratio_percent
    )
    if check.refusals:
        raise DictionaryRejected("; ".join(check.refusals))
    return check.dictionary, list(check.errors)


class DictionaryCache:
    """Keeps the last good dictionary; re-checks S3 at most once per TTL with If-None-Match."""

    def __init__(
        self,
        s3: Any,
        bucket: str,
        key: str,
        ttl_seconds: int,
        min_ratio_percent: int = DEFAULT_MIN_RATIO_PERCENT,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._s3 = s3
        self._bucket = bucket
        self._key = key
        self._ttl = ttl_seconds
        self._min_ratio = min_ratio_percent
        self._clock = clock
        self._lock = threading.Lock()
        self._current = LoadedDictionary(load_default(), "bundled default", None)
        self._checked_at: float | None = None
        self.failures = 0  # load failures since the last take_failures()

    @property
    def origin(self) -> str:
        """s3://bucket/key of the dictionary object."""
        return f"s3://{self._bucket}/{self._key}"

    @property
    def current(self) -> LoadedDictionary:
        """The dictionary in use, without any S3 call."""
        return self._current

    def take_failures(self) -> int:
        """Return and reset the number of load failures (for the metric)."""
        failures, self.failures = self.failures, 0
        return failures

    def get(self) -> Dictionary:
        """Return the dictionary to use now, refreshing from S3 when the TTL has passed."""
        with self._lock:
            now = self._clock()
            if self._checked_at is not None and now - self._checked_at < self._ttl:
                return self._current.dictionary
            self._refresh()
            # Stamp after the call so a slow S3 answer does not shorten the next TTL.
            self._checked_at = self._clock()
            return self._current.dictionary

    def _refresh(self) -> None:
        kwargs: dict[str, Any] = {"Bucket": self._bucket, "Key": self._key}
        if self._current.etag:
            kwargs["IfNoneMatch"] = self._current.etag
        try:
            response = self._s3.get_object(**kwargs)
            body = response["Body"].read()
        except Exception as exc:
            if not is_aws_error(exc):
                raise
            if is_not_modified(exc):
                return
            self._fail(f"cannot read {self.origin}: {describe(exc)}")
            return
        etag = response.get("ETag")
        try:
            dictionary, errors = parse_dictionary_bytes(
                body, self.origin, self._current, self._min_ratio
            )
        except DictionaryRejected as exc:
            self._fail(str(exc), etag=etag)
            return
        for bad_line in errors:
            logger.warning(
                "dictionary line skipped",
                extra={
                    "event": "dictionary_invalid_line",
                    "dictionary": self.origin,
                    "line": bad_line.line,
                    "reason": bad_line.message,
                },
            )
        if errors:
            # The rest of the file is in use, but a line someone wrote (an unsafe regular
            # expression, a typo) is not: count it so that the alarm tells them.
            self.failures += 1
            logger.error(
                "dictionary loaded without its invalid lines",
                extra={
                    "event": "dictionary_invalid_lines",
                    "dictionary": self.origin,
                    "etag": etag,
                    "invalid_lines": len(errors),
                    "reason": "; ".join(f"line {e.line}: {e.message}" for e in errors),
                },
            )
        self._current = LoadedDictionary(dictionary, self.origin, etag, tuple(errors))
        logger.info(
            "dictionary loaded",
            extra={
                "event": "dictionary_loaded",
                "dictionary": self.origin,
                "etag": etag,
                "entries": len(dictionary),
                "invalid_lines": len(errors),
            },
        )

    def _fail(self, reason: str, etag: str | None = None) -> None:
        self.failures += 1
        logger.error(
            "dictionary not loaded; keeping the last good one",
            extra={
                "event": "dictionary_load_failed",
                "dictionary": self.origin,
                "reason": reason,
                "etag": etag,
                "in_use": self._current.origin,
                "in_use_entries": len(self._current.dictionary),
            },
        )
