"""The hand-built negative cases of the Kubernetes API rules, taken together, and their control.

Every rule has cases (test_kubernetes_bad_values.py, test_kubernetes_bad_objects.py), and the
manifests the builders of tests/manifest_builders.py make pass every rule, so what a case flags is
its one change.
"""

from __future__ import annotations

import pytest

from tests import kubernetes_api_rules as rules
from tests import test_kubernetes_bad_objects as bad_objects
from tests import test_kubernetes_bad_values as bad_values
from tests.manifest_builders import (
    cron_job,
    deployment,
    hpa,
    ingress,
    insecure,
    job,
    namespace,
    network_policy,
    pdb,
    service,
    stateful_set,
)

NEGATIVE_CASES = [*bad_values.NEGATIVE_CASES, *bad_objects.NEGATIVE_CASES]


def test_every_rule_has_negative_cases():
    assert {case.values[0] for case in NEGATIVE_CASES} == set(rules.RULES)


GOOD_OBJECTS = [
    namespace(),
    deployment(),
    service(),
    pdb(maxUnavailable=1),
    hpa(2),
    ingress({"name": "http"}),
    ingress({"number": 80}),
    network_policy("ingress", "http"),
    job(restartPolicy="OnFailure"),
    cron_job(timeZone="Etc/UTC"),
    stateful_set({"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "10Gi"}}}),
]


@pytest.mark.parametrize("rule", list(rules.RULES))
def test_the_hand_built_good_objects_pass_the_rule(rule):
    """The control for the cases above: what they flag is their one change, not the builders."""
    for manifest in GOOD_OBJECTS:
        assert rules.RULES[rule](manifest, GOOD_OBJECTS) == [], manifest["kind"]


def test_the_restricted_profile_applies_only_where_a_namespace_enforces_it():
    privileged = deployment(insecure(privileged=True))
    assert rules.check_pod_security_restricted(privileged, [privileged, namespace("baseline")]) == []
    assert rules.check_pod_security_restricted(privileged, [privileged]) == []
    assert rules.check_pod_security_restricted(privileged, [privileged, namespace("restricted")]) != []
