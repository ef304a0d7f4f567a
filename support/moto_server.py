"""moto's server in this process, on 127.0.0.1 and a free port, with the patches it needs.

Each patch fixes one documented way moto 5.2 differs from AWS for what the module does; they
are process-wide, so MotoServer applies them on start and takes them out again on stop.
"""

from __future__ import annotations

import json
import logging
import socket
from typing import Any


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class MotoServer:
    """moto's server in this process, on 127.0.0.1 and a free port."""

    def __init__(self, port: int | None = None) -> None:
        from moto.core.config import default_user_config
        from moto.server import ThreadedMotoServer

        # moto would try to run the function in Docker when S3 notifies it; the tests call
        # the handler in-process instead.
        default_user_config["lambda"]["use_docker"] = False
        # One line per request would drown the output (the function logs to the root logger).
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        if not _PATCHES:
            _patch_moto_cloudtrail()
            _patch_moto_describe_trails()
            _patch_moto_bucket_policy()
            _patch_moto_lambda_logging_config()
            _patch_moto_s3_lambda_notifications()
            _patch_moto_query_definitions()
        _LIVE_SERVERS.add(id(self))
        self.port = port or free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=self.port, verbose=False)

    @property
    def s3_lambda_events(self) -> list[tuple[str, dict[str, Any]]]:
        """(function ARN, event) of every Lambda invocation S3 notifications asked for."""
        return S3_LAMBDA_EVENTS

    def start(self) -> MotoServer:
        """Start serving."""
        self._server.start()
        return self

    def stop(self) -> None:
        """Stop serving; the last server to stop takes the moto patches out (process-wide).

        Two servers may overlap (two module-scoped deployments): the one still running must
        keep the patches until its own stacks are destroyed.
        """
        try:
            self._server.stop()
        finally:
            _LIVE_SERVERS.discard(id(self))
            if not _LIVE_SERVERS:
                _unpatch_all()

    def __enter__(self) -> MotoServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


_PATCHES: list[tuple[Any, str, Any]] = []
_LIVE_SERVERS: set[int] = set()


_MISSING = object()


def _patch(owner: Any, name: str, value: Any) -> None:
    """Replace (or add) owner.name, remembering the original for _unpatch_all."""
    _PATCHES.append((owner, name, owner.__dict__.get(name, _MISSING)))
    setattr(owner, name, value)


def _unpatch_all() -> None:
    while _PATCHES:
        owner, name, original = _PATCHES.pop()
        if original is _MISSING:
            delattr(owner, name)
        else:
            setattr(owner, name, original)
    S3_LAMBDA_EVENTS.clear()
    QUERY_DEFINITIONS.clear()


def _patch_moto_cloudtrail() -> None:
    """Let moto's StartLogging/StopLogging/UpdateTrail/DeleteTrail take a trail ARN, as AWS does.

    moto 5.2 looks the name up as a dict key, and the AWS provider passes the ARN (DeleteTrail
    with an ARN even "succeeds" without deleting anything).
    """
    from moto.cloudtrail.models import CloudTrailBackend

    for method in ("start_logging", "stop_logging", "update_trail", "delete_trail"):
        original = getattr(CloudTrailBackend, method)

        def by_name_or_arn(
            self: Any, name: str, *args: Any, _original: Any = original, **kwargs: Any
        ) -> Any:
            if name.startswith("arn:"):
                name = name.rsplit("/", 1)[-1]
            return _original(self, name, *args, **kwargs)

        _patch(CloudTrailBackend, method, by_name_or_arn)


def _patch_moto_describe_trails() -> None:
    """Make moto's DescribeTrails return only the trails named in trailNameList, as AWS does.

    moto 5.2 returns every trail of the account, and the AWS provider refuses to read its
    trail ("too many results") as soon as a second deployment has one in the same process.
    """
    from moto.cloudtrail.responses import CloudTrailResponse

    original = CloudTrailResponse.describe_trails

    def describe_trails(self: Any) -> str:
        body = json.loads(original(self))
        wanted = self._get_param("trailNameList") or []
        if wanted:
            body["trailList"] = [
                trail
                for trail in body["trailList"]
                if trail.get("Name") in wanted or trail.get("TrailARN") in wanted
            ]
        return json.dumps(body)

    _patch(CloudTrailResponse, "describe_trails", describe_trails)


def _patch_moto_bucket_policy() -> None:
    """Make moto skip bucket-policy statements that carry a Condition.

    moto 5.2 cannot evaluate conditions on S3 requests and turns every statement whose
    condition it cannot verify into an explicit Deny, so the TLS-only Deny
    (aws:SecureTransport = false) and the CloudTrail Allows (aws:SourceArn) would block the
    account's own requests. For a request from the account over TLS, which is what AWS
    sees, none of those conditions hold, so those statements do not apply.
    """
    from moto.iam.access_control import IAMPolicy, PermissionResult
    from moto.s3.models import FakeBucket

    def get_permission(self: Any, action: str, resource: str) -> Any:
        if self.policy is None:
            return PermissionResult.NEUTRAL
        policy = json.loads(self.policy.decode())
        raw = policy.get("Statement", [])
        kept = [s for s in ([raw] if isinstance(raw, dict) else raw) if not s.get("Condition")]
        if not kept:
            return PermissionResult.NEUTRAL
        return IAMPolicy(json.dumps({**policy, "Statement": kept})).is_action_permitted(
            action, resource
        )

    _patch(FakeBucket, "get_permission", get_permission)


