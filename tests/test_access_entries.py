"""Every cluster admin path is visible, and none collides with the one EKS creates itself."""

from __future__ import annotations

import json

import pytest

from program import implicit_access_entries
from settings import SettingsError, parse_settings
from settings.source import stack_files
from tests.stack_files import stack_config

CLUSTER = "eks:index:Cluster"


def deployer(stack: str) -> str:
    return stack_config(stack)["eks-platform:cluster"]["deployerPrincipal"]


def test_the_deployer_is_never_declared_as_an_access_entry(any_stack):
    # pulumi-eks 4.x always creates the cluster with bootstrapClusterCreatorAdminPermissions, so
    # EKS gives the creator an entry of its own; declaring one too fails with ResourceInUseException.
    entries = any_stack.one(CLUSTER)["inputs"]["accessEntries"]
    declared = {entry["principalArn"] for entry in entries.values()}
    assert deployer(any_stack.stack) not in declared
    assert declared, "the stack declares its admins"


def test_the_provider_and_the_kubeconfig_act_as_the_deployer(any_stack):
    """Whoever runs `pulumi up`, the cluster's creator is the deployer role, so the implicit entry is known."""
    provider = any_stack.one("pulumi:providers:aws")
    (assume,) = json.loads(provider["inputs"]["assumeRoles"])
    assert assume["roleArn"] == deployer(any_stack.stack)
    cluster = any_stack.one(CLUSTER)
    assert cluster["inputs"]["providerCredentialOpts"]["roleArn"] == deployer(any_stack.stack)


def test_the_implicit_entry_is_a_stack_output(any_stack):
    (entry,) = any_stack.outputs["implicitAccessEntries"]
    assert entry["principalArn"] == deployer(any_stack.stack)
    assert entry["accessPolicy"].endswith("/AmazonEKSClusterAdminPolicy")


def test_a_deployer_listed_among_the_admins_is_refused():
    config = stack_config("prod")
    config["eks-platform:cluster"]["adminPrincipals"].append(deployer("prod"))
    with pytest.raises(SettingsError) as refused:
        parse_settings("eks-platform", "prod", config, stack_files)
    assert refused.value.key == "eks-platform:cluster.adminPrincipals"
    assert refused.value.value == deployer("prod")
    assert "ResourceInUseException" in refused.value.allowed


def test_a_deployer_in_another_account_is_refused():
    config = stack_config("dev")
    config["eks-platform:cluster"]["deployerPrincipal"] = "arn:aws:iam::999999999999:role/platform-deployer"
    with pytest.raises(SettingsError) as refused:
        parse_settings("eks-platform", "dev", config, stack_files)
    assert refused.value.key == "eks-platform:cluster.deployerPrincipal"


def test_implicit_entries_follow_settings():
    settings = parse_settings("eks-platform", "dev", stack_config("dev"), stack_files)
    assert [entry["principalArn"] for entry in implicit_access_entries(settings)] == [deployer("dev")]
