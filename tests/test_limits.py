"""The default size limit of a log follows the function's memory (bench/hostile.py measures why)."""

from __future__ import annotations

import pytest
from paramguard.config import Config

REQUIRED = {
    "DICTIONARY_BUCKET": "dictionary",
    "SNS_TOPIC_ARN": "arn:aws:sns:us-east-1:123456789012:findings",
}


@pytest.mark.parametrize(
    ("memory_mb", "limit_mib"), [("128", 19.2), ("256", 96), ("1024", 556.8), (None, 96)]
)
def test_the_default_limit_fits_the_functions_memory(
    memory_mb: str | None, limit_mib: float
) -> None:
    # Measured worst case: 1.3 MiB resident per MiB of log over a 60-70 MiB base, so the
    # default 256 MB function reads logs up to 96 MiB (Terraform sets the same value).
    env = dict(REQUIRED)
    if memory_mb is not None:
        env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] = memory_mb
    limit = Config.from_env(env).max_decompressed_bytes
    assert limit == int(limit_mib * 1024 * 1024 + 1e-6)
    assert 70 * 2**20 + 1.3 * limit < 0.9 * int(memory_mb or 256) * 2**20


def test_an_explicit_limit_wins() -> None:
    env = {**REQUIRED, "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "256"}
    env["MAX_DECOMPRESSED_BYTES"] = "5000000"
    assert Config.from_env(env).max_decompressed_bytes == 5_000_000
