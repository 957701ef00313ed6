"""The platform's admission rules (addons/admission/), as shipped in the plans and evaluated offline.

Every rule is judged as the prod plan declares it: the test objects are placed beside the
planned policies, bindings and namespaces, and policy/admission.py evaluates them with
cel-python. Expected registries come from the stack files, not from the program.
"""

from __future__ import annotations

import copy
from typing import Any

import kubernetes_validate
import pytest
import yaml

from policy.admission import admission_results, checked_object_counts
from policy.results import MANDATORY
from tests.conftest import STACKS, graph
from tests.stack_files import stack_config

POLICY = "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy"
BINDING = "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding"
NAMESPACE = "kubernetes:core/v1:Namespace"
NAMESPACE_PATCH = "kubernetes:core/v1:NamespacePatch"
PSA_ENFORCE = "pod-security.kubernetes.io/enforce"
RULES = {
    "requests-and-limits",
    "run-as-non-root",
    "no-privilege-escalation",
    "read-only-root-filesystem",
    "no-host-access",
    "pinned-images",
    "allowed-registries",
    "health-probes",
    "no-load-balancer-services",
}
WORKLOAD_RULES = RULES - {"no-load-balancer-services"}
# Namespaces whose pods the platform's charts and EKS add-ons run, or that Kubernetes creates.
PLATFORM_NAMESPACES = {
    "kube-system",
    "kube-public",
    "kube-node-lease",
    "default",
    "amazon-cloudwatch",
    "monitoring",
    "velero",
}
# A shipped object a rule denies, kept visible until the product is fixed (the test fails once it is).


def policy_name(rule: str) -> str:
    return f"eks-platform-{rule}"


def own_registry(stack: str) -> str:
    config = stack_config(stack)
    return f"{config['eks-platform:account']['id']}.dkr.ecr.{config['aws:region']}.amazonaws.com"


def shipped(stack: str) -> list[dict[str, Any]]:
    """The stack's policies, bindings and namespaces, as planned."""
    kept = (POLICY, BINDING, NAMESPACE, NAMESPACE_PATCH)
    return [copy.deepcopy(r) for r in graph(stack).resources if r["type"] in kept]


def plan_with(*manifests: dict[str, Any], stack: str = "prod", resources: list[dict[str, Any]] | None = None) -> dict:
    objects = [
        {"type": f"kubernetes:test:{m['kind']}", "name": f"{m['kind'].lower()}-{i}", "inputs": m}
        for i, m in enumerate(manifests)
    ]
    return {"resources": [*(shipped(stack) if resources is None else resources), *objects]}


def denied_by(manifest: dict[str, Any], stack: str = "prod") -> set[str]:
    return {result.rule for result in admission_results(plan_with(manifest, stack=stack))}


# --- compliant objects of every kind the workload rules match --------------------------------


def container(name: str = "app", stack: str = "prod") -> dict[str, Any]:
    probe = {"httpGet": {"path": "/healthz", "port": 8080}}
    return {
        "name": name,
        "image": f"{own_registry(stack)}/eks-platform/app:1.2.3",
        "resources": {"requests": {"cpu": "100m", "memory": "64Mi"}, "limits": {"cpu": "200m", "memory": "128Mi"}},
        "securityContext": {"allowPrivilegeEscalation": False, "readOnlyRootFilesystem": True},
        "readinessProbe": probe,
        "livenessProbe": probe,
    }


def pod_spec(stack: str = "prod", restart: str | None = None) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "securityContext": {"runAsNonRoot": True},
        "containers": [container(stack=stack)],
        "volumes": [{"name": "tmp", "emptyDir": {}}],
    }
    if restart:
        spec["restartPolicy"] = restart
    return spec


def workload(kind: str, namespace: str = "web", stack: str = "prod") -> dict[str, Any]:
    """A compliant object of `kind`, its pod spec where that kind keeps it."""
    metadata = {"name": "app", "namespace": namespace, "labels": {"app": "app"}}
    template = {"metadata": {"labels": {"app": "app"}}, "spec": pod_spec(stack)}
    selector = {"matchLabels": {"app": "app"}}
    run_once = {"template": {**template, "spec": pod_spec(stack, restart="Never")}}
    by_kind: dict[str, tuple[str, dict[str, Any]]] = {
        "Pod": ("v1", pod_spec(stack)),
        "Deployment": ("apps/v1", {"selector": selector, "template": template}),
        "StatefulSet": ("apps/v1", {"selector": selector, "serviceName": "app", "template": template}),
        "DaemonSet": ("apps/v1", {"selector": selector, "template": template}),
        "ReplicaSet": ("apps/v1", {"selector": selector, "template": template}),
        "Job": ("batch/v1", run_once),
        "CronJob": ("batch/v1", {"schedule": "0 * * * *", "jobTemplate": {"spec": run_once}}),
    }
    api_version, spec = by_kind[kind]
    return {"apiVersion": api_version, "kind": kind, "metadata": metadata, "spec": spec}


