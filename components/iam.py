"""IAM policy documents as plain data, so tests can lint every one of them."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import pulumi


def service_trust_policy(service: str, conditions: Mapping[str, Any] | None = None) -> str:
    """A role trust policy letting one AWS service principal assume the role."""
    statement: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": {"Service": service},
        "Action": "sts:AssumeRole",
    }
    if conditions:
        statement["Condition"] = dict(conditions)
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def policy_document(statements: Sequence[Mapping[str, Any]]) -> pulumi.Output[str]:
    """A policy document whose statements may hold Outputs (ARNs of resources)."""
    return pulumi.Output.json_dumps({"Version": "2012-10-17", "Statement": list(statements)})


def aws_managed_policy(name: str) -> str:
    return f"arn:aws:iam::aws:policy/{name}"
