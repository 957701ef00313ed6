"""The drill's preflight checks against AWS, in-process under moto, and the state backend check.

Outputs are built by hand in the shape of the stacks' `dr` output contract (prod active in
us-east-1 replicating to prod-dr, the standby in us-west-2)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import NoCredentialsError
from moto import mock_aws
from moto.core import DEFAULT_ACCOUNT_ID
from moto.eks.models import eks_backends

from disaster_recovery.drill import aws_checks
from disaster_recovery.drill.aws_checks import AwsContext, run_check
from disaster_recovery.drill.model import StackView, Status
from disaster_recovery.drill.state_backend import bucket_region, state_backend

TARGET, FAILED = "prod-dr", "prod"
REGIONS = {TARGET: "us-west-2", FAILED: "us-east-1"}
PEERS = {TARGET: FAILED, FAILED: TARGET}


def dr_outputs(stack: str, role: str) -> dict[str, Any]:
    peer = PEERS[stack]
    dr: dict[str, Any] = {
        "role": role,
        "peerStack": peer,
        "peerRegion": REGIONS[peer],
        "rpoMinutes": 15,
        "failoverHostname": "web.prod.platform.example.com",
        "healthCheckId": f"hc-{stack}",
        "backupBucket": f"{stack}-backups",
        "backupPrefix": "velero",
        "restoreTestPrefix": "restore-tests/",
        "restoreTestMaxAgeHours": 26,
        "webBucket": f"{stack}-web",
        "registry": {
            "repositories": ["eks-platform/podinfo"],
            "replicatesTo": REGIONS[peer] if role == "active" else None,
        },
        "pending": [],
    }
    if role == "active":
        dr["replication"] = {
            key: {"source": dr[key], "destination": f"{peer}-{suffix}"}
            for key, suffix in (("backupBucket", "backups"), ("webBucket", "web"))
        }
    return {"region": REGIONS[stack], "drRole": role, "clusterName": f"eks-platform-{stack}", "dr": dr}


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.setenv(name, "testing")
    with mock_aws():
        yield
    _clients.clear()


_clients: dict[tuple[str, str], Any] = {}
# One session for the module: it caches botocore's endpoint data, which costs ~0.5 s to load.
_session = boto3.session.Session()


def client(service: str, region: str) -> Any:
    """One client per service, region and test (moto's state is per test)."""
    if (service, region) not in _clients:
        _clients[service, region] = _session.client(service, region_name=region)
    return _clients[service, region]


def context(now: datetime | None = None, **views: StackView) -> AwsContext:
    target = views.get("target", StackView(TARGET, dr_outputs(TARGET, "standby")))
    failed = views.get("failed", StackView(FAILED, dr_outputs(FAILED, "active")))
    return AwsContext(client, target, failed, now or datetime.now(UTC))


def check(name: str, ctx: AwsContext | None = None) -> Any:
    function = dict(aws_checks.AWS_CHECKS)[name]
    return run_check(name, function, ctx or context())


# --- a ready pair -------------------------------------------------------------------------------


def make_cluster(stack: str, desired: int = 3) -> None:
    eks = client("eks", REGIONS[stack])
    name = f"eks-platform-{stack}"
    eks.create_cluster(name=name, roleArn="arn:aws:iam::123456789012:role/eks", resourcesVpcConfig={})
    eks.create_nodegroup(
        clusterName=name,
        nodegroupName="system",
        nodeRole="arn:aws:iam::123456789012:role/nodes",
        subnets=["subnet-1"],
        scalingConfig={"minSize": desired, "desiredSize": desired, "maxSize": 6},
    )


def create_bucket(s3: Any, bucket: str, region: str) -> None:
    # us-east-1 is the one region S3 refuses as an explicit location constraint.
    where = {} if region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": region}}
    s3.create_bucket(Bucket=bucket, **where)


def make_buckets(rule_status: str = "Enabled") -> None:
    for stack in (TARGET, FAILED):
        s3 = client("s3", REGIONS[stack])
        for suffix in ("backups", "web"):
            bucket = f"{stack}-{suffix}"
            create_bucket(s3, bucket, REGIONS[stack])
            s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    for suffix in ("backups", "web"):
        client("s3", REGIONS[FAILED]).put_bucket_replication(
            Bucket=f"{FAILED}-{suffix}",
            ReplicationConfiguration={
                "Role": "arn:aws:iam::123456789012:role/replication",
                "Rules": [
                    {
                        "ID": "to-peer",
                        "Status": rule_status if suffix == "backups" else "Enabled",
                        "Priority": 1,
                        "Filter": {},
                        "DeleteMarkerReplication": {"Status": "Disabled"},
                        "Destination": {"Bucket": f"arn:aws:s3:::{TARGET}-{suffix}"},
                    }
                ],
            },
        )


def put_backup(name: str = "data-20260101120000") -> None:
    client("s3", REGIONS[TARGET]).put_object(
        Bucket=f"{TARGET}-backups", Key=f"velero/backups/{name}/velero-backup.json", Body=b"{}"
    )


def put_restore_test(passed: bool = True, hours_ago: float = 2, key: str = "20260101T060000Z.json") -> None:
    finished = datetime.now(UTC) - timedelta(hours=hours_ago)
    checks = [{"name": "mongodb documents", "passed": passed, "detail": "12 of 12" if passed else "0 of 12 restored"}]
    result = {"passed": passed, "backup": "data-20260101", "finishedAt": finished.isoformat(), "checks": checks}
    client("s3", REGIONS[TARGET]).put_object(
        Bucket=f"{TARGET}-backups", Key=f"restore-tests/{key}", Body=json.dumps(result).encode()
    )


def registry_replication(region: str) -> None:
    destination = {"region": region, "registryId": DEFAULT_ACCOUNT_ID}
    client("ecr", REGIONS[FAILED]).put_replication_configuration(
        replicationConfiguration={"rules": [{"destinations": [destination]}]}
    )


def health_checks() -> dict[str, str]:
    route53 = client("route53", "us-east-1")
    config = {"Type": "HTTPS", "FullyQualifiedDomainName": "example.com", "ResourcePath": "/healthz"}
    return {
        stack: route53.create_health_check(CallerReference=stack, HealthCheckConfig=config)["HealthCheck"]["Id"]
        for stack in (TARGET, FAILED)
    }


@pytest.mark.usefixtures("aws")
def test_a_ready_pair_passes_every_aws_check() -> None:
    make_cluster(TARGET)
    make_buckets()
    put_backup()
    put_restore_test()
    registry_replication(REGIONS[TARGET])
    ids = health_checks()
    target, failed = dr_outputs(TARGET, "standby"), dr_outputs(FAILED, "active")
    target["dr"]["healthCheckId"], failed["dr"]["healthCheckId"] = ids[TARGET], ids[FAILED]
    ctx = context(target=StackView(TARGET, target), failed=StackView(FAILED, failed))
    results = {name: run_check(name, function, ctx) for name, function in aws_checks.AWS_CHECKS}
    assert {name: r.status for name, r in results.items()} == dict.fromkeys(results, Status.PASS), [
        r.line() for r in results.values()
    ]
    assert "prod-backups -> prod-dr-backups" in results["s3-replication"].evidence


# --- the target cluster -------------------------------------------------------------------------


@pytest.mark.usefixtures("aws")
def test_a_missing_cluster_fails() -> None:
    result = check("target-cluster")
    assert result.status is Status.FAIL
    assert "no EKS cluster eks-platform-prod-dr in us-west-2" in result.evidence


@pytest.mark.usefixtures("aws")
def test_a_cluster_that_is_not_active_fails() -> None:
    make_cluster(TARGET)
    # moto creates clusters ACTIVE and has no API to change that; its backend is set directly.
    eks_backends[DEFAULT_ACCOUNT_ID][REGIONS[TARGET]].clusters["eks-platform-prod-dr"].status = "UPDATING"
    result = check("target-cluster")
    assert result.status is Status.FAIL
    assert "is UPDATING, not ACTIVE" in result.evidence


@pytest.mark.usefixtures("aws")
def test_a_node_group_with_health_issues_or_no_nodes_fails() -> None:
    make_cluster(TARGET, desired=0)
    group = eks_backends[DEFAULT_ACCOUNT_ID][REGIONS[TARGET]].clusters["eks-platform-prod-dr"].nodegroups["system"]
    group.health = {"issues": [{"code": "AsgInstanceLaunchFailures", "message": "no capacity"}]}
    result = check("target-cluster")
    assert result.status is Status.FAIL
    assert "node group system wants no nodes" in result.evidence
    assert "AsgInstanceLaunchFailures: no capacity" in result.evidence


# --- backups and restore tests ------------------------------------------------------------------


@pytest.mark.usefixtures("aws")
def test_a_fresh_backup_passes_and_reports_its_age() -> None:
    make_buckets()
    put_backup("data-20260101114500")
    put_backup("data-20260101120000")
    result = check("backup-age", context(now=datetime.now(UTC) + timedelta(minutes=5)))
    assert result.status is Status.PASS, result.evidence
    assert result.data["backup"] == "data-20260101120000"
    assert 290 < result.data["ageSeconds"] < 310


@pytest.mark.usefixtures("aws")
def test_a_backup_older_than_the_rpo_fails() -> None:
    make_buckets()
    put_backup()
    result = check("backup-age", context(now=datetime.now(UTC) + timedelta(minutes=20)))
    assert result.status is Status.FAIL
    assert "(RPO 15 min)" in result.evidence
    assert "20.0 min old" in result.evidence


@pytest.mark.usefixtures("aws")
def test_no_backup_at_all_fails() -> None:
    make_buckets()
    result = check("backup-age")
    assert result.status is Status.FAIL
    assert "no Velero backup under s3://prod-dr-backups/velero/backups/" in result.evidence


@pytest.mark.usefixtures("aws")
def test_a_recent_passed_restore_test_passes() -> None:
    make_buckets()
    put_restore_test(passed=True, hours_ago=3)
    assert check("restore-test").status is Status.PASS


@pytest.mark.usefixtures("aws")
def test_a_failed_restore_test_fails_with_its_failing_checks() -> None:
    make_buckets()
    put_restore_test(passed=True, hours_ago=30, key="20260101T000000Z.json")
    put_restore_test(passed=False, hours_ago=1, key="20260102T000000Z.json")
    result = check("restore-test")
    assert result.status is Status.FAIL
    assert "mongodb documents: 0 of 12 restored" in result.evidence


@pytest.mark.usefixtures("aws")
def test_a_stale_restore_test_fails() -> None:
    make_buckets()
    put_restore_test(passed=True, hours_ago=30)
    result = check("restore-test")
    assert result.status is Status.FAIL
    assert "over the 26 h limit" in result.evidence


# --- replication --------------------------------------------------------------------------------


@pytest.mark.usefixtures("aws")
def test_a_disabled_s3_replication_rule_fails() -> None:
    make_buckets(rule_status="Disabled")
    result = check("s3-replication")
    assert result.status is Status.FAIL
    assert result.evidence == "the rule on prod-backups to prod-dr-backups is Disabled"


@pytest.mark.usefixtures("aws")
def test_suspended_versioning_on_the_replica_fails() -> None:
    make_buckets()
    client("s3", REGIONS[TARGET]).put_bucket_versioning(
        Bucket="prod-dr-web", VersioningConfiguration={"Status": "Suspended"}
    )
    result = check("s3-replication")
    assert result.status is Status.FAIL
    assert "versioning on prod-dr-web is Suspended" in result.evidence


@pytest.mark.usefixtures("aws")
def test_replication_of_an_unreachable_failed_stack_fails_saying_so() -> None:
    unreachable = StackView(FAILED, {}, unreadable="the state backend timed out")
    result = check("s3-replication", context(failed=unreachable))
    assert result.status is Status.FAIL
    assert result.evidence == "prod's outputs are unreadable: the state backend timed out"


@pytest.mark.usefixtures("aws")
def test_a_failed_stack_without_replication_outputs_fails_with_its_pending_note() -> None:
    outputs = dr_outputs(FAILED, "active")
    del outputs["dr"]["replication"]
    outputs["dr"]["pending"] = ["backup replication: prod-dr has no outputs yet"]
    result = check("s3-replication", context(failed=StackView(FAILED, outputs)))
    assert result.status is Status.FAIL
    assert "pending: backup replication: prod-dr has no outputs yet" in result.evidence


@pytest.mark.usefixtures("aws")
def test_a_missing_ecr_replication_rule_fails() -> None:
    result = check("ecr-replication")
    assert result.status is Status.FAIL
    assert "no replication rule to us-west-2" in result.evidence


@pytest.mark.usefixtures("aws")
def test_an_ecr_rule_to_another_region_fails_and_one_to_the_target_passes() -> None:
    registry_replication("eu-west-1")
    assert check("ecr-replication").status is Status.FAIL
    registry_replication(REGIONS[TARGET])
    assert check("ecr-replication").status is Status.PASS


# --- Route 53 -----------------------------------------------------------------------------------


class UnhealthyRoute53:
    """moto answers every health check with a canned success, so an unhealthy target is a stub."""

    def get_health_check_status(self, HealthCheckId: str) -> dict[str, Any]:  # noqa: N803 (boto3's name)
        status = "Success: HTTP Status Code 200" if HealthCheckId == "hc-prod" else "Failure: Connection timed out"
        return {"HealthCheckObservations": [{"StatusReport": {"Status": status}} for _ in range(8)]}


def test_an_unhealthy_target_health_check_fails() -> None:
    ctx = context()
    ctx = AwsContext(lambda service, region: UnhealthyRoute53(), ctx.target, ctx.failed, ctx.now)
    result = check("route53-health", ctx)
    assert result.status is Status.FAIL
    assert result.evidence == (
        "prod-dr UNHEALTHY (0/8 checkers report success); prod healthy (8/8 checkers report success)"
    )


def test_without_credentials_an_aws_check_is_not_run() -> None:
    def no_credentials(service: str, region: str) -> Any:
        raise NoCredentialsError()

    ctx = context()
    result = run_check(
        "target-cluster", aws_checks.target_cluster, AwsContext(no_credentials, ctx.target, ctx.failed, ctx.now)
    )
    assert result.status is Status.NOT_RUN
    assert result.evidence.startswith("offline: ")


# --- the state backend --------------------------------------------------------------------------


def project(tmp_path: Path, backend: str | None = None) -> Path:
    document = "name: eks-platform\nruntime: python\n" + (f"backend:\n  url: {backend}\n" if backend else "")
    (tmp_path / "Pulumi.yaml").write_text(document)
    return tmp_path


def no_lookup(bucket: str) -> str:
    raise AssertionError(f"looked up {bucket}")


@pytest.mark.parametrize(
    ("url", "status", "evidence"),
    [
        ("s3://state?region=us-east-1", Status.FAIL, "the region being failed away from"),
        ("s3://state?region=us-west-2&awssdk=v2", Status.PASS, "is in us-west-2, not us-east-1"),
        ("file:///var/pulumi", Status.FAIL, "local to one machine"),
        ("https://api.pulumi.com", Status.PASS, "Pulumi Cloud"),
        ("s3://state?endpoint=minio.internal:9000", Status.FAIL, "its region is unknown"),
        ("https://pulumi.internal.example.com", Status.FAIL, "cannot tell which region"),
    ],
)
def test_the_state_backend_from_the_environment(tmp_path: Path, url: str, status: Status, evidence: str) -> None:
    verdict = state_backend(project(tmp_path), {"PULUMI_BACKEND_URL": url}, "us-east-1", no_lookup)
    assert verdict.status is status
    assert evidence in verdict.evidence


def test_the_state_backend_from_pulumi_yaml(tmp_path: Path) -> None:
    verdict = state_backend(project(tmp_path, "s3://state?region=us-east-1"), {}, "us-west-2", no_lookup)
    assert verdict.status is Status.PASS
    assert "(from Pulumi.yaml backend.url)" in verdict.evidence


def test_an_unknown_or_ambiguous_state_backend_fails(tmp_path: Path) -> None:
    unknown = state_backend(project(tmp_path), {}, "us-east-1", no_lookup)
    assert unknown.status is Status.FAIL
    assert "neither PULUMI_BACKEND_URL nor Pulumi.yaml backend.url is set" in unknown.evidence
    env = {"PULUMI_BACKEND_URL": "s3://other?region=us-west-2"}
    ambiguous = state_backend(project(tmp_path, "s3://state?region=us-west-2"), env, "us-east-1", no_lookup)
    assert ambiguous.status is Status.FAIL
    assert "disagree" in ambiguous.evidence


@pytest.mark.usefixtures("aws")
def test_an_s3_backend_without_a_region_is_looked_up(tmp_path: Path) -> None:
    client("s3", "us-east-1").create_bucket(Bucket="state-east")
    west = client("s3", "us-west-2")
    west.create_bucket(Bucket="state-west", CreateBucketConfiguration={"LocationConstraint": "us-west-2"})

    def lookup(bucket: str) -> str:
        return bucket_region(west, bucket)

    east = state_backend(project(tmp_path), {"PULUMI_BACKEND_URL": "s3://state-east"}, "us-east-1", lookup)
    assert east.status is Status.FAIL
    assert "is in us-east-1" in east.evidence
    west_backend = state_backend(project(tmp_path), {"PULUMI_BACKEND_URL": "s3://state-west"}, "us-east-1", lookup)
    assert west_backend.status is Status.PASS