def spec_of(manifest: dict[str, Any]) -> Any:
    """The pod spec itself (not a copy), for tests to change in place."""
    if manifest["kind"] == "Pod":
        return manifest["spec"]
    if manifest["kind"] == "CronJob":
        return manifest["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    return manifest["spec"]["template"]["spec"]


def service(kind_of_service: str, namespace: str = "web") -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "app", "namespace": namespace},
        "spec": {"type": kind_of_service, "selector": {"app": "app"}, "ports": [{"port": 80}]},
    }


KINDS = ("Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob")


@pytest.mark.parametrize("kind", KINDS)
def test_a_compliant_object_of_every_workload_kind_is_admitted(kind):
    assert denied_by(workload(kind)) == set()


@pytest.mark.parametrize("kind", KINDS)
def test_each_kinds_pod_spec_is_reached(kind):
    """The podSpec variable finds the spec wherever the kind keeps it: a host namespace there is denied."""
    manifest = workload(kind)
    spec_of(manifest)["hostNetwork"] = True
    assert denied_by(manifest) == {policy_name("no-host-access")}


# --- each rule: one change that breaks it, and one that does not ------------------------------


def changed(change: Any, kind: str = "Deployment") -> dict[str, Any]:
    manifest = workload(kind)
    change(spec_of(manifest))
    return manifest


def first(spec: dict[str, Any]) -> Any:
    return spec["containers"][0]


def set_image(image: str) -> Any:
    return lambda spec: first(spec).update(image=image)


def add_init_container(**overrides: Any) -> Any:
    def change(spec: dict[str, Any]) -> None:
        init = {**container("init"), **overrides}
        del init["readinessProbe"], init["livenessProbe"]
        spec["initContainers"] = [init]

    return change


DENIED = [
    ("requests-and-limits", lambda s: first(s)["resources"]["limits"].pop("memory")),
    ("requests-and-limits", lambda s: first(s)["resources"].pop("requests")),
    ("requests-and-limits", add_init_container(resources={"limits": {"cpu": "1", "memory": "1Gi"}})),
    ("run-as-non-root", lambda s: s["securityContext"].pop("runAsNonRoot")),
    ("run-as-non-root", lambda s: first(s)["securityContext"].update(runAsNonRoot=False)),
    ("no-privilege-escalation", lambda s: first(s)["securityContext"].pop("allowPrivilegeEscalation")),
    ("no-privilege-escalation", lambda s: first(s)["securityContext"].update(allowPrivilegeEscalation=True)),
    ("read-only-root-filesystem", lambda s: first(s)["securityContext"].update(readOnlyRootFilesystem=False)),
    ("read-only-root-filesystem", add_init_container(securityContext={"allowPrivilegeEscalation": False})),
    ("no-host-access", lambda s: s["volumes"].append({"name": "root", "hostPath": {"path": "/"}})),
    ("no-host-access", lambda s: s.update(hostPID=True)),
    ("no-host-access", lambda s: s.update(hostIPC=True)),
    ("health-probes", lambda s: first(s).pop("readinessProbe")),
    ("health-probes", lambda s: first(s).pop("livenessProbe")),
]


@pytest.mark.parametrize(("rule", "change"), DENIED)
def test_a_workload_breaking_one_rule_is_denied_by_that_rule_alone(rule, change):
    assert denied_by(changed(change)) == {policy_name(rule)}


ADMITTED = [
    # The pod's runAsNonRoot covers containers that do not set their own; a container may set it alone.
    lambda s: first(s)["securityContext"].update(runAsNonRoot=True),
    lambda s: (s["securityContext"].pop("runAsNonRoot"), first(s)["securityContext"].update(runAsNonRoot=True)),
    lambda s: s.update(hostNetwork=False, hostPID=False, hostIPC=False),
    add_init_container(),  # init containers run to completion: no probes needed
    lambda s: s["volumes"].append({"name": "config", "configMap": {"name": "app"}}),
]


