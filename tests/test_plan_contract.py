"""build/plan/<stack>.json: the stable contract later work reads."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import yaml
from pulumi.runtime import rpc

from offline_plan.evaluate import PROJECT_DIR, evaluate_stack
from offline_plan.plan_file import build_plan, plain, resource_ref
from tests.graph import ref
from tests.stack_files import stack_config

RESOURCE_KEYS = {
    "type",
    "name",
    "parent",
    "provider",
    "custom",
    "dependencies",
    "dependsOn",
    "propertyDependencies",
    "protect",
    "inputs",
    "aliases",
}
# Children that pulumi-eks creates inside its remote components; the mocks stand them in.
REMOTE_CHILD_TYPES = {"aws:eks/cluster:Cluster", "aws:eks/nodeGroup:NodeGroup"}


def test_plan_document_shape(any_stack):
    assert set(any_stack.plan) == {"project", "stack", "resources", "outputs"}
    assert any_stack.plan["project"] == "eks-platform"
    for resource in any_stack.resources:
        assert set(resource) == RESOURCE_KEYS
        assert isinstance(resource["custom"], bool)
        assert isinstance(resource["protect"], bool)


def test_references_name_resources_of_the_plan_by_type_and_name(any_stack):
    known = {ref(r) for r in any_stack.resources} | {f"pulumi:pulumi:Stack::eks-platform-{any_stack.stack}"}
    for resource in any_stack.resources:
        for reference in [resource["parent"], resource["provider"], *resource["dependencies"]]:
            if reference is None:
                continue
            assert reference in known or reference.split("::")[0] in REMOTE_CHILD_TYPES, reference


def test_depends_on_is_the_explicit_subset_of_dependencies(any_stack):
    for resource in any_stack.resources:
        assert set(resource["dependsOn"]) <= set(resource["dependencies"])
    # The flow log's role and log group feed its inputs, so they are not explicit edges.
    flow_log = any_stack.one("aws:ec2/flowLog:FlowLog")
    assert flow_log["dependencies"]
    assert flow_log["dependsOn"] == []


def test_property_dependencies_say_which_input_carries_each_dependency(any_stack):
    for resource in any_stack.resources:
        for refs in resource["propertyDependencies"].values():
            assert set(refs) <= set(resource["dependencies"])
    # The flow log's role feeds iamRoleArn: a rule can follow that input to the role.
    flow_log = any_stack.one("aws:ec2/flowLog:FlowLog")
    [role] = flow_log["propertyDependencies"]["iamRoleArn"]
    assert role.startswith("aws:iam/role:Role::")


def test_numbers_are_ints_when_integral(any_stack):
    def floats(value):
        if isinstance(value, float):
            yield value
        elif isinstance(value, dict):
            for item in value.values():
                yield from floats(item)
        elif isinstance(value, list):
            for item in value:
                yield from floats(item)

    assert not [f for f in floats(any_stack.plan) if f.is_integer()]
    assert isinstance(
        any_stack.one("aws:ec2/launchTemplate:LaunchTemplate")["inputs"]["metadataOptions"]["httpPutResponseHopLimit"],
        int,
    )


def test_secrets_are_redacted_everywhere(any_stack):
    from tests.conftest import evaluation

    kubeconfig = evaluation(any_stack.stack).outputs["kubeconfig"]
    assert kubeconfig.secret
    assert any_stack.outputs["kubeconfig"] == "[secret]"
    text = any_stack.text()
    assert "client.authentication.k8s.io" not in text
    assert kubeconfig.value[:40] not in text


def test_plain_redacts_nested_secrets_and_converts_floats():
    value = {"a": [1.0, 2.5, rpc.wrap_rpc_secret("hunter2")], "b": {"c": rpc.wrap_rpc_secret({"d": 1})}}
    assert plain(value) == {"a": [1, 2.5, "[secret]"], "b": {"c": {"d": "[secret]"}}}


def test_resource_ref_reads_nested_component_urns():
    urn = "urn:pulumi:dev::eks-platform::eks-platform:components:Cluster$eks:index:Cluster::eks-platform-dev"
    assert resource_ref(urn) == "eks:index:Cluster::eks-platform-dev"


def test_evaluation_is_deterministic_per_stack():
    first = json.dumps(build_plan(evaluate_stack("dev")), sort_keys=True)
    evaluate_stack("prod")
    assert json.dumps(build_plan(evaluate_stack("dev")), sort_keys=True) == first


def test_plan_cli_writes_one_json_per_stack_and_a_summary(tmp_path: Path):
    result = subprocess.run(
        [sys.executable, "-m", "offline_plan", "--out", str(tmp_path), "dev", "prod-dr"],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "dev", "dev.cost.json", "dev.json", "dev.policy.json",
        "prod-dr", "prod-dr.cost.json", "prod-dr.json", "prod-dr.policy.json",
    ]  # fmt: skip
    assert json.loads((tmp_path / "dev.cost.json").read_text())["monthly"] > 0
    assert result.stdout.count("cost: $") == 2
    assert result.stdout.count("deploy time from empty:") == 2
    assert "promotion to active:" in result.stdout  # prod-dr is a standby with an RTO target
    assert "target prod-dr: standby share unknown" in result.stdout  # prod was not planned in this run
    deployment = yaml.safe_load((tmp_path / "dev" / "manifests" / "deployment-web-web.yaml").read_text())
    assert (deployment["apiVersion"], deployment["kind"]) == ("apps/v1", "Deployment")
    assert list(deployment)[:3] == ["apiVersion", "kind", "metadata"]
    assert "Stack prod-dr:" in result.stdout
    assert "By type:" in result.stdout
    assert "Component tree:" in result.stdout
    # Every admin path is visible: the one EKS creates for the deployer is named per stack.
    for stack in ("dev", "prod-dr"):
        deployer = stack_config(stack)["eks-platform:cluster"]["deployerPrincipal"]
        assert f"  {deployer}: AmazonEKSClusterAdminPolicy" in result.stdout
    plan = json.loads((tmp_path / "prod-dr.json").read_text())
    assert plan["stack"] == "prod-dr"
    assert plan["outputs"]["region"] == "us-west-2"


def test_plan_cli_rejects_an_unknown_stack(tmp_path: Path):
    result = subprocess.run(
        [sys.executable, "-m", "offline_plan", "--out", str(tmp_path), "staging"],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "Pulumi.staging.yaml" in result.stderr
