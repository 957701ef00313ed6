"""Every taggable AWS resource carries environment, stack, project, managed-by and the stack's tags."""

from __future__ import annotations

import importlib
import inspect
import json
from functools import cache

import pulumi_eks

from tests.graph import tag_values
from tests.stack_files import stack_config

REQUIRED_TAGS = ("environment", "stack", "project", "managed-by")


@cache
def takes_tags(type_token: str) -> bool:
    """Whether the SDK class behind a type token accepts a `tags` input."""
    package, module_path, class_name = type_token.split(":")
    if package == "eks":
        cls = getattr(pulumi_eks, class_name)
    else:
        module = importlib.import_module(f"pulumi_aws.{module_path.split('/')[0]}")
        cls = getattr(module, class_name)
    return "tags" in inspect.signature(cls._internal_init).parameters


def taggable(stack):
    return [r for r in stack.resources if r["type"].startswith(("aws:", "eks:index:")) and takes_tags(r["type"])]


def test_taggable_types_are_recognised():
    assert takes_tags("aws:ec2/vpc:Vpc")
    assert takes_tags("eks:index:ManagedNodeGroup")
    assert not takes_tags("aws:ec2/routeTableAssociation:RouteTableAssociation")


def test_every_taggable_aws_resource_is_tagged(any_stack):
    config = stack_config(any_stack.stack)
    expected = {
        "environment": config["eks-platform:environment"],
        "stack": any_stack.stack,
        "project": "eks-platform",
        "managed-by": "pulumi",
        **config["eks-platform:tags"],
    }
    resources = taggable(any_stack)
    assert len(resources) >= 20
    for resource in resources:
        tags = tag_values(resource)
        missing = {key: value for key, value in expected.items() if tags.get(key) != value}
        assert not missing, f"{resource['type']}::{resource['name']} lacks {missing}"


def test_provider_default_tags_catch_what_pulumi_eks_creates(any_stack):
    provider = any_stack.one("pulumi:providers:aws")
    default_tags = json.loads(provider["inputs"]["defaultTags"])["tags"]
    assert all(key in default_tags for key in REQUIRED_TAGS)


def test_instances_and_volumes_of_system_nodes_are_tagged(any_stack):
    template = any_stack.one("aws:ec2/launchTemplate:LaunchTemplate")
    kinds = {spec["resourceType"]: spec["tags"] for spec in template["inputs"]["tagSpecifications"]}
    assert {"instance", "volume"} <= set(kinds)
    assert all(all(key in tags for key in REQUIRED_TAGS) for tags in kinds.values())