@pytest.mark.parametrize("change", ADMITTED)
def test_settings_the_rules_allow_are_admitted(change):
    assert denied_by(changed(change)) == set()


@pytest.mark.parametrize("kind", ["Job", "CronJob"])
def test_jobs_run_to_completion_and_need_no_probes(kind):
    manifest = changed(lambda s: (first(s).pop("readinessProbe"), first(s).pop("livenessProbe")), kind)
    assert denied_by(manifest) == set()


def test_a_bare_pod_that_always_restarts_needs_probes_and_one_that_never_does_not():
    never = changed(lambda s: (first(s).pop("readinessProbe"), s.update(restartPolicy="Never")), "Pod")
    always = changed(lambda s: first(s).pop("readinessProbe"), "Pod")
    assert denied_by(never) == set()
    assert denied_by(always) == {policy_name("health-probes")}


@pytest.mark.parametrize(
    ("image", "rules"),
    [
        ("{registry}/eks-platform/app:latest", {"pinned-images"}),
        ("{registry}/eks-platform/app", {"pinned-images"}),
        ("{registry}/eks-platform/app:latest@sha256:" + "a" * 64, {"pinned-images"}),
        ("{registry}/eks-platform/app@sha256:" + "a" * 64, set()),
        ("{registry}/eks-platform/app:1.2.3@sha256:" + "a" * 64, set()),
        ("{registry}/eks-platform/app@sha256:abc", {"pinned-images"}),
        ("localhost:5000/app", {"pinned-images", "allowed-registries"}),
        ("localhost:5000/app:1.0", {"allowed-registries"}),
        ("public.ecr.aws/aws-cli/aws-cli:2.17.0", {"allowed-registries"}),
        ("mongo:8.0.29", {"allowed-registries"}),
        # The registry host followed by '/' only: a look-alike host is another registry.
        ("{registry}.attacker.example/eks-platform/app:1.2.3", {"allowed-registries"}),
    ],
)
def test_images_must_be_pinned_and_come_from_the_stacks_own_registry(image, rules):
    manifest = changed(set_image(image.format(registry=own_registry("prod"))))
    assert denied_by(manifest) == {policy_name(rule) for rule in rules}


def test_an_init_containers_image_is_checked_too():
    manifest = changed(add_init_container(image="registry.k8s.io/kubectl:v1.35.0"))
    assert denied_by(manifest) == {policy_name("allowed-registries")}


def test_each_stack_allows_its_own_regions_registry_and_not_its_peers():
    """prod-dr pulls its replicated copies in us-west-2, never prod's registry in us-east-1."""
    assert own_registry("prod") != own_registry("prod-dr")
    own = workload("Deployment", stack="prod-dr")
    peers = copy.deepcopy(own)
    spec_of(peers)["containers"][0]["image"] = f"{own_registry('prod')}/eks-platform/app:1.2.3"
    assert denied_by(own, stack="prod-dr") == set()
    assert denied_by(peers, stack="prod-dr") == {policy_name("allowed-registries")}


# --- Services -------------------------------------------------------------------------------


@pytest.mark.parametrize("namespace", ["web", "kube-system", "monitoring", "sandbox"])
def test_a_load_balancer_service_is_denied_in_every_namespace(namespace):
    assert denied_by(service("LoadBalancer", namespace)) == {policy_name("no-load-balancer-services")}


@pytest.mark.parametrize("kind_of_service", ["ClusterIP", "NodePort", "ExternalName"])
def test_other_services_are_admitted(kind_of_service):
    assert denied_by(service(kind_of_service)) == set()


def test_the_load_balancer_binding_is_cluster_wide():
    (binding,) = [
        b
        for b in graph("prod").of_type(BINDING)
        if b["inputs"]["spec"]["policyName"].endswith("load-balancer-services")
    ]
    assert "matchResources" not in binding["inputs"]["spec"]


# --- where the rules apply ------------------------------------------------------------------


def breaking_everything(namespace: str) -> dict[str, Any]:
    manifest = workload("Deployment", namespace)
    spec = spec_of(manifest)
    spec.update(hostNetwork=True, securityContext={}, volumes=[{"name": "root", "hostPath": {"path": "/"}}])
    spec["containers"] = [{"name": "agent", "image": "public.ecr.aws/agent:latest"}]
    return manifest


def test_the_same_object_is_denied_in_a_workload_namespace_and_not_checked_elsewhere():
    assert denied_by(breaking_everything("web")) == {policy_name(rule) for rule in WORKLOAD_RULES}
    assert denied_by(breaking_everything("sandbox")) == set()


