"""Configuration from environment variables: defaults and clear errors."""

from __future__ import annotations

import pytest
from paramguard.config import Config, ConfigError

TOPIC = "arn:aws:sns:us-east-1:123456789012:paramguard-findings"
BASE = {"DICTIONARY_BUCKET": "dict", "SNS_TOPIC_ARN": TOPIC}


def test_defaults() -> None:
    config = Config.from_env(BASE)
    assert config.dictionary_key == "dictionary.txt"
    assert config.dictionary_ttl_seconds == 60
    assert config.metric_namespace == "ParamStoreAnalyser"
    assert config.max_notifications == 20
    assert config.inspect_values is False


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("true", True), ("TRUE", True), ("1", True), ("false", False), ("0", False)],
)
def test_inspect_values_is_a_strict_boolean(raw: str, expected: bool) -> None:
    assert Config.from_env({**BASE, "INSPECT_VALUES": raw}).inspect_values is expected


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"SNS_TOPIC_ARN": TOPIC}, "DICTIONARY_BUCKET is required"),
        ({"DICTIONARY_BUCKET": "d"}, "SNS_TOPIC_ARN is required"),
        ({**BASE, "SNS_TOPIC_ARN": "topic"}, "not an SNS topic ARN"),
        ({**BASE, "METRIC_NAMESPACE": "AWS/ParamStoreAnalyser"}, "reserved"),
        ({**BASE, "METRIC_NAMESPACE": "bad namespace!"}, "METRIC_NAMESPACE"),
        ({**BASE, "DICTIONARY_TTL_SECONDS": "soon"}, "DICTIONARY_TTL_SECONDS='soon'"),
        ({**BASE, "DICTIONARY_TTL_SECONDS": "-1"}, "from 0 to 86400"),
        ({**BASE, "MAX_NOTIFICATIONS_PER_INVOCATION": "0"}, "MAX_NOTIFICATIONS_PER_INVOCATION"),
        ({**BASE, "LOG_LEVEL": "loud"}, "LOG_LEVEL"),
        ({**BASE, "INSPECT_VALUES": "yes"}, "INSPECT_VALUES='yes'"),
        ({**BASE, "INSPECT_VALUES": "on"}, "INSPECT_VALUES"),
    ],
)
def test_bad_environment_names_the_variable(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        Config.from_env(env)
