"""Cost and ownership tags on everything AWS bills: each resource that takes tags carries the stack's
required keys, from its own tags or the AWS provider's defaultTags; Karpenter's EC2NodeClass carries
them in spec.tags, which Karpenter puts on the instances it launches."""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Mapping
from functools import cache
from types import ModuleType
from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    PolicyProviderResource,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
)

from policy.rules.common import as_list, json_value
from policy.rules.config import REQUIRED_TAGS, required_tags

AWS_PROVIDER = "pulumi:providers:aws"
# The SDK each package's type tokens come from: pulumi-aws resources and pulumi-eks components.
SDK_PACKAGES = {"aws": "pulumi_aws", "eks": "pulumi_eks"}


def is_ec2_node_class(resource_type: str) -> bool:
    """Karpenter's EC2NodeClass under any API version (kubernetes:karpenter.k8s.aws/<version>:EC2NodeClass)."""
    return resource_type.startswith("kubernetes:karpenter.k8s.aws/") and resource_type.endswith(":EC2NodeClass")


@cache
def takes_tags(resource_type: str) -> bool:
    """Whether the SDK class behind a type token (aws:s3/bucket:Bucket -> pulumi_aws.s3.Bucket) has a
    `tags` input, so taggability follows the pinned provider rather than a list kept here."""
    parts = resource_type.split(":")
    if len(parts) != 3 or parts[0] not in SDK_PACKAGES:
        return False
    package, module_path, class_name = parts
    module = _sdk_module(SDK_PACKAGES[package], module_path.split("/")[0])
    resource_class = getattr(module, class_name, None) if module else None
    if resource_class is None:
        return False  # not a resource of the pinned SDK, so nothing this rule can ask of it
    args_class = getattr(module, f"{class_name}Args", None)
    initialisers = (getattr(resource_class, "_internal_init", None), getattr(args_class, "__init__", None))
    return any(_has_tags_parameter(initialiser) for initialiser in initialisers)


def _sdk_module(sdk: str, module_name: str) -> ModuleType | None:
    # `index` is the package root; modules named after Python keywords get a trailing _ (lambda_).
    candidates = [sdk] if module_name == "index" else [f"{sdk}.{module_name}", f"{sdk}.{module_name}_"]
    for candidate in candidates:
        try:
            return importlib.import_module(candidate)
        except ImportError:
            continue
    return None


def _has_tags_parameter(function: Any) -> bool:
    return callable(function) and "tags" in inspect.signature(function).parameters


def tag_keys(tags: Any) -> set[str]:
    """Keys of a tag map, or of a list of {key, value} blocks (autoscaling groups). Iterating the
    map reads keys only, so a tag whose value is unknown during preview still counts."""
    if isinstance(tags, Mapping):
        return {str(key) for key in tags}
    blocks = [block for block in as_list(tags) if isinstance(block, Mapping)]
    return {str(block.get("key")) for block in blocks if block.get("key") is not None}


def default_tag_keys(provider: PolicyProviderResource | None) -> set[str]:
    """The AWS provider's defaultTags: JSON text `{"tags": {...}}` in the plan, an object in a preview."""
    if provider is None or provider.resource_type != AWS_PROVIDER:
        return set()
    default_tags = json_value(provider.props.get("defaultTags"))
    if not isinstance(default_tags, Mapping):
        return set()
    return tag_keys(json_value(default_tags.get("tags")))


def _carried_tags(args: ResourceValidationArgs) -> tuple[str, set[str]] | None:
    """Where the resource's tags come from and their keys, or None if it takes no tags."""
    if is_ec2_node_class(args.resource_type):
        return "spec.tags", tag_keys((args.props.get("spec") or {}).get("tags"))
    if takes_tags(args.resource_type):
        return "tags and the provider's defaultTags", tag_keys(args.props.get("tags")) | default_tag_keys(args.provider)
    return None


def _required_tags(args: ResourceValidationArgs, report: ReportViolation) -> None:
    carried = _carried_tags(args)
    if carried is None:
        return
    source, keys = carried
    required = required_tags(args)
    missing = [key for key in required if key not in keys]
    if missing:
        report(f"{source} lack {', '.join(missing)}: every taggable resource carries {', '.join(required)}", None)


POLICIES = [
    ResourceValidationPolicy(
        name="required-tags",
        description="Every AWS resource that takes tags, and Karpenter's instances, carry the stack's required tags.",
        enforcement_level=EnforcementLevel.MANDATORY,
        validate=_required_tags,
        config_schema=REQUIRED_TAGS,
    ),
]