@pytest.mark.parametrize("stack", STACKS)
def test_no_workload_rule_checks_a_platform_namespace(stack):
    """Not kube-system, not the namespaces of the plan's charts and EKS add-ons, not Kubernetes' own."""
    plan = graph(stack)
    charts = {r["inputs"]["namespace"] for r in plan.of_type("kubernetes:helm.sh/v3:Release")}
    patched = {r["inputs"]["metadata"]["name"] for r in plan.of_type(NAMESPACE_PATCH)}
    assert {"kube-system", "monitoring", "velero"} <= charts
    assert patched == {"kube-system", "amazon-cloudwatch"}
    for namespace in sorted(PLATFORM_NAMESPACES | charts | patched):
        plan_of_one = plan_with(breaking_everything(namespace), stack=stack)
        assert [r.line() for r in admission_results(plan_of_one)] == [], namespace


@pytest.mark.parametrize("stack", STACKS)
def test_every_workload_namespace_is_checked_by_every_workload_rule(stack):
    """The namespaces of the sample workloads (and of the standby's restore test) are all selected."""
    expected = {"web", "mongodb", "batch"} | ({"restore-test"} if stack == "prod-dr" else set())
    declared = {r["inputs"]["metadata"]["name"] for r in graph(stack).of_type(NAMESPACE)}
    assert expected <= declared
    for namespace in sorted(expected):
        assert denied_by(breaking_everything(namespace), stack) == {policy_name(r) for r in WORKLOAD_RULES}, namespace


