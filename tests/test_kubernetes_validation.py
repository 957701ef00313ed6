"""Every Kubernetes object a stack declares passes kubernetes-validate --strict for its version.

Objects of custom resources are checked elsewhere: Karpenter's against its v1 API
(test_karpenter.py), the Prometheus operator's in test_observability.py. Helm releases
are rendered by Helm at deploy time, not here.
"""

from __future__ import annotations

import copy

import kubernetes_validate
import pytest

from components.kubernetes_objects import is_built_in
from offline_plan.manifests import kubernetes_objects
from tests.conftest import STACKS, graph
from tests.stack_files import stack_config


def core_objects(stack: str) -> list[tuple[str, dict]]:
    return [(name, obj) for name, obj in kubernetes_objects(graph(stack).plan) if is_built_in(obj)]


def kubernetes_version(stack: str) -> str:
    return stack_config(stack)["eks-platform:cluster"]["kubernetesVersion"] + ".0"


@pytest.mark.parametrize("stack", STACKS)
def test_every_object_is_valid_for_the_stacks_kubernetes_version(stack):
    objects = core_objects(stack)
    assert len(objects) >= 30
    invalid = {}
    for name, obj in objects:
        try:
            kubernetes_validate.validate(obj, kubernetes_version(stack), strict=True)
        except kubernetes_validate.ValidationError as error:
            invalid[name] = error.message
    assert invalid == {}


def test_strict_validation_catches_a_misspelled_field_and_a_wrong_type():
    _name, deployment = next((n, o) for n, o in core_objects("dev") if o["kind"] == "Deployment")
    misspelled = copy.deepcopy(deployment)
    misspelled["spec"]["template"]["spec"]["containers"][0]["livenessProbes"] = {}
    wrong_type = copy.deepcopy(deployment)
    wrong_type["spec"]["template"]["spec"]["containers"][0]["ports"][0]["containerPort"] = "http"
    for broken in (misspelled, wrong_type):
        with pytest.raises(kubernetes_validate.ValidationError):
            kubernetes_validate.validate(broken, kubernetes_version("dev"), strict=True)
