"""One account per stack, enforced by the provider; account-wide roles owned by exactly one stack."""

from __future__ import annotations

import dataclasses
import json

import pytest

from settings import SettingsError, parse_settings
from settings.project import StackFacts
from settings.source import stack_files
from tests.stack_files import stack_config

SPOT_ROLE = "aws:iam/serviceLinkedRole:ServiceLinkedRole"


def account_of(stack: str) -> str:
    return stack_config(stack)["eks-platform:account"]["id"]


def test_the_provider_refuses_every_account_but_the_stacks_own(any_stack):
    provider = any_stack.one("pulumi:providers:aws")
    assert json.loads(provider["inputs"]["allowedAccountIds"]) == [account_of(any_stack.stack)]


def test_the_plans_arns_name_the_stacks_account(any_stack):
    account = account_of(any_stack.stack)
    queue = any_stack.one("aws:sqs/queuePolicy:QueuePolicy")
    assert f":{account}:" in json.loads(queue["inputs"]["policy"])["Statement"][0]["Resource"]


def test_every_account_whose_stacks_use_spot_has_exactly_one_spot_role_owner(any_stack):
    stacks = stack_files()
    account = account_of(any_stack.stack)
    owners = [
        name for name, facts in stacks.items() if facts.account_id == account and facts.owns_spot_service_linked_role
    ]
    assert any(facts.uses_spot for facts in stacks.values() if facts.account_id == account)
    assert len(owners) == 1
    declared = any_stack.of_type(SPOT_ROLE)
    assert len(declared) == (1 if owners == [any_stack.stack] else 0)


def test_the_spot_role_is_created_for_spot_and_protected_where_state_is(dev, prod):
    for stack in (dev, prod):
        (role,) = stack.of_type(SPOT_ROLE)
        assert role["inputs"]["awsServiceName"] == "spot.amazonaws.com"
        assert role["protect"] is (stack is prod)
    # Spot capacity waits for it: dev's Spot system nodes and Karpenter's controller.
    role_ref = f"{SPOT_ROLE}::spot-service-linked-role"
    assert role_ref in dev.one("eks:index:ManagedNodeGroup")["dependsOn"]
    assert role_ref in prod.one("kubernetes:helm.sh/v3:Release", "karpenter")["dependsOn"]


def with_account(stack: str, *, owns: bool, others: dict[str, StackFacts]):
    config = stack_config(stack)
    config["eks-platform:account"]["ownsSpotServiceLinkedRole"] = owns
    return lambda: {**stack_files(), **others}, config


def test_a_second_owner_in_one_account_is_refused():
    stacks, config = with_account("prod-dr", owns=True, others={})
    with pytest.raises(SettingsError) as refused:
        parse_settings("eks-platform", "prod-dr", config, stacks)
    assert refused.value.key == "eks-platform:account.ownsSpotServiceLinkedRole"
    assert "prod" in refused.value.allowed


def test_an_account_using_spot_without_an_owner_is_refused():
    prod = dataclasses.replace(stack_files()["prod"], owns_spot_service_linked_role=False)
    stacks, config = with_account("prod-dr", owns=False, others={"prod": prod})
    with pytest.raises(SettingsError) as refused:
        parse_settings("eks-platform", "prod-dr", config, stacks)
    assert refused.value.key == "eks-platform:account.ownsSpotServiceLinkedRole"
    assert "AWSServiceRoleForEC2Spot" in refused.value.allowed


def test_stacks_in_other_accounts_do_not_count():
    stranger = StackFacts("other", "eu-west-1", "10.99.0.0/16", "444455556666", True, True)
    stacks, config = with_account("dev", owns=True, others={"other": stranger})
    assert parse_settings("eks-platform", "dev", config, stacks).account.owns_spot_service_linked_role
