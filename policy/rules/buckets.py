"""S3 buckets: encrypted (with our key where the writer supports one), versioned, public access
blocked, TLS only, owner-enforced. Each setting is its own resource in pulumi_aws 7, so these are
stack rules that find each bucket's settings through the property dependency on the bucket."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from pulumi_policy import EnforcementLevel, PolicyResource, ReportViolation, StackValidationArgs, StackValidationPolicy

from policy.rules.common import as_list, condition_keys, linked, of_type, service_principals, statements

BUCKETS = ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2")
ENCRYPTION = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
VERSIONING = "aws:s3/bucketVersioning:BucketVersioning"
PUBLIC_ACCESS_BLOCK = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
POLICY = "aws:s3/bucketPolicy:BucketPolicy"
OWNERSHIP = "aws:s3/bucketOwnershipControls:BucketOwnershipControls"
PUBLIC_ACCESS_SWITCHES = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")
# ALB access logs can only be written with SSE-S3 (Elastic Load Balancing User Guide, "Access logs":
# "The only server-side encryption option that's supported is Amazon S3-managed keys (SSE-S3)").
ALB_LOG_DELIVERY = "logdelivery.elasticloadbalancing.amazonaws.com"

BucketCheck = Callable[[PolicyResource, dict[str, PolicyResource]], str | None]


def _settings_by_bucket(args: StackValidationArgs) -> Iterator[tuple[PolicyResource, dict[str, PolicyResource]]]:
    """Each bucket with its settings resources, keyed by type."""
    buckets = list(of_type(args, *BUCKETS))
    found: dict[int, dict[str, PolicyResource]] = {id(bucket): {} for bucket in buckets}
    for setting in of_type(args, ENCRYPTION, VERSIONING, PUBLIC_ACCESS_BLOCK, POLICY, OWNERSHIP):
        bucket = linked(setting, "bucket", buckets)
        if bucket is not None:
            found[id(bucket)][setting.resource_type] = setting
    for bucket in buckets:
        yield bucket, found[id(bucket)]


def _each_bucket(check: BucketCheck) -> Callable[[StackValidationArgs, ReportViolation], None]:
    def validate(args: StackValidationArgs, report: ReportViolation) -> None:
        for bucket, settings in _settings_by_bucket(args):
            problem = check(bucket, settings)
            if problem:
                report(problem, bucket.urn)

    return validate


def receives_alb_logs(settings: dict[str, PolicyResource]) -> bool:
    policy = settings.get(POLICY)
    return policy is not None and any(
        ALB_LOG_DELIVERY in service_principals(statement) for statement in statements(policy.props.get("policy"))
    )


def _encrypted(bucket: PolicyResource, settings: dict[str, PolicyResource]) -> str | None:
    encryption = settings.get(ENCRYPTION)
    if encryption is None:
        return "no server-side encryption configuration"
    defaults = [rule.get("applyServerSideEncryptionByDefault") or {} for rule in as_list(encryption.props.get("rules"))]
    if any(rule.get("sseAlgorithm") in ("aws:kms", "aws:kms:dsse") and rule.get("kmsMasterKeyId") for rule in defaults):
        return None
    if receives_alb_logs(settings) and any(rule.get("sseAlgorithm") == "AES256" for rule in defaults):
        return None
    algorithms = [rule.get("sseAlgorithm") for rule in defaults]
    return f"encrypted with {algorithms}: use aws:kms with the platform's key (SSE-S3 only for ALB access logs)"


def _versioned(bucket: PolicyResource, settings: dict[str, PolicyResource]) -> str | None:
    versioning = settings.get(VERSIONING)
    status = (versioning.props.get("versioningConfiguration") or {}).get("status") if versioning else None
    return None if status == "Enabled" else f"versioning is {status or 'not configured'}, not Enabled"


def _public_access_blocked(bucket: PolicyResource, settings: dict[str, PolicyResource]) -> str | None:
    block = settings.get(PUBLIC_ACCESS_BLOCK)
    if block is None:
        return "no public access block"
    off = [switch for switch in PUBLIC_ACCESS_SWITCHES if block.props.get(switch) is not True]
    return f"public access block leaves {', '.join(off)} off" if off else None


def _tls_only(bucket: PolicyResource, settings: dict[str, PolicyResource]) -> str | None:
    policy = settings.get(POLICY)
    denies_plain_http = policy is not None and any(
        statement.get("Effect") == "Deny" and "aws:securetransport" in condition_keys(statement)
        for statement in statements(policy.props.get("policy"))
    )
    return None if denies_plain_http else "no bucket policy statement denies requests without TLS (aws:SecureTransport)"


def _owner_enforced(bucket: PolicyResource, settings: dict[str, PolicyResource]) -> str | None:
    controls = settings.get(OWNERSHIP)
    ownership = (controls.props.get("rule") or {}).get("objectOwnership") if controls else None
    return None if ownership == "BucketOwnerEnforced" else f"object ownership is {ownership}: ACLs stay in use"


def _bucket_rule(name: str, description: str, check: BucketCheck) -> StackValidationPolicy:
    return StackValidationPolicy(
        name=name, description=description, enforcement_level=EnforcementLevel.MANDATORY, validate=_each_bucket(check)
    )


POLICIES = [
    _bucket_rule(
        "s3-buckets-encrypted", "Buckets are encrypted with a KMS key (SSE-S3 only for ALB logs).", _encrypted
    ),
    _bucket_rule("s3-buckets-versioned", "Buckets keep object versions.", _versioned),
    _bucket_rule(
        "s3-buckets-public-access-blocked", "Buckets block every form of public access.", _public_access_blocked
    ),
    _bucket_rule("s3-buckets-tls-only", "Bucket policies deny requests made without TLS.", _tls_only),
    _bucket_rule("s3-buckets-owner-enforced", "Buckets disable ACLs (BucketOwnerEnforced).", _owner_enforced),
]