@pytest.mark.parametrize("stack", STACKS)
def test_every_pod_owning_object_the_plan_declares_is_checked_by_every_workload_rule(stack):
    owners = {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob", "Pod"}
    planned = [
        r for r in graph(stack).resources if r["type"].startswith("kubernetes:") and r["type"].split(":")[-1] in owners
    ]
    counts = checked_object_counts(graph(stack).plan)
    assert len(planned) >= 4
    assert {counts[policy_name(rule)] for rule in WORKLOAD_RULES} == {len(planned)}
    assert counts[policy_name("no-load-balancer-services")] == len(graph(stack).of_type("kubernetes:core/v1:Service"))


# --- the shipped plans ----------------------------------------------------------------------


@pytest.mark.parametrize("stack", STACKS)
def test_every_object_the_stack_ships_is_admitted(stack):
    assert [result.line() for result in admission_results(graph(stack).plan)] == []


def test_the_job_the_restore_test_creates_at_run_time_is_admitted():
    """The standby's restore test creates its check Job with kubectl from a ConfigMap the plan declares."""
    (spec_map,) = [
        r
        for r in graph("prod-dr").of_type("kubernetes:core/v1:ConfigMap")
        if r["inputs"]["metadata"]["namespace"] == "restore-test"
    ]
    job = yaml.safe_load(spec_map["inputs"]["data"]["check-job.yaml"])
    assert (job["kind"], job["metadata"]["namespace"]) == ("Job", "restore-test")
    assert denied_by(job, stack="prod-dr") == set()


@pytest.mark.parametrize("stack", STACKS)
def test_the_stack_ships_one_denying_policy_and_binding_per_rule(stack):
    policies = {p["inputs"]["metadata"]["name"]: p["inputs"]["spec"] for p in graph(stack).of_type(POLICY)}
    bindings = {b["inputs"]["spec"]["policyName"]: b["inputs"]["spec"] for b in graph(stack).of_type(BINDING)}
    assert set(policies) == set(bindings) == {policy_name(rule) for rule in RULES}
    for spec in policies.values():
        assert spec["failurePolicy"] == "Fail"
    for spec in bindings.values():
        assert "Deny" in spec["validationActions"]
    results = admission_results(plan_with(breaking_everything("web"), stack=stack))
    assert {r.enforcement for r in results} == {MANDATORY}
    assert {r.source for r in results} == {"admission"}


@pytest.mark.parametrize("stack", STACKS)
def test_the_policies_and_bindings_are_valid_kubernetes_objects(stack):
    version = stack_config(stack)["eks-platform:cluster"]["kubernetesVersion"] + ".0"
    shipped_objects = [r["inputs"] for r in [*graph(stack).of_type(POLICY), *graph(stack).of_type(BINDING)]]
    assert len(shipped_objects) == 2 * len(RULES)
    for manifest in shipped_objects:
        kubernetes_validate.validate(manifest, version, strict=True)


def test_strict_validation_catches_a_misspelled_policy_field():
    policy = copy.deepcopy(graph("prod").of_type(POLICY)[0]["inputs"])
    policy["spec"]["validations"][0]["messsage"] = policy["spec"]["validations"][0].pop("message")
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(policy, "1.35.0", strict=True)


# --- evaluation errors -------------------------------------------------------------------------


def test_an_object_the_expressions_cannot_evaluate_is_denied_with_the_error():
    """A Deployment without a template: the podSpec variable fails, so every workload rule denies."""
    manifest = workload("Deployment")
    del manifest["spec"]["template"]
    results = admission_results(plan_with(manifest))
    assert {r.rule for r in results} == {policy_name(rule) for rule in WORKLOAD_RULES}
    for result in results:
        assert "could not be evaluated" in result.message
        assert "podSpec" in result.message
        assert "template" in result.message


SERVICES = {
    "resourceRules": [{"apiGroups": [""], "apiVersions": ["v1"], "operations": ["CREATE"], "resources": ["services"]}]
}


def judged_by(validations: list[dict[str, Any]], manifest: dict[str, Any] | None = None, **options: Any) -> list:
    """A small policy over Services, bound with Deny (or `actions`), judging one Service in `web`."""
    name = "test-policy"
    spec = {"failurePolicy": options.get("failure_policy", "Fail"), "matchConstraints": SERVICES}
    spec.update(validations=validations, matchConditions=options.get("conditions", []))
    binding = {"policyName": name, "validationActions": options.get("actions", ["Deny"])}
    if "namespaces" in options:
        binding["matchResources"] = {"namespaceSelector": options["namespaces"]}
    resources = [
        *[r for r in shipped("prod") if r["type"] in (NAMESPACE, NAMESPACE_PATCH)],
        {"type": POLICY, "name": name, "inputs": {"metadata": {"name": name}, "spec": spec}},
        {"type": BINDING, "name": name, "inputs": {"metadata": {"name": name}, "spec": binding}},
    ]
    return admission_results(plan_with(manifest or service("ClusterIP"), resources=resources))


@pytest.mark.parametrize(("failure_policy", "denied"), [("Fail", True), ("Ignore", False)])
def test_an_evaluation_error_denies_only_under_failure_policy_fail(failure_policy, denied):
    found = judged_by([{"expression": "object.spec.missing == 1", "message": "x"}], failure_policy=failure_policy)
    assert bool(found) is denied
    assert all("missing" in result.message for result in found)


def test_an_expression_that_is_not_boolean_is_an_error():
    (result,) = judged_by([{"expression": "1"}])
    assert "not bool" in result.message


def test_messages_follow_the_api_server_message_expression_then_message_then_expression():
    found = judged_by(
        [
            {
                "expression": "false",
                "messageExpression": "'service ' + object.metadata.name + ' refused'",
                "message": "m",
            },
            {"expression": "false", "message": "plain message"},
            {"expression": "1 > 2"},
        ],
        actions=["Warn"],
    )
    assert [r.message for r in found] == ["service app refused", "plain message", "failed expression: 1 > 2"]
    assert {r.enforcement for r in found} == {"advisory"}


def test_the_namespace_selector_reads_expressions_and_patched_labels():
    """kube-system's Pod Security label comes from its NamespacePatch, velero's from its Namespace."""
    privileged = {"matchExpressions": [{"key": PSA_ENFORCE, "operator": "In", "values": ["privileged"]}]}
    seen = {
        namespace
        for namespace in ("kube-system", "velero", "web", "sandbox")
        if judged_by([{"expression": "false"}], service("ClusterIP", namespace), namespaces=privileged)
    }
    assert seen == {"kube-system", "velero"}


def test_metadata_beyond_the_name_is_hidden_from_expressions_as_on_the_api_server():
    assert judged_by([{"expression": "!has(object.metadata.namespace) && object.metadata.name == 'app'"}]) == []


@pytest.mark.parametrize(
    ("condition", "messages"),
    [
        ("object.spec.type == 'ClusterIP'", ["seen"]),
        ("object.spec.type == 'NodePort'", []),
        ("object.spec.missing", ["could not be evaluated"]),
    ],
)
def test_match_conditions_decide_whether_the_validations_run(condition, messages):
    conditions = [{"name": "only-some", "expression": condition}]
    found = judged_by([{"expression": "false", "message": "seen"}], conditions=conditions)
    assert len(found) == len(messages)
    assert all(result.message.startswith(message) for result, message in zip(found, messages, strict=True))
