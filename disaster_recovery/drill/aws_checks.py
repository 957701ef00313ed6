"""The preflight checks that ask AWS: is the target ready to take over, and has data reached it.

Each check reads the two stacks' outputs (the `dr` contract) and answers a Verdict; `run_check`
names it and turns what goes wrong on the way (a missing output, AWS unreachable, an AWS error)
into a failing or not-run result with the reason as evidence.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError, EndpointConnectionError, NoCredentialsError

from disaster_recovery.drill.model import CheckResult, MissingOutputError, StackView, Status

# (service, region) -> a boto3 client. Injectable so tests can stand in for an API moto lacks.
AwsClients = Callable[[str, str], Any]

# Route 53's control plane answers in us-east-1 only, whichever region the records serve.
ROUTE53_REGION = "us-east-1"
# Route 53 considers an endpoint healthy when more than 18% of its checkers report it healthy.
HEALTHY_SHARE = 0.18


@dataclass(frozen=True)
class Verdict:
    status: Status
    evidence: str
    data: dict[str, Any] = field(default_factory=dict)


def passed(evidence: str, **data: Any) -> Verdict:
    return Verdict(Status.PASS, evidence, data)


def failed(evidence: str, **data: Any) -> Verdict:
    return Verdict(Status.FAIL, evidence, data)


@dataclass(frozen=True)
class AwsContext:
    clients: AwsClients
    target: StackView  # the standby being promoted
    failed: StackView  # the stack it takes over from; its outputs may be unreadable
    now: datetime


def run_check(name: str, check: Callable[[AwsContext], Verdict], context: AwsContext) -> CheckResult:
    try:
        verdict = check(context)
    except MissingOutputError as missing:
        verdict = failed(str(missing))
    except (NoCredentialsError, EndpointConnectionError) as offline:
        verdict = Verdict(Status.NOT_RUN, f"offline: {offline}")
    except ClientError as error:
        details = error.response.get("Error", {})
        verdict = failed(f"AWS answered {details.get('Code')}: {details.get('Message')}")
    except BotoCoreError as error:
        verdict = Verdict(Status.NOT_RUN, f"AWS not reached: {error}")
    return CheckResult(name, verdict.status, verdict.evidence, verdict.data)


def _error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


# --- the target cluster -------------------------------------------------------------------------


def target_cluster(context: AwsContext) -> Verdict:
    """ACTIVE, with managed node groups that are ACTIVE, want nodes and report no health issues.
    (EKS reports node groups, not individual node readiness; Karpenter's nodes come later.)"""
    name, region = context.target.top("clusterName"), context.target.region
    eks = context.clients("eks", region)
    try:
        cluster = eks.describe_cluster(name=name)["cluster"]
    except ClientError as error:
        if _error_code(error) == "ResourceNotFoundException":
            return failed(f"no EKS cluster {name} in {region}")
        raise
    if cluster["status"] != "ACTIVE":
        return failed(f"cluster {name} is {cluster['status']}, not ACTIVE")
    groups = [
        eks.describe_nodegroup(clusterName=name, nodegroupName=group)["nodegroup"]
        for page in eks.get_paginator("list_nodegroups").paginate(clusterName=name)
        for group in page["nodegroups"]
    ]
    if not groups:
        return failed(f"cluster {name} is ACTIVE but has no managed node group")
    problems = [problem for group in groups for problem in _node_group_problems(group)]
    if problems:
        return failed(f"cluster {name} is ACTIVE; " + "; ".join(problems))
    sizes = ", ".join(f"{g['nodegroupName']} {g['scalingConfig']['desiredSize']} desired" for g in groups)
    return passed(f"cluster {name} ACTIVE; node groups ACTIVE without health issues ({sizes})")


def _node_group_problems(group: dict[str, Any]) -> list[str]:
    name, problems = group["nodegroupName"], []
    if group["status"] != "ACTIVE":
        problems.append(f"node group {name} is {group['status']}")
    if group.get("scalingConfig", {}).get("desiredSize", 0) < 1:
        problems.append(f"node group {name} wants no nodes")
    problems += [f"node group {name}: {issue.get('code')}: {issue.get('message')}" for issue in _issues(group)]
    return problems


def _issues(group: dict[str, Any]) -> list[dict[str, Any]]:
    issues: list[dict[str, Any]] = group.get("health", {}).get("issues", [])
    return issues


# --- data in the target's region ----------------------------------------------------------------


def newest_object(s3: Any, bucket: str, prefix: str, wanted: Callable[[str], bool]) -> dict[str, Any] | None:
    """The most recently written object under `prefix` whose key `wanted` accepts."""
    newest: dict[str, Any] | None = None
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for item in page.get("Contents", []):
            if wanted(item["Key"]) and (newest is None or (item["LastModified"], item["Key"]) > _order(newest)):
                newest = item
    return newest


def _order(item: dict[str, Any]) -> tuple[datetime, str]:
    return item["LastModified"], item["Key"]


def backup_age(context: AwsContext) -> Verdict:
    """The newest Velero backup in the target's (replica) bucket is younger than the RPO. Its
    object's LastModified is when the data became available in this region."""
    target = context.target
    bucket, rpo = target.dr("backupBucket"), int(target.dr("rpoMinutes"))
    prefix = f"{str(target.dr('backupPrefix')).strip('/')}/backups/"
    s3 = context.clients("s3", target.region)
    newest = newest_object(s3, bucket, prefix, lambda key: key.endswith("/velero-backup.json"))
    if newest is None:
        return failed(f"no Velero backup under s3://{bucket}/{prefix}")
    name = newest["Key"][len(prefix) :].split("/", 1)[0]
    age = (context.now - newest["LastModified"]).total_seconds()
    data = {"newestBackupAt": newest["LastModified"], "backup": name, "ageSeconds": age, "rpoMinutes": rpo}
    evidence = f"newest backup {name} in s3://{bucket} is {age / 60:.1f} min old (RPO {rpo} min)"
    return passed(evidence, **data) if age <= rpo * 60 else failed(evidence, **data)


def restore_test(context: AwsContext) -> Verdict:
    """The standby's last scheduled restore test passed and is recent enough to vouch for the backups."""
    target = context.target
    bucket, prefix = target.dr("backupBucket"), str(target.dr("restoreTestPrefix"))
    max_age_hours = float(target.dr("restoreTestMaxAgeHours"))
    s3 = context.clients("s3", target.region)
    newest = newest_object(s3, bucket, prefix, lambda key: key.endswith(".json"))
    if newest is None:
        return failed(f"no restore test result under s3://{bucket}/{prefix}")
    where = f"s3://{bucket}/{newest['Key']}"
    try:
        result = json.loads(s3.get_object(Bucket=bucket, Key=newest["Key"])["Body"].read())
        finished = _utc(datetime.fromisoformat(str(result["finishedAt"])))
    except (ValueError, KeyError, TypeError) as error:
        return failed(f"{where} is not a restore test result: {error!r}")
    age_hours = (context.now - finished).total_seconds() / 3600
    problems = [] if result.get("passed") is True else ["it failed: " + _failed_checks(result)]
    if age_hours > max_age_hours:
        problems.append(f"it finished {age_hours:.1f} h ago, over the {max_age_hours:g} h limit")
    summary = f"last restore test {where} (backup {result.get('backup')}, {age_hours:.1f} h ago)"
    return failed(f"{summary}: {'; '.join(problems)}") if problems else passed(f"{summary} passed")


def _failed_checks(result: dict[str, Any]) -> str:
    checks = [c for c in result.get("checks", []) if isinstance(c, dict) and not c.get("passed")]
    return "; ".join(f"{c.get('name')}: {c.get('detail')}" for c in checks) or "no failing check named"


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


# --- replication from the failed region ---------------------------------------------------------


def s3_replication(context: AwsContext) -> Verdict:
    """Every bucket the failed stack replicates has an Enabled rule to the target's bucket, with
    versioning Enabled on both ends (S3 replicates nothing without it)."""
    failed_stack = context.failed.readable()
    replication = failed_stack.dr_optional("replication")
    if not replication:
        pending = failed_stack.dr_optional("pending") or []
        why = f" (pending: {'; '.join(pending)})" if pending else ""
        return failed(f"{failed_stack.stack}'s outputs declare no bucket replication{why}")
    problems, shown = [], []
    for key, ends in sorted(replication.items()):
        source, destination = ends["source"], ends["destination"]
        shown.append(f"{source} -> {destination}")
        expected = context.target.dr_optional(key)
        if expected and expected != destination:
            problems.append(f"{key}: {source} replicates to {destination}, but {context.target.stack}'s is {expected}")
        problems += _bucket_replication_problems(context, source, destination)
    if problems:
        return failed("; ".join(problems))
    return passed(f"Enabled rules, versioning Enabled on both ends: {', '.join(shown)}")


def _bucket_replication_problems(context: AwsContext, source: str, destination: str) -> list[str]:
    at_source = context.clients("s3", context.failed.region)
    at_destination = context.clients("s3", context.target.region)
    problems = []
    try:
        rules = at_source.get_bucket_replication(Bucket=source)["ReplicationConfiguration"]["Rules"]
    except ClientError as error:
        if _error_code(error) != "ReplicationConfigurationNotFoundError":
            raise
        rules = []
    to_destination = [rule for rule in rules if rule["Destination"]["Bucket"] == f"arn:aws:s3:::{destination}"]
    if not to_destination:
        problems.append(f"no replication rule on {source} to {destination}")
    elif not any(rule["Status"] == "Enabled" for rule in to_destination):
        problems.append(f"the rule on {source} to {destination} is Disabled")
    for client, bucket in ((at_source, source), (at_destination, destination)):
        versioning = client.get_bucket_versioning(Bucket=bucket).get("Status", "never enabled")
        if versioning != "Enabled":
            problems.append(f"versioning on {bucket} is {versioning}")
    return problems


def ecr_replication(context: AwsContext) -> Verdict:
    """The failed region's registry replicates the platform's repositories to the target's region
    (a registry rule has no enabled flag: it exists or not)."""
    registry = context.failed.dr("registry")
    repositories: list[str] = list(registry.get("repositories", []))
    source, destination = context.failed.region, context.target.region
    described = context.clients("ecr", source).describe_registry()
    rules = described.get("replicationConfiguration", {}).get("rules", [])
    covering = [rule for rule in rules if any(d.get("region") == destination for d in rule.get("destinations", []))]
    if not covering:
        return failed(f"the registry in {source} has no replication rule to {destination} ({len(rules)} rule(s))")
    uncovered = [repo for repo in repositories if not any(_covers(rule, repo) for rule in covering)]
    if uncovered:
        return failed(f"the rule to {destination} filters out {', '.join(uncovered)}")
    return passed(f"the registry in {source} replicates to {destination} ({len(repositories)} repositories covered)")


def _covers(rule: dict[str, Any], repository: str) -> bool:
    filters = rule.get("repositoryFilters") or []
    return not filters or any(
        f.get("filterType") == "PREFIX_MATCH" and repository.startswith(f.get("filter", "")) for f in filters
    )


# --- traffic ------------------------------------------------------------------------------------


def route53_health(context: AwsContext) -> Verdict:
    """The target's failover record is healthy (Route 53 will answer with it); the failed
    stack's state is shown, since a healthy primary questions the need to fail over."""
    health_check = context.target.readable().dr_optional("healthCheckId")
    if not health_check:
        return Verdict(Status.NOT_RUN, f"{context.target.stack} has no Route 53 health check (no DNS zone)")
    route53 = context.clients("route53", ROUTE53_REGION)
    healthy, summary = health_check_state(route53, health_check)
    evidence = f"{context.target.stack} {summary}; {context.failed.stack} {_peer_health(context, route53)}"
    return passed(evidence) if healthy else failed(evidence)


def health_check_state(route53: Any, health_check: str) -> tuple[bool, str]:
    observations = route53.get_health_check_status(HealthCheckId=health_check)["HealthCheckObservations"]
    ok = sum(1 for o in observations if str(o.get("StatusReport", {}).get("Status", "")).startswith("Success"))
    healthy = bool(observations) and ok / len(observations) > HEALTHY_SHARE
    return healthy, f"{'healthy' if healthy else 'UNHEALTHY'} ({ok}/{len(observations)} checkers report success)"


def _peer_health(context: AwsContext, route53: Any) -> str:
    try:
        health_check = context.failed.dr("healthCheckId")
        return health_check_state(route53, health_check)[1]
    except (MissingOutputError, ClientError, BotoCoreError) as error:
        return f"health unknown ({error})"


AWS_CHECKS: list[tuple[str, Callable[[AwsContext], Verdict]]] = [
    ("target-cluster", target_cluster),
    ("backup-age", backup_age),
    ("s3-replication", s3_replication),
    ("ecr-replication", ecr_replication),
    ("restore-test", restore_test),
    ("route53-health", route53_health),
]
