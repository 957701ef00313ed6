"""Every policy document of every stack, trust policies included, follows the IAM policy grammar.

Condition operators come from tests/catalogues/iam.py; the policy documents from tests/aws_checks.py.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests import catalogues as cat
from tests.aws_checks import IDENTITY, RESOURCE, TRUST, all_policy_documents, as_list, label, open_findings
from tests.conftest import STACKS

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
