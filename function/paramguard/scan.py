"""Scanning one log object's bytes: the one path of the function and of `paramguard scan`.

Pure: the caller reads the bytes (S3 for the function and for `scan s3://...`, a file or
standard input for the command line) and resolves the candidates' types afterwards.
"""

from __future__ import annotations

from .logfile import LogScan, decompress, scan_document
from .rule import FixesPairedLater

TYPE_CHECKING = False  # typing is for mypy only (start-up; see docs/performance.md)
if TYPE_CHECKING:
    from .rule import NameMatcher


def scan_blob(
    raw: bytes, name: str, matcher: NameMatcher, max_bytes: int, *, inspect_values: bool = False
) -> LogScan:
    """Decompress and scan one log object; name (its URI or file name) is where findings say
    they were read.

    Gzip or plain JSON is told by the magic bytes unless the name ends in .gz. Raises
    LogFormatError (LogTooLargeError past max_bytes decompressed) for a blob that is not a
    readable CloudTrail log file. The fixes' names are not matched (rule.FixesPairedLater):
    most are SecureString writes, and only those paired with a finding matter to the
    command line; what hands fixes on alone calls rule.match_fixes first.
    """
    data = decompress(raw, max_bytes, gzipped=name.lower().endswith(".gz") or None)
    return scan_document(data, FixesPairedLater(matcher), name, inspect_values=inspect_values)
