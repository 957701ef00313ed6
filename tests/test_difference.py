"""`make diff`: resources matched by engine identity (aliases included), input paths that changed,
and the loud part: data destroyed by a replacement or a deletion."""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pulumi_aws as aws
import pytest

from difference import alarms, compare_plans
from difference.replacements import replacement_table
from offline_plan.evaluate import evaluate_stack
from offline_plan.plan_file import build_plan
from tests.conftest import dev_with_another_vpc_cidr, graph

COMPONENT = "eks-platform:workloads:Web"
BUCKET = "aws:s3/bucket:Bucket"


def resource(kind: str, name: str, parent: str | None = None, inputs: dict | None = None, **extra: Any) -> dict:
    return {
        "type": kind, "name": name, "parent": parent, "custom": not kind.startswith("eks-platform:"),
        "dependencies": [], "dependsOn": [], "protect": False, "inputs": inputs or {}, "aliases": [], **extra,
    }  # fmt: skip


def plan(*resources: dict) -> dict:
    return {"stack": "t", "resources": list(resources), "outputs": {}}


def web_with_bucket(component_name: str, bucket_name: str, **bucket_extra: Any) -> dict:
    return plan(
        resource(COMPONENT, component_name),
        resource(BUCKET, bucket_name, f"{COMPONENT}::{component_name}", **bucket_extra),
    )


# --- hand-built graphs ------------------------------------------------------------------------


def test_a_renamed_bucket_without_an_alias_is_a_replacement_of_data():
    difference = compare_plans(web_with_bucket("web", "web-data"), web_with_bucket("web", "web-store"))
    assert difference.removed == [f"{BUCKET}::web-data"]
    assert difference.added == [f"{BUCKET}::web-store"]
    [alarm] = alarms(difference)
    assert (alarm.ref, alarm.kind) == (f"{BUCKET}::web-data", "replaced")


def test_an_alias_to_the_old_name_keeps_the_bucket():
    head = web_with_bucket("web", "web-store", aliases=[{"name": "web-data"}])
    difference = compare_plans(web_with_bucket("web", "web-data"), head)
    assert (difference.added, difference.removed) == ([], [])
    assert difference.renamed == {f"{BUCKET}::web-store": f"{BUCKET}::web-data"}
    assert alarms(difference) == []


def test_an_alias_naming_the_wrong_old_name_does_not_keep_it():
    head = web_with_bucket("web", "web-store", aliases=[{"name": "web-dta"}])
    assert [alarm.kind for alarm in alarms(compare_plans(web_with_bucket("web", "web-data"), head))] == ["replaced"]


def test_a_new_parent_type_is_a_new_identity_unless_aliased_to_the_old_parent():
    """The URN holds the ancestors' types: moving a bucket out of its component replaces it."""
    base = web_with_bucket("web", "web-data")
    moved = plan(resource(COMPONENT, "web"), resource(BUCKET, "web-data"))
    assert alarms(compare_plans(base, moved))[0].kind == "replaced"
    aliased = plan(resource(COMPONENT, "web"), resource(BUCKET, "web-data", aliases=[{"parent": f"{COMPONENT}::web"}]))
    assert alarms(compare_plans(base, aliased)) == []


def test_children_follow_an_aliased_parent_and_its_name_prefix():
    """The engine's inherited aliases: a child named after its parent takes the parent's old name."""
    base = web_with_bucket("web", "web-data")
    head = plan(
        resource(COMPONENT, "site", aliases=[{"name": "web"}]),
        resource(BUCKET, "site-data", f"{COMPONENT}::site"),
    )
    difference = compare_plans(base, head)
    assert difference.renamed == {
        f"{COMPONENT}::site": f"{COMPONENT}::web",
        f"{BUCKET}::site-data": f"{BUCKET}::web-data",
    }
    assert alarms(difference) == []


def test_a_protected_resource_counts_as_holding_data_whatever_its_type():
    base = plan(resource("aws:iam/role:Role", "keep", protect=True))
    assert replacement_table()["aws:iam/role:Role"]["holds_data"] is False
    [alarm] = alarms(compare_plans(base, plan()))
    assert alarm.kind == "deleted"


