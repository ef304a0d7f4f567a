"""aws_errors: the one place that says what an AWS error is called and whether to retry it."""

from __future__ import annotations

import pytest
from botocore.exceptions import ConnectTimeoutError, NoCredentialsError
from paramguard.aws_errors import describe, error_code, is_aws_error, is_not_modified, is_transient

from support.awsutil import client_error


@pytest.mark.parametrize(
    ("exc", "transient"),
    [
        (client_error("SlowDown", "GetObject", 503), True),
        (client_error("ThrottlingException", "DescribeParameters"), True),
        (client_error("SomethingNew", "GetObject", 502), True),  # any 5xx
        (client_error("AccessDenied", "GetObject", 403), False),
        (client_error("NoSuchKey", "GetObject", 404), False),
        (ConnectTimeoutError(endpoint_url="https://s3.amazonaws.com"), True),
        (NoCredentialsError(), True),  # botocore's own failures, as before
        (ValueError("not from AWS"), False),
    ],
)
def test_what_a_retry_can_fix(exc: BaseException, transient: bool) -> None:
    assert is_transient(exc) is transient
    assert is_aws_error(exc) is not isinstance(exc, ValueError)


def test_codes_and_descriptions() -> None:
    denied = client_error("AccessDenied", "GetObject", 403)
    assert error_code(denied) == "AccessDenied"
    assert error_code(KeyError("x")) == "KeyError"
    assert describe(denied) == "AccessDenied AccessDenied"
    assert describe(NoCredentialsError()) == "Unable to locate credentials"


def test_not_modified_is_told_by_code_or_status() -> None:
    assert is_not_modified(client_error("NotModified", "GetObject", 304))
    assert is_not_modified(client_error("", "GetObject", 304))
    assert not is_not_modified(client_error("PreconditionFailed", "GetObject", 412))
    assert not is_not_modified(ValueError("304"))
