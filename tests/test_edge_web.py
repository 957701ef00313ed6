"""The internet-facing web ALB where state is protected: a WAF that lets anonymous users only read,
access logs in an SSE-S3 bucket ELB may write to, deletion protection; the web bucket on the
platform's own KMS key."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from tests.graph import Graph, ref, tag_values
from tests.stack_files import stack_config

WEB_ACL = "aws:wafv2/webAcl:WebAcl"
BUCKET = "aws:s3/bucket:Bucket"
BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy"
ENCRYPTION = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"
ANNOTATION = "alb.ingress.kubernetes.io/"
ELB_LOG_DELIVERY = "logdelivery.elasticloadbalancing.amazonaws.com"


def ingresses(stack: Graph) -> list[dict[str, Any]]:
    return [r for r in stack.resources if r["type"] == "kubernetes:networking.k8s.io/v1:Ingress"]


def annotations(ingress: dict[str, Any]) -> dict[str, str]:
    return dict(ingress["inputs"]["metadata"].get("annotations") or {})


def attributes(ingress: dict[str, Any]) -> dict[str, str]:
    """load-balancer-attributes: a stringMap, k1=v1,k2=v2."""
    value = annotations(ingress).get(f"{ANNOTATION}load-balancer-attributes", "")
    return dict(pair.split("=", 1) for pair in value.split(",") if pair)


def protects_state(stack: Graph) -> bool:
    return str(stack_config(stack.stack)["eks-platform:protectStatefulResources"]).lower() == "true"


def web_acl(stack: Graph) -> dict[str, Any]:
    return stack.one(WEB_ACL)


def access_log_bucket(stack: Graph) -> dict[str, Any]:
    return stack.one(BUCKET, f"{stack.outputs['clusterName']}-web-alb-logs")


# --- Every internet-facing load balancer -------------------------------------------------


def test_every_internet_facing_alb_where_state_is_protected_has_waf_access_logs_and_deletion_protection(any_stack):
    public = [i for i in ingresses(any_stack) if annotations(i).get(f"{ANNOTATION}scheme") == "internet-facing"]
    assert public
    acls = {ref(acl) for acl in any_stack.of_type(WEB_ACL)}
    for ingress in public:
        given = annotations(ingress)
        if not protects_state(any_stack):
            assert f"{ANNOTATION}wafv2-acl-arn" not in given
            continue
        assert given[f"{ANNOTATION}wafv2-acl-arn"].startswith("arn:aws:wafv2:")
        # The annotation carries the ARN of a web ACL this stack declares.
        assert acls & set(ingress["dependencies"]), ingress["name"]
        attrs = attributes(ingress)
        assert attrs["deletion_protection.enabled"] == "true"
        assert attrs["access_logs.s3.enabled"] == "true"
        assert attrs["access_logs.s3.bucket"]
        assert attrs["routing.http.drop_invalid_header_fields.enabled"] == "true"
    if not protects_state(any_stack):
        assert acls == set()


def test_the_web_alb_logs_into_the_bucket_whose_policy_exists_before_the_alb(prod):
    (ingress,) = ingresses(prod)
    bucket = access_log_bucket(prod)
    attrs = attributes(ingress)
    assert attrs["access_logs.s3.bucket"].startswith(bucket["name"] + "-")
    assert ref(bucket) in ingress["dependencies"]
    # ELB checks that it may write into the bucket when the controller sets the attribute.
    policy = prod.one(BUCKET_POLICY, bucket["name"])
    assert ref(policy) in ingress["dependsOn"]


# --- The web ACL --------------------------------------------------------------------------


def test_web_acl_is_regional_tagged_and_runs_aws_managed_rules_before_the_allow_list(prod):
    acl = web_acl(prod)["inputs"]
    assert acl["scope"] == "REGIONAL"
    assert acl["defaultAction"] == {"block": {}}
    assert tag_values(web_acl(prod))["Name"] == web_acl(prod)["name"]
    assert tag_values(web_acl(prod))["environment"] == "prod"
    rules = sorted(acl["rules"], key=lambda rule: rule["priority"])
    managed = [
        r["statement"]["managedRuleGroupStatement"] for r in rules if "managedRuleGroupStatement" in r["statement"]
    ]
    assert {(m["vendorName"], m["name"]) for m in managed} == {
        ("AWS", "AWSManagedRulesCommonRuleSet"),
        ("AWS", "AWSManagedRulesKnownBadInputsRuleSet"),
        ("AWS", "AWSManagedRulesAmazonIpReputationList"),
    }
    # Managed groups come first and keep their own block actions; the allow rule is last.
    assert all(r["overrideAction"] == {"none": {}} for r in rules[:3])
    assert rules[-1]["action"] == {"allow": {}}
    assert len({r["priority"] for r in rules}) == len(rules)
    for visibility in [acl["visibilityConfig"], *(r["visibilityConfig"] for r in rules)]:
        assert visibility["cloudwatchMetricsEnabled"] is True
        assert visibility["sampledRequestsEnabled"] is True


def statement_matches(statement: dict[str, Any], method: str, path: str) -> bool:
    """What AWS WAF does with the statement types this ACL uses; managed groups are taken to pass
    an ordinary request (they look for attacks, not for paths)."""
    if "andStatement" in statement:
        return all(statement_matches(s, method, path) for s in statement["andStatement"]["statements"])
    if "orStatement" in statement:
        return any(statement_matches(s, method, path) for s in statement["orStatement"]["statements"])
    if "notStatement" in statement:
        return not statement_matches(statement["notStatement"]["statement"], method, path)
    if "managedRuleGroupStatement" in statement:
        return False
    match = statement["byteMatchStatement"]
    assert [t["type"] for t in match["textTransformations"]] == ["NONE"]
    (field,) = match["fieldToMatch"]
    value = {"method": method, "uriPath": path}[field]
    wanted = match["searchString"]
    return {
        "EXACTLY": value == wanted,
        "STARTS_WITH": value.startswith(wanted),
        "ENDS_WITH": value.endswith(wanted),
        "CONTAINS": wanted in value,
    }[match["positionalConstraint"]]


def verdict(acl: dict[str, Any], method: str, path: str) -> str:
    for rule in sorted(acl["rules"], key=lambda r: r["priority"]):
        if statement_matches(rule["statement"], method, path):
            (action,) = rule["action"]
            return str(action)
    (default,) = acl["defaultAction"]
    return str(default)


# podinfo 6.x routes (pkg/api/http/server.go): reads a visitor may make, and what must never pass.
READS = [
    ("GET", "/"),
    ("GET", "/healthz"),
    ("GET", "/readyz"),
    ("GET", "/version"),
    ("GET", "/api/info"),
    ("HEAD", "/"),
]
REFUSED = [
    ("GET", "/panic"),
    ("POST", "/readyz/disable"),
    ("POST", "/readyz/enable"),
    ("GET", "/readyz/disable"),
    ("GET", "/env"),
    ("POST", "/env"),
    ("POST", "/store"),
    ("GET", "/store/abc"),
    ("POST", "/cache/key"),
    ("DELETE", "/cache/key"),
    ("POST", "/token"),
    ("GET", "/ws/echo"),
    ("GET", "/delay/30"),
    ("GET", "/chunked/30"),
    ("GET", "/headers"),
    ("GET", "/configs"),
    ("GET", "/metrics"),
    ("GET", "/debug/pprof/heap"),
    ("GET", "/swagger/index.html"),
    ("POST", "/api/echo"),
    ("POST", "/"),
    ("DELETE", "/version"),
    ("GET", "/healthz/"),
    ("GET", "//panic"),
    ("GET", "/%70anic"),
]


@pytest.mark.parametrize("stack", ["prod", "prod-dr"])
def test_anonymous_requests_reach_only_podinfos_read_paths(stack, request):
    acl = web_acl(request.getfixturevalue(stack.replace("-", "_")))["inputs"]
    assert {path: verdict(acl, method, path) for method, path in READS} == {path: "allow" for _, path in READS}
    allowed = [(method, path) for method, path in REFUSED if verdict(acl, method, path) != "block"]
    assert allowed == []


def test_the_request_check_bites_on_a_prefix_allow_list(prod):
    """A `STARTS_WITH /` path rule would let /panic through: the simulation above would see it."""
    acl = copy.deepcopy(web_acl(prod)["inputs"])
    paths = acl["rules"][-1]["statement"]["andStatement"]["statements"][1]["orStatement"]["statements"]
    paths[0]["byteMatchStatement"]["positionalConstraint"] = "STARTS_WITH"
    assert verdict(acl, "GET", "/panic") == "allow"
    assert verdict(web_acl(prod)["inputs"], "GET", "/panic") == "block"


# --- The access-log bucket ----------------------------------------------------------------


def test_access_log_bucket_is_sse_s3_versioned_private_expiring_and_protected(prod):
    bucket = access_log_bucket(prod)
    name = bucket["name"]
    assert bucket["protect"] is True
    # "The only server-side encryption option that's supported is Amazon S3-managed keys (SSE-S3)"
    # (Elastic Load Balancing, "Enable access logs for your Application Load Balancer").
    (rule,) = prod.one(ENCRYPTION, name)["inputs"]["rules"]
    assert rule["applyServerSideEncryptionByDefault"] == {"sseAlgorithm": "AES256"}
    versioning = prod.one("aws:s3/bucketVersioning:BucketVersioning", name)["inputs"]
    assert versioning["versioningConfiguration"]["status"] == "Enabled"
    block = prod.one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", name)["inputs"]
    assert all(block[k] is True for k in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls"))
    assert block["restrictPublicBuckets"] is True
    (lifecycle,) = prod.one(LIFECYCLE, name)["inputs"]["rules"]
    assert lifecycle["status"] == "Enabled"
    assert 30 <= lifecycle["expiration"]["days"] <= 400
    assert lifecycle["noncurrentVersionExpiration"]["noncurrentDays"] > 0
    settings = [r for r in prod.resources if r["type"].startswith("aws:s3/") and r["name"] == name]
    assert len(settings) == 7
    assert all(r["protect"] for r in settings)


def test_only_elb_log_delivery_may_write_and_only_under_this_accounts_prefix(prod):
    bucket = access_log_bucket(prod)
    document = json.loads(prod.one(BUCKET_POLICY, bucket["name"])["inputs"]["policy"])
    by_sid = {s["Sid"]: s for s in document["Statement"]}
    deny = by_sid["DenyInsecureTransport"]
    assert (deny["Effect"], deny["Principal"], deny["Condition"]) == (
        "Deny",
        "*",
        {"Bool": {"aws:SecureTransport": "false"}},
    )
    allows = [s for s in document["Statement"] if s["Effect"] == "Allow"]
    assert allows == [by_sid["ElbAccessLogDelivery"]]
    (grant,) = allows
    assert grant["Principal"] == {"Service": ELB_LOG_DELIVERY}
    assert grant["Action"] == "s3:PutObject"
    (ingress,) = ingresses(prod)
    prefix = attributes(ingress)["access_logs.s3.prefix"]
    bucket_name = attributes(ingress)["access_logs.s3.bucket"]
    account = stack_config("prod")["eks-platform:account"]["id"]
    # ELB writes <bucket>/<prefix>/AWSLogs/<load balancer's account>/...: other accounts' ALBs cannot.
    assert grant["Resource"] == f"arn:aws:s3:::{bucket_name}/{prefix}/AWSLogs/{account}/*"


def test_dev_has_no_edge_resources(dev):
    assert dev.of_type(WEB_ACL) == []
    # Only the backup bucket expires objects in dev; the edge's access-log bucket is prod's.
    assert [r["name"] for r in dev.of_type(LIFECYCLE)] == ["eks-platform-dev-velero-backups"]
    assert [b["name"] for b in dev.of_type(BUCKET)] == ["eks-platform-dev-velero-backups", "eks-platform-dev-web"]


# --- The web bucket on the platform's data key --------------------------------------------


def key_policies(stack: Graph, suffix: str) -> list[dict[str, Any]]:
    (policy,) = [p for p in stack.of_type("aws:iam/rolePolicy:RolePolicy") if p["name"].endswith(suffix)]
    return list(json.loads(policy["inputs"]["policy"])["Statement"])


def test_web_bucket_is_encrypted_with_the_platform_data_key(any_stack):
    bucket = any_stack.one(BUCKET, f"{any_stack.outputs['clusterName']}-web")
    encryption = any_stack.one(ENCRYPTION, bucket["name"])
    (rule,) = encryption["inputs"]["rules"]
    default = rule["applyServerSideEncryptionByDefault"]
    assert default["sseAlgorithm"] == "aws:kms"
    data_key = any_stack.one("aws:kms/key:Key", f"{any_stack.outputs['clusterName']}-data")
    assert ref(data_key) in encryption["dependencies"]
    assert default["kmsMasterKeyId"].startswith(f"arn:aws:kms:{any_stack.outputs['region']}:")
    assert rule["bucketKeyEnabled"] is True


@pytest.mark.parametrize("suffix", ["-web-bucket-key", "-batch-reports-key"])
def test_web_and_batch_use_the_data_key_only_through_s3_of_their_region(any_stack, suffix):
    bucket = any_stack.one(BUCKET, f"{any_stack.outputs['clusterName']}-web")
    key_arn = any_stack.one(ENCRYPTION, bucket["name"])["inputs"]["rules"][0]["applyServerSideEncryptionByDefault"][
        "kmsMasterKeyId"
    ]
    (statement,) = key_policies(any_stack, suffix)
    assert statement["Effect"] == "Allow"
    assert sorted(statement["Action"]) == ["kms:Decrypt", "kms:GenerateDataKey"]
    assert statement["Resource"] == key_arn
    assert statement["Condition"] == {
        "StringEquals": {"kms:ViaService": f"s3.{any_stack.outputs['region']}.amazonaws.com"}
    }
