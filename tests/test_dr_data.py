"""Data that crosses regions: Velero's backups, the buckets' replication to the peer, the
standby's restore test, the promotion's restore, and the first deploy of a pair from empty."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import yaml
from croniter import croniter

from offline_plan.evaluate import evaluate_stack
from offline_plan.plan_file import build_plan
from tests.conftest import graph, plan_with
from tests.graph import Graph
from tests.stack_files import stack_config

REPLICATION = "aws:s3/bucketReplicationConfig:BucketReplicationConfig"
BUCKET = "aws:s3/bucket:Bucket"
SCHEDULE = "kubernetes:velero.io/v1:Schedule"
RESTORE = "kubernetes:velero.io/v1:Restore"
RELEASE = "kubernetes:helm.sh/v3:Release"
CRON_JOB = "kubernetes:batch/v1:CronJob"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"


@cache
def first_deploy(stack: str) -> Graph:
    """The stack with nothing else deployed: its peer has no outputs to read yet."""
    evaluation = evaluate_stack(stack, deployed={})
    assert evaluation.error is None, evaluation.error
    return Graph(build_plan(evaluation))


def region(stack: str) -> str:
    return str(stack_config(stack)["aws:region"])


def peer_bucket_names(peer: Graph) -> set[str]:
    """The buckets the peer exports for replication, each one the peer declares: the backup
    bucket by its fixed name, the web bucket by the name its evaluation resolved."""
    dr = peer.outputs["dr"]
    backup = peer.one(BUCKET, f"eks-platform-{peer.stack}-velero-backups")
    assert backup["inputs"]["bucket"] == dr["backupBucket"]
    assert dr["webBucket"].startswith(f"eks-platform-{peer.stack}-web-")
    return {dr["backupBucket"], dr["webBucket"]}


def backup_location(stack: Graph) -> dict[str, Any]:
    values = stack.one(RELEASE, "velero")["inputs"]["values"]
    (location,) = values["configuration"]["backupStorageLocation"]
    return dict(location)


# --- Replication to the peer ------------------------------------------------------------------


def test_the_active_stack_replicates_both_buckets_into_the_buckets_its_peer_declares(prod):
    peer = graph("prod-dr")
    peer_buckets = peer_bucket_names(peer)
    peer_key = peer.outputs["dr"]["dataKeyArn"]
    rules = [r["inputs"]["rules"] for r in prod.of_type(REPLICATION)]
    assert len(rules) == 2
    for (rule,) in rules:
        destination = rule["destination"]
        assert destination["bucket"].removeprefix("arn:aws:s3:::") in peer_buckets
        # Re-encrypted with a key of the peer's region, the one the peer's buckets use.
        assert destination["encryptionConfiguration"]["replicaKmsKeyId"] == peer_key
        assert f":{region('prod-dr')}:" in peer_key
        assert destination["replicationTime"] == {"status": "Enabled", "time": {"minutes": 15}}
        assert rule["deleteMarkerReplication"] == {"status": "Enabled"}
        assert rule["sourceSelectionCriteria"]["sseKmsEncryptedObjects"] == {"status": "Enabled"}


def test_the_standby_and_dev_replicate_nothing(prod_dr, dev):
    assert prod_dr.of_type(REPLICATION) == []
    assert dev.of_type(REPLICATION) == []


def test_replication_waits_for_the_source_buckets_versioning(prod):
    for replication in prod.of_type(REPLICATION):
        depends = replication["dependsOn"]
        assert any(ref.startswith("aws:s3/bucketVersioning:BucketVersioning::") for ref in depends), depends


def test_the_replication_role_reads_the_source_and_writes_only_the_peers_bucket(prod):
    peer_arns = {f"arn:aws:s3:::{name}" for name in peer_bucket_names(graph("prod-dr"))}
    for policy in (p for p in prod.of_type(ROLE_POLICY) if p["name"].endswith("-replication")):
        statements = {s["Sid"]: s for s in json.loads(policy["inputs"]["policy"])["Statement"]}
        writes = statements["WriteReplicas"]
        assert writes["Resource"].removesuffix("/*") in peer_arns
        assert set(writes["Action"]) == {"s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"}
        # Each key only through S3 of its own region.
        assert statements["DecryptSourceObjects"]["Condition"]["StringEquals"]["kms:ViaService"] == (
            f"s3.{region('prod')}.amazonaws.com"
        )
        assert statements["EncryptReplicas"]["Condition"]["StringEquals"]["kms:ViaService"] == (
            f"s3.{region('prod-dr')}.amazonaws.com"
        )
        assert all("*" not in action for s in statements.values() for action in _actions(s))


def _actions(statement: dict[str, Any]) -> list[str]:
    actions = statement["Action"]
    return [actions] if isinstance(actions, str) else list(actions)


def test_only_s3_acting_for_the_source_bucket_may_assume_the_replication_role(prod):
    for role in (r for r in prod.of_type("aws:iam/role:Role") if r["name"].endswith("-replication")):
        (statement,) = json.loads(role["inputs"]["assumeRolePolicy"])["Statement"]
        assert statement["Principal"] == {"Service": "s3.amazonaws.com"}
        assert (
            statement["Condition"]["StringEquals"]["aws:SourceAccount"]
            == stack_config("prod")["eks-platform:account"]["id"]
        )
        assert statement["Condition"]["ArnEquals"]["aws:SourceArn"].startswith("arn:aws:s3:::eks-platform-prod-")


# --- First deploy from empty ----------------------------------------------------------------------


def test_first_deploy_without_the_peer_leaves_replication_out_and_says_so():
    alone = first_deploy("prod")
    assert alone.of_type(REPLICATION) == []
    (pending,) = alone.outputs["dr"]["pending"]
    assert "prod-dr" in pending
    assert "pulumi up" in pending
    assert "replication" not in alone.outputs["dr"]


def test_the_second_up_after_the_peer_exists_completes_it(prod):
    assert prod.outputs["dr"]["pending"] == []
    replication = prod.outputs["dr"]["replication"]
    assert replication["backupBucket"]["destination"] == graph("prod-dr").outputs["dr"]["backupBucket"]
    assert replication["webBucket"]["destination"] == graph("prod-dr").outputs["dr"]["webBucket"]


def test_the_standby_needs_nothing_from_its_peer_on_its_first_deploy(prod_dr):
    alone = first_deploy("prod-dr")
    assert alone.outputs["dr"]["pending"] == []
    assert {r["type"] + r["name"] for r in alone.resources} == {r["type"] + r["name"] for r in prod_dr.resources}


# --- Velero ---------------------------------------------------------------------------------------


def test_backup_location_is_writable_only_while_active(prod, prod_dr):
    assert backup_location(prod)["accessMode"] == "ReadWrite"
    assert backup_location(prod_dr)["accessMode"] == "ReadOnly"
    for stack in (prod, prod_dr):
        location = backup_location(stack)
        assert location["bucket"] == stack.outputs["dr"]["backupBucket"]
        assert location["config"]["region"] == region(stack.stack)


def test_volume_data_leaves_through_the_data_mover_not_regional_snapshots(any_stack):
    values = any_stack.one(RELEASE, "velero")["inputs"]["values"]
    assert values["snapshotsEnabled"] is False
    assert values["deployNodeAgent"] is True
    assert values["configuration"]["defaultSnapshotMoveData"] is True
    assert "EnableCSI" in values["configuration"]["features"].split(",")
    assert values["credentials"] == {"useSecret": False}


def test_schedules_run_only_while_active_the_data_tier_every_rpo(prod, prod_dr, dev):
    assert prod_dr.of_type(SCHEDULE) == []
    for stack in (prod, dev):
        rpo = stack_config(stack.stack)["eks-platform:backup"]["rpoMinutes"]
        schedules = {s["inputs"]["metadata"]["name"]: s["inputs"]["spec"] for s in stack.of_type(SCHEDULE)}
        data, apps = schedules["data-tier"], schedules["apps"]
        assert data["template"]["includedNamespaces"] == ["mongodb"]
        assert set(apps["template"]["includedNamespaces"]) == {"web", "batch"}
        assert _interval_minutes(data["schedule"]) == rpo
        assert _interval_minutes(apps["schedule"]) == 60
        ttl = f"{stack_config(stack.stack)['eks-platform:backup']['ttlHours']}h0m0s"
        assert data["template"]["ttl"] == ttl
        assert apps["template"]["ttl"] == ttl
        assert data["template"]["snapshotMoveData"] is True


def _interval_minutes(cron: str) -> int:
    runs = croniter(cron, 0)
    first, second = runs.get_next(float), runs.get_next(float)
    return int((second - first) // 60)


def test_the_backup_bucket_is_named_for_the_peer_and_protected_in_prod(prod, dev):
    for stack, protected in ((prod, True), (dev, False)):
        bucket = stack.one(BUCKET, f"eks-platform-{stack.stack}-velero-backups")
        assert bucket["protect"] is protected
        assert bucket["inputs"]["bucket"] == stack.outputs["dr"]["backupBucket"]


# --- Restores -------------------------------------------------------------------------------------


def test_the_restore_test_runs_only_in_the_standby_on_its_schedule(prod, prod_dr):
    assert [c for c in prod.of_type(CRON_JOB) if c["inputs"]["metadata"]["namespace"] == "restore-test"] == []
    (job,) = [c for c in prod_dr.of_type(CRON_JOB) if c["inputs"]["metadata"]["namespace"] == "restore-test"]
    assert job["inputs"]["spec"]["schedule"] == stack_config("prod-dr")["eks-platform:backup"]["restoreTestSchedule"]
    pod = job["inputs"]["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    report = pod["containers"][0]["command"][-1]
    assert f"s3://{prod_dr.outputs['dr']['backupBucket']}/{prod_dr.outputs['dr']['restoreTestPrefix']}" in report


def test_the_restore_test_restores_the_data_tier_into_its_scratch_namespace_only(prod_dr):
    (spec_map,) = [
        c
        for c in prod_dr.of_type("kubernetes:core/v1:ConfigMap")
        if c["inputs"]["metadata"]["namespace"] == "restore-test"
    ]
    restore = yaml.safe_load(spec_map["inputs"]["data"]["restore.yaml"])
    assert restore["spec"]["scheduleName"] == "data-tier"
    assert restore["spec"]["namespaceMapping"] == {"mongodb": "restore-test"}
    assert restore["spec"]["existingResourcePolicy"] == "none"


def test_the_restore_test_may_touch_only_restores_and_its_scratch_namespace(prod_dr):
    roles = {
        r["inputs"]["metadata"]["namespace"]: r["inputs"]["rules"]
        for r in prod_dr.of_type("kubernetes:rbac.authorization.k8s.io/v1:Role")
    }
    assert set(roles) == {"velero", "restore-test"}
    velero_resources = {resource for rule in roles["velero"] for resource in rule["resources"]}
    assert velero_resources == {"restores", "backups"}
    assert not any("*" in rule["verbs"] or "*" in rule["resources"] for rules in roles.values() for rule in rules)
    assert prod_dr.of_type("kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding") == []


@cache
def promoted_with_restore() -> Graph:
    def promote(config: dict[str, Any]) -> None:
        config["eks-platform:dr"].update(role="active", restoreBackup="data-tier-20261121041500")

    return plan_with("prod-dr", promote)


def test_a_named_restore_is_part_of_the_promotion_and_the_data_tier_waits_for_it(prod_dr):
    assert prod_dr.of_type(RESTORE) == []
    promoted = promoted_with_restore()
    (restore,) = promoted.of_type(RESTORE)
    spec = restore["inputs"]["spec"]
    assert spec["backupName"] == "data-tier-20261121041500"
    assert set(spec["includedNamespaces"]) == {"mongodb", "web", "batch"}
    assert spec["resourceModifier"]["kind"] == "ConfigMap"
    assert restore["inputs"]["metadata"]["annotations"]["pulumi.com/waitFor"] == "jsonpath={.status.phase}=Completed"
    (members,) = [
        s
        for s in promoted.of_type("kubernetes:apps/v1:StatefulSet")
        if s["inputs"]["metadata"]["namespace"] == "mongodb"
    ]
    assert f"{RESTORE}::{restore['name']}" in members["dependsOn"]


def test_restored_claims_are_moved_onto_this_regions_storage_class(prod):
    (modifiers,) = [
        c
        for c in prod.of_type("kubernetes:core/v1:ConfigMap")
        if c["inputs"]["metadata"]["name"] == "restore-resource-modifiers"
    ]
    rules = yaml.safe_load(modifiers["inputs"]["data"]["rules.yaml"])
    assert rules["version"] == "v1"
    (rule,) = rules["resourceModifierRules"]
    assert rule["conditions"]["groupResource"] == "persistentvolumeclaims"
    classes = {c["inputs"]["metadata"]["name"] for c in prod.of_type("kubernetes:storage.k8s.io/v1:StorageClass")}
    assert rule["patches"] == [{"operation": "replace", "path": "/spec/storageClassName", "value": next(iter(classes))}]


def test_restores_put_definitions_and_storage_before_workloads_and_custom_objects_last(any_stack):
    values = any_stack.one(RELEASE, "velero")["inputs"]["values"]
    order = values["configuration"]["restoreResourcePriorities"].split(",")
    high, low = order[: order.index("-")], order[order.index("-") + 1 :]
    assert high[0] == "customresourcedefinitions"
    assert high.index("namespaces") < high.index("persistentvolumeclaims") < high.index("pods")
    # Objects of the Prometheus operator's CRDs come after everything their selectors point at.
    assert {"servicemonitors.monitoring.coreos.com", "prometheusrules.monitoring.coreos.com"} <= set(low)


def test_velero_may_use_only_its_own_bucket_and_key(prod):
    (policy,) = [p for p in prod.of_type(ROLE_POLICY) if p["name"] == "eks-platform-prod-velero-backups"]
    statements = json.loads(policy["inputs"]["policy"])["Statement"]
    bucket = f"arn:aws:s3:::{prod.outputs['dr']['backupBucket']}"
    resources = {
        r for s in statements if s["Action"] != ["kms:GenerateDataKey", "kms:Decrypt"] for r in _list(s["Resource"])
    }
    assert resources == {bucket, f"{bucket}/*"}
    assert not any(action.startswith("ec2:") for s in statements for action in _actions(s))


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def test_the_restore_test_pulls_the_sample_images_from_the_standbys_own_registry(prod_dr):
    """Its mongod and its AWS CLI are the images the data tier and batch pull, and its kubectl steps
    pull kubectl, all from this region's ECR (the admission rules admit nothing else in a workload)."""
    pulled = {
        c["image"]
        for s in prod_dr.of_type("kubernetes:apps/v1:StatefulSet")
        for c in s["inputs"]["spec"]["template"]["spec"]["containers"]
    }
    pulled |= {
        c["image"]
        for j in prod_dr.of_type(CRON_JOB)
        if j["inputs"]["metadata"]["namespace"] == "batch"
        for c in j["inputs"]["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"]
    }
    (job,) = [c for c in prod_dr.of_type(CRON_JOB) if c["inputs"]["metadata"]["namespace"] == "restore-test"]
    (spec_map,) = [
        c
        for c in prod_dr.of_type("kubernetes:core/v1:ConfigMap")
        if c["inputs"]["metadata"]["namespace"] == "restore-test"
    ]
    check = yaml.safe_load(spec_map["inputs"]["data"]["check-job.yaml"])
    images = {c["image"] for c in job["inputs"]["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"]}
    images |= {c["image"] for c in check["spec"]["template"]["spec"]["containers"]}
    assert images <= pulled
    steps = {c["image"] for c in job["inputs"]["spec"]["jobTemplate"]["spec"]["template"]["spec"]["initContainers"]}
    assert all(f".dkr.ecr.{region('prod-dr')}." in image for image in images | steps)
    assert all(image.split("/", 1)[1].startswith("eks-platform/kubectl:") for image in steps)
