"""required-tags: own tags and the AWS provider's defaultTags count together; which types take tags
comes from the pinned SDKs; Karpenter's EC2NodeClass carries the tags for the instances it launches."""

from __future__ import annotations

import inspect
from typing import Any

import pulumi
import pulumi_aws as aws
import pulumi_eks as eks
import pulumi_kubernetes as k8s
import pytest
from pulumi_policy import PolicyProviderResource
from pulumi_policy.proxy import unknown_checking_proxy

from offline_plan.evaluate import PROJECT_DIR
from offline_plan.stack_config import stack_settings
from policy.harness import RecordedGraph
from policy.rules.tags import default_tag_keys, is_ec2_node_class, takes_tags
from policy.stack_facts import facts_of
from tests.conftest import STACKS, graph
from tests.policy_programs import PROTECTED, TAGS, findings, findings_of_program

RULE = "required-tags"
KEY_ARN = "arn:aws:kms:us-east-1:111122223333:key/00000000-0000-0000-0000-000000000001"


def real_facts(stack: str) -> dict[str, Any]:
    return facts_of(stack_settings(PROJECT_DIR, stack))


def provider(default_tags: dict[str, str]) -> aws.Provider:
    return aws.Provider("tagging", region="us-east-1", default_tags=aws.ProviderDefaultTagsArgs(tags=default_tags))


def node_class(tags: dict[str, str]) -> None:
    k8s.apiextensions.CustomResource(
        "case", api_version="karpenter.k8s.aws/v1", kind="EC2NodeClass", metadata={"name": "default"},
        spec={"role": "karpenter-node", "amiSelectorTerms": [{"alias": "al2023@latest"}], "tags": tags},
    )  # fmt: skip


def test_a_resource_carrying_every_required_tag_passes() -> None:
    assert findings_of_program(RULE, lambda: aws.sqs.Queue("case", tags=TAGS)) == []


def test_a_missing_tag_is_named_with_what_is_required() -> None:
    [found] = findings_of_program(RULE, lambda: aws.sqs.Queue("case", tags={"environment": "test"}))
    assert found.resource == "aws:sqs/queue:Queue::case"
    assert "lack owner" in found.message
    assert "environment, owner" in found.message


def test_a_tag_given_only_by_the_providers_default_tags_counts() -> None:
    def defaults_carry_owner() -> None:
        aws.sqs.Queue("case", tags={"environment": "test"}, opts=pulumi.ResourceOptions(provider=provider(TAGS)))

    def defaults_carry_everything() -> None:
        aws.sqs.Queue("case", opts=pulumi.ResourceOptions(provider=provider(TAGS)))

    assert findings_of_program(RULE, defaults_carry_owner) == []
    assert findings_of_program(RULE, defaults_carry_everything) == []


def test_default_tags_lacking_a_key_do_not_cover_it() -> None:
    def defaults_lack_owner() -> None:
        aws.sqs.Queue("case", opts=pulumi.ResourceOptions(provider=provider({"environment": "test"})))

    [found] = findings_of_program(RULE, defaults_lack_owner)
    assert "lack owner" in found.message


def test_a_type_the_sdk_gives_no_tags_is_not_asked_for_them() -> None:
    assert "tags" not in inspect.signature(aws.iam.RolePolicyArgs.__init__).parameters
    assert not takes_tags("aws:iam/rolePolicy:RolePolicy")

    def untagged_role_policy() -> None:
        aws.iam.RolePolicy("case", role="some-role", policy='{"Version": "2012-10-17", "Statement": []}')

    assert findings_of_program(RULE, untagged_role_policy) == []


