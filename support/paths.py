"""Where the repository's files are."""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DICTIONARY_FILE = REPO_ROOT / "dictionary" / "dictionary.txt"
# Real event payloads written by others; tests/events/README.md gives each one's source.
EVENTS_DIR = REPO_ROOT / "tests" / "events"
