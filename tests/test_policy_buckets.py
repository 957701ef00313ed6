"""Bucket rules over small programs: one bucket with its settings resources, one setting off at a time."""

from __future__ import annotations

import json
from typing import Any

import pulumi_aws as aws
import pytest

from offline_plan.evaluate import PROJECT_DIR
from offline_plan.stack_config import stack_settings
from policy.stack_facts import facts_of
from tests.conftest import STACKS, graph
from tests.policy_programs import TAGS, findings, findings_of_program

KEY = "arn:aws:kms:us-east-1:111122223333:key/00000000-0000-0000-0000-000000000002"
RULES = (
    "s3-buckets-encrypted",
    "s3-buckets-versioned",
    "s3-buckets-public-access-blocked",
    "s3-buckets-tls-only",
    "s3-buckets-owner-enforced",
)


def bucket_program(**changes: Any) -> Any:
    """A bucket with every setting right, except those `changes` turns off or alters."""
    options: dict[str, Any] = {
        "algorithm": "aws:kms",
        "key": KEY,
        "versioning": "Enabled",
        "block": True,
        "tls": True,
        "ownership": "BucketOwnerEnforced",
        "grant": None,
    }
    options.update(changes)

    def program() -> None:
        bucket = aws.s3.Bucket("case", tags=TAGS)
        if options["algorithm"]:
            default = aws.s3.BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs(
                sse_algorithm=options["algorithm"], kms_master_key_id=options["key"]
            )
            rule = aws.s3.BucketServerSideEncryptionConfigurationRuleArgs(
                apply_server_side_encryption_by_default=default
            )
            aws.s3.BucketServerSideEncryptionConfiguration("case", bucket=bucket.id, rules=[rule])
        if options["versioning"]:
            config = aws.s3.BucketVersioningVersioningConfigurationArgs(status=options["versioning"])
            aws.s3.BucketVersioning("case", bucket=bucket.id, versioning_configuration=config)
        switches = dict.fromkeys(
            ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"),
            options["block"],
        )
        switches["restrict_public_buckets"] = True
        aws.s3.BucketPublicAccessBlock("case", bucket=bucket.id, **switches)
        aws.s3.BucketOwnershipControls(
            "case", bucket=bucket.id, rule=aws.s3.BucketOwnershipControlsRuleArgs(object_ownership=options["ownership"])
        )
        aws.s3.BucketPolicy("case", bucket=bucket.id, policy=bucket.arn.apply(lambda arn: policy(arn, options)))

    return program


def policy(arn: str, options: dict[str, Any]) -> str:
    statements: list[dict[str, Any]] = []
    if options["tls"]:
        statements.append(
            {
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": [arn, f"{arn}/*"],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            }
        )
    if options["grant"]:
        statements.append(
            {
                "Effect": "Allow",
                "Principal": {"Service": options["grant"]},
                "Action": "s3:PutObject",
                "Resource": f"{arn}/alb/*",
            }
        )
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


@pytest.mark.parametrize("rule", RULES)
def test_a_bucket_with_every_setting_passes(rule: str) -> None:
    assert findings_of_program(rule, bucket_program()) == []


@pytest.mark.parametrize(
    ("rule", "change", "named"),
    [
        ("s3-buckets-encrypted", {"algorithm": None}, "no server-side encryption"),
        ("s3-buckets-encrypted", {"algorithm": "AES256", "key": None}, "AES256"),
        ("s3-buckets-encrypted", {"key": None}, "aws:kms"),
        ("s3-buckets-versioned", {"versioning": "Suspended"}, "Suspended"),
        ("s3-buckets-versioned", {"versioning": None}, "not configured"),
        ("s3-buckets-public-access-blocked", {"block": False}, "blockPublicAcls"),
        ("s3-buckets-tls-only", {"tls": False}, "aws:SecureTransport"),
        ("s3-buckets-owner-enforced", {"ownership": "ObjectWriter"}, "ObjectWriter"),
    ],
)
def test_each_setting_off_is_refused_and_named(rule: str, change: dict[str, Any], named: str) -> None:
    [found] = findings_of_program(rule, bucket_program(**change))
    assert named in found.message
    assert found.resource == "aws:s3/bucket:Bucket::case"


def test_sse_s3_is_accepted_only_where_alb_access_logs_land() -> None:
    alb_logs = bucket_program(algorithm="AES256", key=None, grant="logdelivery.elasticloadbalancing.amazonaws.com")
    assert findings_of_program("s3-buckets-encrypted", alb_logs) == []
    other = bucket_program(algorithm="AES256", key=None, grant="delivery.logs.amazonaws.com")
    assert findings_of_program("s3-buckets-encrypted", other)


@pytest.mark.parametrize("stack", STACKS)
def test_every_bucket_of_every_stack_passes_with_all_its_settings_found(stack: str) -> None:
    plan = graph(stack).plan
    facts = facts_of(stack_settings(PROJECT_DIR, stack))
    for rule in RULES:
        assert findings(plan, rule, facts) == [], rule
    buckets = [entry for entry in plan["resources"] if entry["type"] == "aws:s3/bucket:Bucket"]
    settings = [entry for entry in plan["resources"] if entry["type"].startswith("aws:s3/bucketServerSide")]
    # Not vacuous: every bucket has its encryption linked through the property dependency on it.
    linked = {ref for entry in settings for ref in entry["propertyDependencies"].get("bucket", [])}
    assert buckets
    assert linked == {f"{entry['type']}::{entry['name']}" for entry in buckets}