@pytest.mark.parametrize(
    ("type_token", "taggable"),
    [
        ("aws:s3/bucket:Bucket", True),
        ("aws:lambda/function:Function", True),  # module pulumi_aws.lambda_
        ("aws:iam/role:Role", True),
        ("eks:index:Cluster", True),
        ("eks:index:ManagedNodeGroup", True),
        ("aws:ec2/routeTableAssociation:RouteTableAssociation", False),
        ("aws:iam/rolePolicy:RolePolicy", False),
        ("aws:s3/noSuchThing:NoSuchThing", False),
        ("random:index/randomPassword:RandomPassword", False),  # not AWS
        ("pulumi:providers:aws", False),
    ],
)
def test_taggability_comes_from_the_sdks(type_token: str, taggable: bool) -> None:
    assert takes_tags(type_token) is taggable


def test_an_eks_component_without_the_tags_is_refused() -> None:
    def cluster(tags: dict[str, str] | None) -> None:
        eks.Cluster(
            "case", vpc_id="vpc-0123", private_subnet_ids=["subnet-a", "subnet-b"], skip_default_node_group=True,
            authentication_mode=eks.AuthenticationMode.API, encryption_config_key_arn=KEY_ARN, tags=tags,
        )  # fmt: skip

    assert findings_of_program(RULE, lambda: cluster(TAGS)) == []
    [found] = findings_of_program(RULE, lambda: cluster(None))
    assert found.resource == "eks:index:Cluster::case"
    assert "lack environment, owner" in found.message


def test_tags_given_as_a_list_of_blocks_are_read() -> None:
    def group(tags: dict[str, str]) -> None:
        blocks = [aws.autoscaling.GroupTagArgs(key=k, value=v, propagate_at_launch=True) for k, v in tags.items()]
        aws.autoscaling.Group("case", min_size=0, max_size=1, availability_zones=["us-east-1a"], tags=blocks)

    assert findings_of_program(RULE, lambda: group(TAGS)) == []
    [found] = findings_of_program(RULE, lambda: group({"owner": "platform-team"}))
    assert "lack environment" in found.message


def test_karpenter_node_classes_carry_the_tags_for_their_instances() -> None:
    assert findings_of_program(RULE, lambda: node_class(TAGS)) == []
    [found] = findings_of_program(RULE, lambda: node_class({"environment": "test"}))
    assert found.resource.endswith("EC2NodeClass::case")
    assert "spec.tags lack owner" in found.message


def test_the_stacks_required_tags_come_from_the_policy_config() -> None:
    stricter = {**PROTECTED, "requiredTags": ["environment", "owner", "cost-center"]}
    [found] = findings_of_program(RULE, lambda: aws.sqs.Queue("case", tags=TAGS), stricter)
    assert "lack cost-center" in found.message


@pytest.mark.parametrize("stack", STACKS)
def test_every_real_stack_passes(stack: str) -> None:
    assert findings(graph(stack).plan, RULE, real_facts(stack)) == []


@pytest.mark.parametrize("stack", STACKS)
def test_the_rule_examined_the_real_stacks_taggable_resources_and_node_class(stack: str) -> None:
    assert len(real_facts(stack)["requiredTags"]) >= 6
    resources = graph(stack).resources
    assert len([r for r in resources if takes_tags(r["type"])]) >= 20
    assert any(r["type"].startswith("eks:index:") and takes_tags(r["type"]) for r in resources)
    assert len([r for r in resources if is_ec2_node_class(r["type"])]) == 1


def test_the_real_provider_default_tags_arrive_as_json_text_and_are_read() -> None:
    prod = RecordedGraph(graph("prod").plan)
    queue = next(r for r in prod.resources if r.resource_type == "aws:sqs/queue:Queue")
    assert isinstance(queue.provider.props["defaultTags"], str)
    assert set(real_facts("prod")["requiredTags"]) <= default_tag_keys(queue.provider)


def test_default_tags_given_as_an_object_are_read_too() -> None:
    props = unknown_checking_proxy({"region": "us-east-1", "defaultTags": {"tags": TAGS}})
    as_object = PolicyProviderResource("pulumi:providers:aws", props, "urn:pulumi:s::p::pulumi:providers:aws::a", "a")
    assert default_tag_keys(as_object) == set(TAGS)
