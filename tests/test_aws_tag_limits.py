"""Tags of every stack are within AWS's tag limits (botocore).

Resource tags are merged with the provider's default tags; launch template tag specifications and
pulumi-eks components' tag maps are checked too. Limits: tests/catalogues/tags.py.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from tests import catalogues as cat
from tests.aws_checks import aws_provider, decode_policy, open_findings
from tests.conftest import STACKS, graph
from tests.graph import Graph, ref

# ======================================================================================
# 4. Tag limits (botocore 1.44.5: iam tagKeyType/tagValueType/tagListType, ec2 Tag, eks TagMap)
# ======================================================================================


def default_tags(g: Graph, resource: dict[str, Any]) -> dict[str, Any]:
    """The `defaultTags.tags` of the explicit aws provider a resource uses (a JSON string in the plan)."""
    provider = aws_provider(g, resource)
    if provider is None:
        return {}
    configured = decode_policy(provider["inputs"].get("defaultTags") or "{}")
    return dict(configured.get("tags") or {})


def tag_maps(g: Graph) -> Iterator[tuple[str, dict[str, Any]]]:
    """(subject, tags as AWS will store them) for every tag set the stack declares.

    A resource's `tags` (and pulumi-eks's `*Tags` maps, e.g. nodeSecurityGroupTags) are merged
    over the provider's default tags, as the provider does; the extra maps also over `tags`, an
    upper bound of what pulumi-eks applies. Launch template tag specifications are taken alone:
    default tags do not reach them, they tag the instances and volumes EC2 launches.
    """
    for provider in g.of_type("pulumi:providers:aws"):
        yield f"{ref(provider)}.defaultTags", default_tags(g, {"provider": ref(provider)})
    for resource in g.resources:
        if not resource["type"].startswith(("aws:", "eks:index:")):
            continue
        inputs, defaults = resource["inputs"], default_tags(g, resource)
        own = inputs.get("tags") if isinstance(inputs.get("tags"), dict) else {}
        if "tags" in inputs:
            yield f"{ref(resource)}.tags", {**defaults, **own}
        for name, value in inputs.items():
            if name != "tags" and name.endswith("Tags") and isinstance(value, dict):
                yield f"{ref(resource)}.{name}", {**defaults, **own, **value}
        for spec in inputs.get("tagSpecifications") or []:
            yield f"{ref(resource)}.tagSpecifications[{spec.get('resourceType')}]", dict(spec.get("tags") or {})


def tag_problems(tags: dict[str, Any]) -> list[str]:
    limits = cat.tag_limits()
    found = []
    if len(tags) > limits.max_tags:
        found.append(f"{len(tags)} tags, more than {limits.max_tags}")
    for key, value in tags.items():
        found += [f"key {problem}" for problem in limits.key.problems(str(key))]
        if not isinstance(value, str):
            found.append(f"{key}: value {value!r} is not a string")
            continue
        found += [f"{key}: value {problem}" for problem in limits.value.problems(value)]
    return found


@pytest.mark.parametrize("stack", STACKS)
def test_every_tag_set_is_within_aws_tag_limits(stack):
    maps = dict(tag_maps(graph(stack)))
    kinds = {subject.split("::")[0] for subject in maps}
    assert {"pulumi:providers:aws", "eks:index:Cluster", "eks:index:ManagedNodeGroup", "aws:iam/role:Role"} <= kinds
    assert any(".tagSpecifications[" in subject for subject in maps)
    findings = {subject: problems for subject, tags in maps.items() if (problems := tag_problems(tags))}
    assert open_findings("tags", stack, findings) == {}


def test_tag_limits_come_from_the_models():
    limits = cat.tag_limits()
    assert (limits.max_tags, limits.key.max_len, limits.value.max_len) == (50, 127, 256)
    assert limits.key.forbidden_prefixes == ("aws:",)


@pytest.mark.parametrize(
    ("tags", "expected"),
    [
        ({f"k{i}": "v" for i in range(51)}, "51 tags, more than 50"),
        ({"k" * 128: "v"}, "128 characters, more than 127"),
        ({"": "v"}, "shorter than 1"),
        ({"cost,center": "v"}, "does not match"),
        ({"aws:cloudformation:stack": "v"}, "starts with the reserved 'aws:'"),
        ({"AWS:owner": "v"}, "starts with the reserved 'aws:'"),
        ({"owner": "v" * 257}, "257 characters, more than 256"),
        ({"owner": "team<a>"}, "does not match"),
        ({"owner": 3}, "is not a string"),
    ],
)
def test_tag_limits_reject(tags, expected):
    assert any(expected in problem for problem in tag_problems(tags)), tag_problems(tags)


def test_unicode_letters_and_spaces_are_valid_tag_characters():
    assert tag_problems({"Équipe": "plateforme données", "kubernetes.io/cluster/x": "owned", "empty": ""}) == []


def test_default_tags_count_towards_the_limit():
    defaults = json.dumps({"tags": {f"default-{i}": "v" for i in range(30)}})
    g = Graph(
        {
            "stack": "t",
            "resources": [
                {"type": "pulumi:providers:aws", "name": "aws", "provider": None, "inputs": {"defaultTags": defaults}},
                {
                    "type": "aws:s3/bucket:Bucket",
                    "name": "b",
                    "provider": "pulumi:providers:aws::aws",
                    "inputs": {"tags": {f"own-{i}": "v" for i in range(21)}},
                },
                {
                    "type": "aws:ec2/launchTemplate:LaunchTemplate",
                    "name": "lt",
                    "provider": "pulumi:providers:aws::aws",
                    "inputs": {"tagSpecifications": [{"resourceType": "instance", "tags": {"aws:x": "v"}}]},
                },
            ],
            "outputs": {},
        }
    )
    findings = {subject: tag_problems(tags) for subject, tags in tag_maps(g)}
    assert findings["aws:s3/bucket:Bucket::b.tags"] == ["51 tags, more than 50"]
    assert findings["pulumi:providers:aws::aws.defaultTags"] == []
    assert findings["aws:ec2/launchTemplate:LaunchTemplate::lt.tagSpecifications[instance]"] == [
        "key 'aws:x' starts with the reserved 'aws:'"
    ]