def _patch_moto_lambda_logging_config() -> None:
    """Make moto keep a function's LoggingConfig (moto 5.2 drops it).

    Without it every plan after the first apply wants to add logging_config again.
    """
    from moto.awslambda.models import LambdaFunction

    original_init = LambdaFunction.__init__
    original_get = LambdaFunction.get_configuration
    original_update = LambdaFunction.update_configuration

    def _clean(value: Any) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            return None
        return {k: v for k, v in value.items() if v not in (None, "")}

    def init(self: Any, account_id: str, spec: dict[str, Any], *args: Any, **kw: Any) -> None:
        original_init(self, account_id, spec, *args, **kw)
        self._logging_config = _clean(spec.get("LoggingConfig"))

    def get_configuration(self: Any, *args: Any, **kw: Any) -> dict[str, Any]:
        config: dict[str, Any] = original_get(self, *args, **kw)
        logging_config = getattr(self, "_logging_config", None)
        if logging_config:
            config["LoggingConfig"] = dict(logging_config)
        return config

    def update_configuration(self: Any, updates: dict[str, Any]) -> dict[str, Any]:
        if "LoggingConfig" in updates:
            self._logging_config = _clean(updates["LoggingConfig"])
        result: dict[str, Any] = original_update(self, updates)
        return result

    _patch(LambdaFunction, "__init__", init)
    _patch(LambdaFunction, "get_configuration", get_configuration)
    _patch(LambdaFunction, "update_configuration", update_configuration)


S3_LAMBDA_EVENTS: list[tuple[str, dict[str, Any]]] = []


def _patch_moto_s3_lambda_notifications() -> None:
    """Record the events moto's S3 sends to Lambda instead of running the function in Docker.

    moto's S3 always tries Docker for a Lambda destination (and swallows the failure); the
    tests run the handler in-process and use the record to prove S3 matched the filter.
    """
    from moto.s3 import notifications

    def record(account_id: str, event_body: Any, fn_arn: str, region_name: str) -> None:
        S3_LAMBDA_EVENTS.append((fn_arn, dict(event_body)))

    _patch(notifications, "_invoke_awslambda", record)


# Saved Logs Insights queries by (account, region, id), while a patched server runs.
QUERY_DEFINITIONS: dict[tuple[str, str, str], dict[str, Any]] = {}


def _patch_moto_query_definitions() -> None:
    """Give moto's Logs the three query-definition calls (moto 5.2 has none).

    A plain store: what PutQueryDefinition is sent, DescribeQueryDefinitions returns (by name
    prefix) and DeleteQueryDefinition removes; no query is validated or run.
    """
    import uuid

    from moto.logs.responses import LogsResponse

    def put_query_definition(self: Any) -> str:
        ident = self._get_param("queryDefinitionId") or str(uuid.uuid4())
        QUERY_DEFINITIONS[(self.current_account, self.region, ident)] = {
            "queryDefinitionId": ident,
            "name": self._get_param("name"),
            "queryString": self._get_param("queryString"),
            "logGroupNames": self._get_param("logGroupNames") or [],
            "lastModified": 0,
        }
        return json.dumps({"queryDefinitionId": ident})

    def describe_query_definitions(self: Any) -> str:
        prefix = self._get_param("queryDefinitionNamePrefix") or ""
        found = [
            definition
            for (account, region, _), definition in QUERY_DEFINITIONS.items()
            if account == self.current_account
            and region == self.region
            and str(definition["name"]).startswith(prefix)
        ]
        return json.dumps({"queryDefinitions": found})

    def delete_query_definition(self: Any) -> str:
        key = (self.current_account, self.region, self._get_param("queryDefinitionId"))
        return json.dumps({"success": QUERY_DEFINITIONS.pop(key, None) is not None})

    _patch(LogsResponse, "put_query_definition", put_query_definition)
    _patch(LogsResponse, "describe_query_definitions", describe_query_definitions)
    _patch(LogsResponse, "delete_query_definition", delete_query_definition)


def main() -> None:
    """`python -m support.moto_server [PORT]`: the patched server, for examples/local."""
    import sys
    import time

    server = MotoServer(int(sys.argv[1]) if len(sys.argv) > 1 else 5000).start()
    print(f"moto (with paramguard's patches) at {server.endpoint}; Ctrl-C stops it", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.stop()


if __name__ == "__main__":
    main()
