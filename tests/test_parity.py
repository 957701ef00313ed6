"""The DR pair is one graph: prod against prod-dr planned as active (its promotion's settings
change) differs only where disaster_recovery/data/parity_allowed.yaml says, with its reason."""

from __future__ import annotations

from typing import Any

import pytest

from disaster_recovery import check_parity
from disaster_recovery.parity import allowed_rules, normalized
from offline_plan.__main__ import main as plan_command
from tests.conftest import graph, plan_with
from tests.conftest import promoted as promoted_graph
from tests.project_copy import edit_config, project_copy


def promoted(config: dict[str, Any]) -> None:
    config["eks-platform:dr"]["role"] = "active"


def standby_as_active(*changes: Any) -> dict:
    if not changes:
        return promoted_graph("prod-dr").plan

    def mutate(config: dict[str, Any]) -> None:
        promoted(config)
        for change in changes:
            change(config)

    return plan_with("prod-dr", mutate).plan


def general_pool_without_r(config: dict[str, Any]) -> None:
    config["eks-platform:karpenter"]["nodePools"]["general"]["instanceCategories"] = ["c", "m"]


def shorter_retention(config: dict[str, Any]) -> None:
    config["eks-platform:observability"]["prometheusRetention"] = "7d"


def test_the_sample_pair_is_clean():
    report = check_parity(graph("prod").plan, standby_as_active())
    assert report.clean, report.lines()


def test_every_declared_allowance_is_used_by_the_sample_pair():
    """An allowance nothing needs any more would silently excuse a future drift."""
    report = check_parity(graph("prod").plan, standby_as_active())
    used = {finding.why for finding in report.findings}
    declared = {rule["why"] for rule in allowed_rules()["paths"] + allowed_rules()["only_in_one"]}
    assert declared == used


@pytest.mark.parametrize(
    ("change", "resource"),
    [
        (general_pool_without_r, "kubernetes:karpenter.sh/v1:NodePool::nodepool-general"),
        (shorter_retention, "kubernetes:helm.sh/v3:Release::kube-prometheus-stack"),
    ],
)
def test_a_change_to_one_stack_file_only_fails_the_check(change, resource):
    report = check_parity(graph("prod").plan, standby_as_active(change))
    assert not report.clean
    assert {finding.ref for finding in report.unexplained} == {resource}
    assert any(line.startswith(f"  NOT ALLOWED: {resource}") for line in report.lines())


def test_the_same_change_to_both_stack_files_keeps_the_pair_clean():
    both = plan_with("prod", general_pool_without_r).plan
    assert check_parity(both, standby_as_active(general_pool_without_r)).clean


def test_networks_are_compared_as_offsets_from_each_vpc():
    """Another non-overlapping /16 with the same layout is the same network plan; a subnet that
    moves within the VPC is not."""
    plan = graph("prod-dr").plan
    text = str(normalized(plan, "prod")["resources"])
    assert "10.30." not in text
    assert "<vpc>+0/16" in text
    moved = standby_as_active(lambda config: config["eks-platform:network"].update(vpcCidr="10.40.0.0/16"))
    assert check_parity(graph("prod").plan, moved).clean


def test_make_plan_fails_when_the_pair_drifts(tmp_path, capsys):
    project = project_copy(tmp_path)
    edit_config(
        project, "prod-dr", lambda config: config["eks-platform:observability"].update(prometheusRetention="7d")
    )
    status = plan_command(["--project-dir", str(project), "--out", str(project / "plan"), "prod", "prod-dr"])
    out, err = capsys.readouterr()
    assert status != 0
    assert "parity prod / prod-dr (as active): 1 difference(s) not allowed" in out
    assert "stack 'prod-dr' is not the same graph as 'prod'" in err


def small_plan(stack: str, region: str, cidr: str, depends_on: list[str], protect: bool) -> dict:
    def resource(kind: str, name: str, inputs: dict, **extra: Any) -> dict:
        return {"type": kind, "name": name, "parent": None, "custom": True, "dependencies": [], "dependsOn": [],
                "protect": False, "inputs": inputs, "aliases": [], **extra}  # fmt: skip

    return {
        "project": "eks-platform", "stack": stack, "outputs": {"region": region},
        "resources": [
            resource("aws:ec2/vpc:Vpc", f"eks-platform-{stack}-vpc", {"cidrBlock": cidr}),
            resource("aws:kms/key:Key", f"eks-platform-{stack}-data", {}, dependsOn=depends_on, protect=protect),
        ],
    }  # fmt: skip


@pytest.mark.parametrize("field", ["(dependsOn)", "(protect)"])
def test_what_the_engine_waits_for_and_refuses_to_delete_is_part_of_parity(field):
    """Inputs alike, but the standby's key does not wait for its VPC, or is not protected."""
    active = small_plan("prod", "us-east-1", "10.20.0.0/16", ["aws:ec2/vpc:Vpc::eks-platform-prod-vpc"], True)
    waits = [] if field == "(dependsOn)" else ["aws:ec2/vpc:Vpc::eks-platform-prod-dr-vpc"]
    standby = small_plan("prod-dr", "us-west-2", "10.30.0.0/16", waits, field != "(protect)")
    report = check_parity(active, standby)
    assert [(f.ref, f.path) for f in report.unexplained] == [("aws:kms/key:Key::<cluster>-data", field)]
