"""The one home of AWS error classification: what an error is called, and can a retry fix it.

botocore is never imported here: an exception can only be one of its classes once botocore
is loaded, so a local `paramguard scan` (and report.py, which the command line imports)
stays free of it.
"""

from __future__ import annotations

import sys
from typing import Any

# Error codes that retrying can fix; anything else is permanent for the request.
TRANSIENT_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottled",
        "RequestThrottledException",
        "TooManyRequestsException",
        "SlowDown",
        "RequestTimeout",
        "RequestTimeoutException",
        "InternalError",
        "InternalFailure",
        "ServiceUnavailable",
        "ServiceUnavailableException",
        "503",
        "500",
        "502",
        "504",
        # Credentials that expired mid-call (a member role's, a long sweep): the retry
        # assumes the role again, as the cached credentials are renewed before they expire.
        "ExpiredToken",
        "ExpiredTokenException",
    }
)
_NOT_MODIFIED = frozenset({"304", "NotModified"})


def _botocore() -> Any:
    return sys.modules.get("botocore.exceptions")


def is_client_error(exc: BaseException) -> bool:
    """An error answer from an AWS service (botocore's ClientError)."""
    module = _botocore()
    return module is not None and isinstance(exc, module.ClientError)


def is_aws_error(exc: BaseException) -> bool:
    """A ClientError, or botocore's own failure (connection, timeout, credentials)."""
    module = _botocore()
    return module is not None and isinstance(exc, module.ClientError | module.BotoCoreError)


def error_code(exc: BaseException) -> str:
    """The service's error code (ClientError), else the exception's class name."""
    if is_client_error(exc):
        return str(_response(exc).get("Error", {}).get("Code", "ClientError"))
    return type(exc).__name__


def http_status(exc: BaseException) -> int | None:
    """The HTTP status of a ClientError's answer, if it has one."""
    status = _response(exc).get("ResponseMetadata", {}).get("HTTPStatusCode")
    return status if isinstance(status, int) else None


def describe(exc: BaseException) -> str:
    """Code (or status) and message of a ClientError; the text of any other error."""
    if not is_client_error(exc):
        return str(exc)
    error = _response(exc).get("Error", {})
    return f"{str(error.get('Code', '')) or http_status(exc)} {error.get('Message', '')}"


def is_not_modified(exc: BaseException) -> bool:
    """A conditional GET's 304: the object has not changed (not an error)."""
    if not is_client_error(exc):
        return False
    code = str(_response(exc).get("Error", {}).get("Code", ""))
    return code in _NOT_MODIFIED or http_status(exc) == 304


def is_transient(exc: BaseException) -> bool:
    """Throttling, 5xx and connection problems: worth a retry."""
    if is_client_error(exc):
        status = http_status(exc)
        return error_code(exc) in TRANSIENT_CODES or (status is not None and status >= 500)
    return is_aws_error(exc)


def _response(exc: BaseException) -> dict[str, Any]:
    response = getattr(exc, "response", None)
    return response if isinstance(response, dict) else {}


class MemberRoleError(Exception):
    """The member role could not be assumed in an account: missing, denied, throttled."""

    def __init__(self, account: str, role_arn: str, code: str, detail: str, transient: bool):
        super().__init__(f"cannot assume {role_arn}: {detail}")
        self.account = account
        self.role_arn = role_arn
        self.code = code
        self.detail = detail
        self.transient = transient

    def note(self) -> str:
        """What a finding's note says: the account, the role and the error."""
        return f"assuming role {self.role_arn} in account {self.account} failed ({self.code})"