def test_changed_paths_are_dotted_with_list_indexes_and_json_documents_opened():
    before = {
        "spec": {"ports": [{"port": 80}, {"port": 443}]},
        "policy": json.dumps({"Statement": [{"Action": "s3:GetObject"}]}),
    }
    after = {
        "spec": {"ports": [{"port": 80}, {"port": 8443}]},
        "policy": json.dumps({"Statement": [{"Action": "s3:*"}]}),
    }
    difference = compare_plans(
        plan(resource("x:y/z:Z", "a", inputs=before)), plan(resource("x:y/z:Z", "a", inputs=after))
    )
    changes = {change.path: (change.before, change.after) for change in difference.changed["x:y/z:Z::a"]}
    assert changes == {
        "policy(json).Statement[0].Action": ("s3:GetObject", "s3:*"),
        "spec.ports[1].port": ("443", "8443"),
    }


def test_secret_values_are_never_shown_and_large_ones_are_summarised():
    before = {"password": "[secret]", "script": "x" * 500}
    after = {"password": "[secret]", "script": "y" * 500, "data": {"key": "[secret]"}}
    difference = compare_plans(
        plan(resource("x:y/z:Z", "a", inputs=before)), plan(resource("x:y/z:Z", "a", inputs=after))
    )
    changes = {change.path: (change.before, change.after) for change in difference.changed["x:y/z:Z::a"]}
    assert changes == {
        "data": ("(absent)", "[secret]"),
        "script": ("(text of 500 characters)", "(text of 500 characters)"),
    }


# --- the replacement table against the SDKs ------------------------------------------------------


def test_every_type_the_stacks_declare_is_in_the_table_with_a_source():
    declared = {r["type"] for stack in ("dev", "prod", "prod-dr") for r in graph(stack).plan["resources"]}
    table = replacement_table()
    assert declared <= set(table)
    assert all(entry["source"] for entry in table.values())


def test_every_replacing_input_is_an_input_the_resource_has():
    """A trigger that names no real input would never fire; the names come from the SDK classes."""
    from tests.catalogues.pulumi_inputs import input_names

    unknown = {
        (kind, trigger.split(".")[0])
        for kind, entry in replacement_table().items()
        for trigger in entry.get("replace_on") or []
        if (names := input_names(kind)) is not None and trigger.split(".")[0] not in names
    }
    assert unknown == set()


# --- the real stacks ---------------------------------------------------------------------------


def test_a_changed_vpc_cidr_is_flagged_as_a_replacement():
    changed = dev_with_another_vpc_cidr()
    found = {(alarm.ref, alarm.kind) for alarm in alarms(compare_plans(graph("dev").plan, changed.plan))}
    assert ("aws:ec2/vpc:Vpc::eks-platform-dev-vpc", "replacing input") in found


def renamed_web_bucket(monkeypatch: pytest.MonkeyPatch, alias: bool) -> dict:
    """prod's program with its web bucket renamed in code, as a refactor would, with or without an alias."""
    real = aws.s3.Bucket

    def bucket(name: str, *args: Any, opts: pulumi.ResourceOptions | None = None, **kwargs: Any) -> aws.s3.Bucket:
        if name == "eks-platform-prod-web":
            name = "eks-platform-prod-site"
            if alias:
                opts = pulumi.ResourceOptions.merge(
                    opts, pulumi.ResourceOptions(aliases=[pulumi.Alias(name="eks-platform-prod-web")])
                )
        return real(name, *args, opts=opts, **kwargs)

    monkeypatch.setattr(aws.s3, "Bucket", bucket)
    evaluation = evaluate_stack("prod")
    assert evaluation.error is None
    return build_plan(evaluation)


def test_renaming_the_real_web_bucket_without_an_alias_is_caught(monkeypatch):
    found = alarms(compare_plans(graph("prod").plan, renamed_web_bucket(monkeypatch, alias=False)))
    assert (f"{BUCKET}::eks-platform-prod-web", "replaced") in {(alarm.ref, alarm.kind) for alarm in found}


def test_renaming_the_real_web_bucket_with_an_alias_is_not(monkeypatch):
    difference = compare_plans(graph("prod").plan, renamed_web_bucket(monkeypatch, alias=True))
    assert difference.renamed == {f"{BUCKET}::eks-platform-prod-site": f"{BUCKET}::eks-platform-prod-web"}
    assert alarms(difference) == []


def test_the_same_stack_planned_twice_has_no_difference():
    assert compare_plans(graph("prod").plan, graph("prod").plan).empty
