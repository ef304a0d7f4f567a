"""Structured JSON logging: one line per log object and per finding, never a value."""

from __future__ import annotations

import json
import logging
import os
from datetime import UTC, datetime
from typing import Any

# Attributes every LogRecord has; anything else came in through `extra=`.
_STANDARD = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """Formats a record as one JSON object with its `extra` fields at the top level."""

    def format(self, record: logging.LogRecord) -> str:
        """Return the JSON line for a record."""
        entry: dict[str, Any] = {
            "timestamp": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


def configure(level: str = "INFO") -> None:
    """Set up JSON logs (Lambda's own JSON format when it is on) and quiet botocore."""
    root = logging.getLogger()
    if os.environ.get("AWS_LAMBDA_LOG_FORMAT", "").upper() != "JSON":
        # Lambda's text format, or a plain process: our own JSON lines.
        if not root.handlers:
            root.addHandler(logging.StreamHandler())
        for handler in root.handlers:
            handler.setFormatter(JsonFormatter())
    logging.getLogger("paramguard").setLevel(level)
    root.setLevel(logging.WARNING if level != "DEBUG" else logging.INFO)
    for noisy in ("botocore", "boto3", "urllib3", "s3transfer"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
