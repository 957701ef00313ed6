"""Every Kubernetes object of every stack passes what the API server enforces beyond the OpenAPI schema.

test_kubernetes_validation.py checks the schema with kubernetes-validate. The rules in
tests/kubernetes_api_rules.py are the API server's hand-written validation, Pod Security admission
and the controllers that resolve references between objects. Each rule runs over every object of
every stack (one case per stack, object and rule), and each rule flags at least one small,
hand-built bad manifest below, so a rule that can never fail shows up here.

A real plan that breaks a rule is not hidden by weakening the rule: its single case is listed in
KNOWN_DEFECTS and expected to fail (strictly, so fixing the product makes the entry stale and fails).
"""

from __future__ import annotations

import base64
import copy
from functools import cache
from typing import Any

import pytest

from components.kubernetes_objects import is_built_in
from offline_plan.manifests import kubernetes_objects
from tests import kubernetes_api_rules as rules
from tests.conftest import STACKS, graph

KNOWN_DEFECTS: dict[tuple[str, str, str], str] = {}


@cache
def plan_objects(stack: str) -> dict[str, dict[str, Any]]:
    return dict(kubernetes_objects(graph(stack).plan))


def _cases() -> list[Any]:
    cases = []
    for stack in STACKS:
        for name in plan_objects(stack):
            for rule in rules.RULES:
                reason = KNOWN_DEFECTS.get((stack, name, rule))
                marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
                cases.append(pytest.param(stack, name, rule, marks=marks, id=f"{stack}/{name}/{rule}"))
    return cases


@pytest.mark.parametrize(("stack", "name", "rule"), _cases())
def test_object_passes_the_api_servers_rule(stack, name, rule):
    objects = plan_objects(stack)
    assert rules.RULES[rule](objects[name], list(objects.values())) == []


def test_every_known_defect_names_a_real_case_and_says_defect():
    for (stack, name, rule), reason in KNOWN_DEFECTS.items():
        assert name in plan_objects(stack)
        assert rule in rules.RULES
        assert reason.startswith("DEFECT:")


# --- the rules reach what the plans declare (so a pass is not a skip) ---------------------------


@pytest.mark.parametrize("stack", STACKS)
def test_quantities_are_read_from_every_place_the_plans_declare_them(stack):
    paths = {
        (obj["kind"], path.split(".")[0])
        for obj in plan_objects(stack).values()
        for path, _value in rules.quantity_fields(obj)
    }
    with_containers = {kind for kind, root in paths if root.startswith("container ")}
    assert {"Deployment", "StatefulSet", "CronJob", "Job"} <= with_containers
    assert {("StatefulSet", "volumeClaimTemplates[data]"), ("Deployment", "volumes[tmp]")} <= paths
    assert {("ResourceQuota", "spec"), ("LimitRange", "spec"), ("NodePool", "spec"), ("EC2NodeClass", "spec")} <= paths


@pytest.mark.parametrize("stack", STACKS)
def test_the_restricted_profile_covers_every_tenant_workload(stack):
    objects = list(plan_objects(stack).values())
    checked = {
        (obj["kind"], obj["metadata"]["namespace"])
        for obj in objects
        if rules.pod_spec(obj) is not None and rules.enforced_level(obj, objects) == "restricted"
    }
    assert {("Deployment", "web"), ("StatefulSet", "mongodb"), ("Job", "mongodb"), ("CronJob", "batch")} <= checked


def test_a_named_target_port_of_a_real_service_is_resolved_not_skipped():
    objects = plan_objects("prod")
    service = copy.deepcopy(objects["service-web-web"])
    service["spec"]["ports"][0]["targetPort"] = "htpp"
    others = [obj for name, obj in objects.items() if name != "service-web-web"]
    assert rules.check_named_ports(service, [*others, service]) == [
        "spec.ports[http].targetPort 'htpp'/TCP is on no selected pod"
    ]


def test_the_web_budget_counts_the_hpa_minimum_not_the_default_replica_count():
    for stack, minimum in (("dev", 1), ("prod", 3)):
        objects = plan_objects(stack)
        allowed, why = rules.disruptions_allowed(objects["poddisruptionbudget-web-web"], list(objects.values()))
        assert (allowed, why.split(",")[0]) == (1, f"{minimum} expected pods")


def test_built_in_kinds_are_the_ones_the_program_declares_as_typed_resources():
    for api_version, kind in rules.BUILT_IN_KINDS:
        assert is_built_in({"apiVersion": api_version, "kind": kind}), kind
    for api_version, kind in rules.CUSTOM_KINDS:
        assert not is_built_in({"apiVersion": api_version, "kind": kind}), kind


# --- grammar ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["http", "http-metrics", "h2c", "a1", "metrics-server1"])
def test_port_names_that_are_iana_service_names(name):
    assert rules.is_port_name(name)


@pytest.mark.parametrize("name", ["", "HTTP", "http_metrics", "http--x", "-http", "http-", "8080", "metrics-exporter1"])
def test_port_names_that_are_not(name):
    assert not rules.is_port_name(name)


@pytest.mark.parametrize("value", ["100m", "1", "0.5", "1.5Gi", "64Mi", "1e3", "2E", "+1k", ".5", 2, 0.25])
def test_quantities_the_api_server_parses(value):
    assert rules.quantity(value) is not None


@pytest.mark.parametrize("value", ["", "1 Gi", "1K", "64MiB", "10GB", "1.5.2", "abc", "Gi", True, None])
def test_quantities_it_rejects(value):
    assert rules.quantity(value) is None


@pytest.mark.parametrize(
    ("key", "valid"),
    [
        ("app.kubernetes.io/name", True),
        ("pod-security.kubernetes.io/enforce", True),
        ("name", True),
        ("Name_1.x", True),
        ("example.com/", False),
        ("/name", False),
        ("Example.com/name", False),
        ("a/b/c", False),
        ("-name", False),
        ("x" * 64, False),
    ],
)
def test_qualified_names(key, valid):
    assert rules.is_qualified_name(key) is valid


@pytest.mark.parametrize(
    ("schedule", "valid"),
    [
        ("*/15 * * * *", True),
        ("0 8 * * mon-fri", True),
        ("30 2 1 jan,jul *", True),
        ("5/10 * * * *", True),
        ("@hourly", True),
        ("@every 1h30m", True),
        ("*/15 * * *", False),
        ("0 24 * * *", False),
        ("0 0 0 * *", False),
        ("0 0 * * 7", False),
        ("*/0 * * * *", False),
        ("10-5 * * * *", False),
        ("CRON_TZ=UTC 0 * * * *", False),
        ("@fortnightly", False),
    ],
)
def test_cron_schedules(schedule, valid):
    assert (rules.cron_schedule_problems(schedule) == []) is valid


# --- each rule flags hand-built bad manifests -------------------------------------------------

NS = "app"
GOOD_SECURITY = {
    "allowPrivilegeEscalation": False,
    "capabilities": {"drop": ["ALL"]},
    "runAsNonRoot": True,
    "seccompProfile": {"type": "RuntimeDefault"},
}


def namespace(level: str = "restricted", name: str = NS) -> dict[str, Any]:
    labels = {"pod-security.kubernetes.io/enforce": level}
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name, "labels": labels}}


def container(**changes: Any) -> dict[str, Any]:
    return {
        "name": "app",
        "image": "registry.example.com/app:1.0",
        "ports": [{"name": "http", "containerPort": 8080, "protocol": "TCP"}],
        "resources": {"requests": {"cpu": "100m", "memory": "64Mi"}, "limits": {"cpu": "500m", "memory": "128Mi"}},
        "securityContext": dict(GOOD_SECURITY),
        **changes,
    }


def insecure(**changes: Any) -> dict[str, Any]:
    """A container whose securityContext differs from the good one by `changes` (None removes a field)."""
    security = {**GOOD_SECURITY, **changes}
    return container(securityContext={key: value for key, value in security.items() if value is not None})


def deployment(*containers: dict[str, Any], replicas: int = 2, name: str = "app", **pod: Any) -> dict[str, Any]:
    spec = {"containers": list(containers) or [container()], **pod}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "namespace": NS},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": name}},
            "template": {"metadata": {"labels": {"app": name}}, "spec": spec},
        },
    }


def service(*ports: dict[str, Any], name: str = "app", selector: dict[str, str] | None = None) -> dict[str, Any]:
    ports = ports or ({"name": "http", "port": 80, "targetPort": "http"},)
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": name, "namespace": NS},
        "spec": {"selector": selector or {"app": "app"}, "ports": list(ports)},
    }


def pdb(**budget: Any) -> dict[str, Any]:
    spec = {"selector": {"matchLabels": {"app": "app"}}, **budget}
    return {
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": {"name": "app", "namespace": NS},
        "spec": spec,
    }


def hpa(minimum: int, maximum: int = 10, target: str = "app") -> dict[str, Any]:
    target_ref = {"apiVersion": "apps/v1", "kind": "Deployment", "name": target}
    spec = {"scaleTargetRef": target_ref, "minReplicas": minimum, "maxReplicas": maximum}
    return {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": target, "namespace": NS},
        "spec": spec,
    }


def ingress(port: dict[str, Any], service_name: str = "app") -> dict[str, Any]:
    backend = {"service": {"name": service_name, "port": port}}
    paths = [{"path": "/", "pathType": "Prefix", "backend": backend}]
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "Ingress",
        "metadata": {"name": "app", "namespace": NS},
        "spec": {"rules": [{"http": {"paths": paths}}]},
    }


def network_policy(direction: str, port: str, peers: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    rule: dict[str, Any] = {"ports": [{"protocol": "TCP", "port": port}]}
    if peers is not None:
        rule["to"] = peers
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {"name": "app", "namespace": NS},
        "spec": {"podSelector": {"matchLabels": {"app": "app"}}, direction: [rule]},
    }


def job(labels: dict[str, str] | None = None, **pod: Any) -> dict[str, Any]:
    spec = {"containers": [container()], **pod}
    template = {"metadata": {"labels": labels or {"app": "init"}}, "spec": spec}
    return {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": "init", "namespace": NS},
        "spec": {"template": template},
    }


def cron_job(schedule: str = "*/15 * * * *", containers: list[Any] | None = None, **spec: Any) -> dict[str, Any]:
    pod = {"restartPolicy": "Never", "containers": containers or [container()]}
    job_template = {"spec": {"template": {"metadata": {"labels": {"app": "cron"}}, "spec": pod}}}
    return {
        "apiVersion": "batch/v1",
        "kind": "CronJob",
        "metadata": {"name": "report", "namespace": NS},
        "spec": {"schedule": schedule, "jobTemplate": job_template, **spec},
    }


def stateful_set(claim: dict[str, Any]) -> dict[str, Any]:
    manifest = deployment(name="db")
    manifest["kind"] = "StatefulSet"
    manifest["spec"]["volumeClaimTemplates"] = [{"metadata": {"name": "data"}, "spec": claim}]
    return manifest


def plain(api_version: str, kind: str, name: str = "x", namespace: str | None = NS, **fields: Any) -> dict[str, Any]:
    metadata = {"name": name} if namespace is None else {"name": name, "namespace": namespace}
    return {"apiVersion": api_version, "kind": kind, "metadata": metadata, **fields}


def labelled(labels: dict[str, Any] | None = None, annotations: dict[str, Any] | None = None) -> dict[str, Any]:
    manifest = plain("v1", "ConfigMap", data={})
    manifest["metadata"].update({"labels": labels or {}, "annotations": annotations or {}})
    return manifest


def bad(rule: str, subject: dict[str, Any], fragment: str, *others: dict[str, Any], case: str) -> Any:
    """`rule` must report a problem containing `fragment` for `subject`, given the other objects."""
    return pytest.param(rule, subject, list(others), fragment, id=f"{rule}/{case}")


NEGATIVE_CASES = [
    # 1. quantities
    bad(
        "quantities",
        deployment(container(resources={"limits": {"memory": "1 Gi"}})),
        "is not a Kubernetes quantity",
        case="space-in-quantity",
    ),
    bad(
        "quantities",
        deployment(container(resources={"limits": {"cpu": "1K"}})),
        "is not a Kubernetes quantity",
        case="uppercase-kilo",
    ),
    bad(
        "quantities",
        deployment(container(resources={"requests": {"cpu": "2"}, "limits": {"cpu": "500m"}})),
        "cpu request 2 exceeds its limit 500m",
        case="request-over-limit",
    ),
    bad(
        "quantities",
        deployment(
            initContainers=[
                container(name="init", resources={"requests": {"memory": "1Gi"}, "limits": {"memory": "512Mi"}})
            ]
        ),
        "container 'init': memory request",
        case="init-request-over-limit",
    ),
    bad(
        "quantities",
        deployment(volumes=[{"name": "tmp", "emptyDir": {"sizeLimit": "64MiB"}}]),
        "emptyDir.sizeLimit",
        case="empty-dir-size",
    ),
    bad(
        "quantities",
        stateful_set({"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "10GB"}}}),
        "volumeClaimTemplates[data].spec.resources.requests.storage",
        case="claim-storage",
    ),
    bad(
        "quantities",
        plain("v1", "ResourceQuota", spec={"hard": {"pods": "1.5"}}),
        "spec.hard.pods: '1.5' must be an integer",
        case="quota-count-fraction",
    ),
    bad(
        "quantities",
        plain("v1", "ResourceQuota", spec={"hard": {"requests.cpu": "-1"}}),
        "must not be negative",
        case="quota-negative",
    ),
    bad(
        "quantities",
        plain(
            "v1",
            "LimitRange",
            spec={
                "limits": [{"type": "Container", "defaultRequest": {"memory": "512Mi"}, "default": {"memory": "256Mi"}}]
            },
        ),
        "defaultRequest exceeds default",
        case="limit-range-order",
    ),
    bad(
        "quantities",
        plain("v1", "LimitRange", spec={"limits": [{"type": "Container", "max": {"cpu": "lots"}}]}),
        "spec.limits[0].max.cpu",
        case="limit-range-max",
    ),
    bad(
        "quantities",
        plain("karpenter.sh/v1", "NodePool", namespace=None, spec={"limits": {"cpu": "64 cores"}}),
        "spec.limits.cpu",
        case="node-pool-limit",
    ),
    bad(
        "quantities",
        plain(
            "karpenter.k8s.aws/v1",
            "EC2NodeClass",
            namespace=None,
            spec={"blockDeviceMappings": [{"ebs": {"volumeSize": "100GiB"}}]},
        ),
        "ebs.volumeSize",
        case="node-class-volume",
    ),
    # 2. names, labels, annotations, keys
    bad("names_and_metadata", service(name="9web"), "must be a DNS-1035 label", case="service-name-starts-with-digit"),
    bad("names_and_metadata", namespace(name="team.web"), "must be a DNS-1123 label", case="namespace-with-dot"),
    bad(
        "names_and_metadata",
        plain("v1", "ConfigMap", name="Dashboards"),
        "must be a DNS-1123 subdomain",
        case="uppercase-name",
    ),
    bad(
        "names_and_metadata",
        cron_job() | {"metadata": {"name": "r" * 53, "namespace": NS}},
        "no more than 52 characters",
        case="cron-job-name-length",
    ),
    bad("names_and_metadata", labelled({"-team": "web"}), "key '-team' is not a qualified name", case="label-key"),
    bad(
        "names_and_metadata", labelled({"example.com/": "web"}), "is not a qualified name", case="label-key-empty-name"
    ),
    bad(
        "names_and_metadata", labelled({"team": "web platform"}), "is not a valid label value", case="label-value-space"
    ),
    bad("names_and_metadata", labelled({"team": "x" * 64}), "is not a valid label value", case="label-value-length"),
    bad(
        "names_and_metadata",
        labelled(annotations={"owner team": "web"}),
        "key 'owner team' is not a qualified name",
        case="annotation-key",
    ),
    bad(
        "names_and_metadata",
        labelled(annotations={"dump": "x" * (256 * 1024)}),
        "annotation limit",
        case="annotation-size",
    ),
    bad(
        "names_and_metadata",
        plain("v1", "ConfigMap", data={"dash/board.json": "{}"}),
        "key 'dash/board.json'",
        case="config-map-key",
    ),
    bad(
        "names_and_metadata", plain("v1", "Secret", stringData={"..keyfile": "x"}), "key '..keyfile'", case="secret-key"
    ),
    bad(
        "names_and_metadata",
        pdb(selector={"matchExpressions": [{"key": "app", "operator": "In"}]}),
        "operator In of 'app' needs values",
        case="selector-without-values",
    ),
    bad(
        "names_and_metadata",
        deployment(tolerations=[{"key": "dedicated", "operator": "Equal", "value": "critical pool"}]),
        "spec.tolerations",
        case="toleration-value",
    ),
    # 3. named ports
    bad(
        "named_ports",
        deployment(container(ports=[{"name": "http_metrics", "containerPort": 9797}])),
        "'http_metrics' is not an IANA_SVC_NAME",
        case="container-port-underscore",
    ),
    bad(
        "named_ports",
        deployment(container(ports=[{"name": "metrics-exporter", "containerPort": 9797}])),
        "'metrics-exporter' is not an IANA_SVC_NAME",
        case="container-port-16-chars",
    ),
    bad(
        "named_ports",
        deployment(container(ports=[{"name": "http", "containerPort": 80}, {"name": "http", "containerPort": 81}])),
        "port name 'http' is repeated",
        case="container-port-repeated",
    ),
    bad(
        "named_ports",
        deployment(container(readinessProbe={"httpGet": {"path": "/", "port": "healthz"}})),
        "readinessProbe.httpGet.port 'healthz' names no port",
        case="probe-port-missing",
    ),
    bad(
        "named_ports",
        deployment(container(livenessProbe={"tcpSocket": {"port": "HTTP"}})),
        "livenessProbe.tcpSocket.port 'HTTP'",
        case="probe-port-invalid",
    ),
    bad(
        "named_ports",
        deployment(container(startupProbe={"grpc": {"port": "grpc"}})),
        "grpc.port must be a number",
        case="grpc-port-name",
    ),
    bad(
        "named_ports",
        deployment(
            container(name="app"),
            container(
                name="sidecar",
                ports=[{"name": "admin", "containerPort": 9000}],
                livenessProbe={"httpGet": {"path": "/", "port": "http"}},
            ),
        ),
        "container 'sidecar': livenessProbe.httpGet.port 'http'",
        case="probe-port-of-another-container",
    ),
    bad(
        "named_ports",
        service({"name": "http", "port": 80, "targetPort": "web"}),
        "targetPort 'web'/TCP is on no selected pod",
        deployment(),
        case="service-target-missing",
    ),
    bad(
        "named_ports",
        service({"name": "dns", "port": 53, "targetPort": "http", "protocol": "UDP"}),
        "targetPort 'http'/UDP",
        deployment(),
        case="service-target-protocol",
    ),
    bad(
        "named_ports",
        service(selector={"app": "other"}),
        "targetPort 'http'/TCP is on no selected pod",
        deployment(),
        case="service-selects-nothing",
    ),
    bad(
        "named_ports",
        service({"name": "http", "port": 80, "targetPort": "Http"}),
        "'Http' is not an IANA_SVC_NAME",
        deployment(),
        case="service-target-invalid",
    ),
    bad(
        "named_ports",
        network_policy("ingress", "metrics"),
        "spec.ingress[0]: port 'metrics' is on no pod it selects",
        deployment(),
        case="policy-ingress-port",
    ),
    bad(
        "named_ports",
        network_policy(
            "egress",
            "mongodb",
            [
                {
                    "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "db"}},
                    "podSelector": {"matchLabels": {"app": "db"}},
                }
            ],
        ),
        "spec.egress[0]: port 'mongodb'",
        deployment(),
        deployment(name="db") | {"metadata": {"name": "db", "namespace": "db"}},
        case="policy-egress-port",
    ),
    bad(
        "named_ports", ingress({"name": "HTTP"}), "'HTTP' is not an IANA_SVC_NAME", service(), case="ingress-port-name"
    ),
    bad(
        "named_ports",
        plain(
            "monitoring.coreos.com/v1",
            "ServiceMonitor",
            spec={"selector": {"matchLabels": {"app": "app"}}, "endpoints": [{"port": "metrics"}]},
        ),
        "'metrics' is no port of a selected Service",
        service() | {"metadata": {"name": "app", "namespace": NS, "labels": {"app": "app"}}},
        case="service-monitor-port",
    ),
    # 4. required fields and references
    bad(
        "required_fields",
        deployment(container(image="")),
        "container 'app' has no image",
        case="container-without-image",
    ),
    bad(
        "required_fields",
        deployment(container(name="App")),
        "container name 'App' must be a DNS-1123 label",
        case="container-name",
    ),
    bad(
        "required_fields",
        stateful_set({"resources": {"requests": {"storage": "10Gi"}}}),
        "accessModes needs at least one access mode",
        case="claim-without-access-modes",
    ),
    bad(
        "required_fields",
        stateful_set({"accessModes": ["ReadWriteOnce"]}),
        "resources.requests.storage is required",
        case="claim-without-storage",
    ),
    bad(
        "required_fields",
        stateful_set({"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "0"}}}),
        "must be greater than zero",
        case="claim-zero-storage",
    ),
    bad(
        "required_fields",
        service({"name": "http", "targetPort": 8080}),
        "spec.ports[http].port is required",
        case="service-port-without-port",
    ),
    bad(
        "required_fields",
        service({"port": 80}, {"port": 81}),
        "name is required when a Service has several ports",
        case="service-ports-unnamed",
    ),
    bad(
        "required_fields",
        plain("v1", "Service", spec={"selector": {"app": "app"}}),
        "spec.ports is required",
        case="service-without-ports",
    ),
    bad("required_fields", cron_job(schedule=""), "spec.schedule is required", case="cron-without-schedule"),
    bad("required_fields", cron_job(schedule="0 25 * * *"), "hour '25' is invalid", case="cron-bad-hour"),
    bad("required_fields", cron_job(schedule="*/15 * * *"), "needs 5 fields", case="cron-four-fields"),
    bad("required_fields", cron_job(schedule="TZ=UTC 0 * * * *"), "use timeZone", case="cron-tz-in-schedule"),
    bad("required_fields", cron_job(timeZone="Mars/Olympus_Mons"), "is not a known time zone", case="cron-time-zone"),
    bad(
        "required_fields",
        job(),
        "restartPolicy 'Always' must be one of ['Never', 'OnFailure']",
        case="job-default-restart-policy",
    ),
    bad(
        "required_fields",
        deployment(restartPolicy="Never"),
        "restartPolicy 'Never' must be one of ['Always']",
        case="deployment-restart-policy",
    ),
    bad(
        "required_fields",
        deployment() | {"spec": {**deployment()["spec"], "selector": {"matchLabels": {"app": "other"}}}},
        "selector does not match the template labels",
        case="selector-mismatch",
    ),
    bad(
        "required_fields",
        ingress({"name": "http"}, service_name="missing"),
        "'missing' is no Service in the namespace",
        service(),
        case="ingress-service-missing",
    ),
    bad(
        "required_fields",
        ingress({"name": "https"}),
        "Service 'app' has no port 'https'",
        service(),
        case="ingress-port-name-missing",
    ),
    bad(
        "required_fields",
        ingress({"number": 8080}),
        "Service 'app' has no port 8080",
        service(),
        case="ingress-port-number-missing",
    ),
    bad(
        "required_fields",
        ingress({"name": "http", "number": 80}),
        "needs exactly one of name or number",
        service(),
        case="ingress-port-both",
    ),
    bad(
        "required_fields",
        plain("networking.k8s.io/v1", "Ingress", spec={}),
        "either defaultBackend or rules is required",
        case="ingress-empty",
    ),
    bad("required_fields", hpa(5, 3), "spec.maxReplicas 3 must be at least minReplicas 5", case="hpa-bounds"),
    bad(
        "required_fields",
        deployment(priorityClassName="critical-data"),
        "'critical-data' names no PriorityClass",
        case="priority-class-missing",
    ),
    bad(
        "required_fields",
        plain("scheduling.k8s.io/v1", "PriorityClass", namespace=None, value=2_000_000_000),
        "must be an integer of at most",
        case="priority-class-value",
    ),
    bad(
        "required_fields",
        plain("v1", "Secret", type="kubernetes.io/tls", data={"tls.crt": "eA=="}),
        "needs key 'tls.key'",
        case="tls-secret",
    ),
    # 5. known kinds
    bad(
        "known_kind",
        plain("karpenter.sh/v1", "Nodepool", namespace=None),
        "karpenter.sh/v1/Nodepool is not a kind",
        case="kind-typo",
    ),
    bad(
        "known_kind",
        plain("monitoring.coreos.com/v1beta1", "ServiceMonitor"),
        "is not a kind this platform declares",
        case="version-typo",
    ),
    bad("known_kind", plain("apps/v1", "Deploymnet"), "apps/v1/Deploymnet", case="built-in-kind-typo"),
    bad(
        "known_kind",
        plain("apps/v1", "Deployment", namespace=None),
        "Deployment is namespaced",
        case="namespaced-without-namespace",
    ),
    bad(
        "known_kind",
        plain("storage.k8s.io/v1", "StorageClass"),
        "StorageClass is cluster-scoped",
        case="cluster-scoped-with-namespace",
    ),
    # 6. Pod Security Standards, restricted
    bad(
        "pod_security_restricted",
        deployment(insecure(runAsNonRoot=None)),
        "runAsNonRoot must be true",
        namespace(),
        case="run-as-non-root-missing",
    ),
    bad(
        "pod_security_restricted",
        deployment(insecure(runAsNonRoot=False), securityContext={"runAsNonRoot": True}),
        "runAsNonRoot must be true",
        namespace(),
        case="run-as-non-root-overridden",
    ),
    bad(
        "pod_security_restricted",
        deployment(insecure(allowPrivilegeEscalation=None)),
        "allowPrivilegeEscalation must be false",
        namespace(),
        case="privilege-escalation-unset",
    ),
    bad(
        "pod_security_restricted",
        deployment(insecure(capabilities={"drop": ["NET_RAW"]})),
        "capabilities must drop ALL",
        namespace(),
        case="capabilities-not-all",
    ),
    bad(
        "pod_security_restricted",
        deployment(insecure(capabilities={"drop": ["ALL"], "add": ["SYS_ADMIN"]})),
        "capability 'SYS_ADMIN' must not be added",
        namespace(),
        case="capability-added",
    ),
    bad(
        "pod_security_restricted",
        deployment(insecure(seccompProfile={"type": "Unconfined"})),
        "seccompProfile.type must be RuntimeDefault",
        namespace(),
        case="seccomp-unconfined",
    ),
    bad(
        "pod_security_restricted",
        deployment(insecure(seccompProfile=None)),
        "seccompProfile.type must be RuntimeDefault",
        namespace(),
        case="seccomp-missing",
    ),
    bad(
        "pod_security_restricted",
        deployment(insecure(privileged=True)),
        "privileged must not be true",
        namespace(),
        case="privileged",
    ),
    bad(
        "pod_security_restricted",
        deployment(insecure(runAsUser=0)),
        "runAsUser must not be 0",
        namespace(),
        case="run-as-root",
    ),
    bad(
        "pod_security_restricted",
        deployment(hostNetwork=True),
        "spec.hostNetwork must not be true",
        namespace(),
        case="host-network",
    ),
    bad(
        "pod_security_restricted",
        deployment(hostPID=True),
        "spec.hostPID must not be true",
        namespace(),
        case="host-pid",
    ),
    bad(
        "pod_security_restricted",
        deployment(hostIPC=True),
        "spec.hostIPC must not be true",
        namespace(),
        case="host-ipc",
    ),
    bad(
        "pod_security_restricted",
        deployment(volumes=[{"name": "logs", "hostPath": {"path": "/var/log"}}]),
        "volume 'logs' of type hostPath",
        namespace(),
        case="host-path",
    ),
    bad(
        "pod_security_restricted",
        deployment(volumes=[{"name": "share", "nfs": {"server": "nfs", "path": "/"}}]),
        "volume 'share' of type nfs",
        namespace(),
        case="nfs-volume",
    ),
    bad(
        "pod_security_restricted",
        deployment(container(ports=[{"name": "http", "containerPort": 80, "hostPort": 80}])),
        "hostPort must not be set",
        namespace(),
        case="host-port",
    ),
    bad(
        "pod_security_restricted",
        deployment(securityContext={"sysctls": [{"name": "kernel.msgmax", "value": "1"}]}),
        "sysctl 'kernel.msgmax'",
        namespace(),
        case="unsafe-sysctl",
    ),
    bad(
        "pod_security_restricted",
        deployment(initContainers=[insecure(allowPrivilegeEscalation=True) | {"name": "init"}]),
        "container 'init': allowPrivilegeEscalation",
        namespace(),
        case="init-container",
    ),
    bad(
        "pod_security_restricted",
        cron_job(containers=[insecure(privileged=True)]),
        "privileged must not be true",
        namespace(),
        case="cron-job-template",
    ),
    # 7. PodDisruptionBudgets
    bad(
        "disruption_budget",
        pdb(minAvailable=2),
        "allows 0 disruptions: 2 expected pods, 2 must stay healthy",
        deployment(replicas=2),
        case="min-available-equals-replicas",
    ),
    bad(
        "disruption_budget",
        pdb(maxUnavailable=0),
        "allows 0 disruptions",
        deployment(replicas=3),
        case="max-unavailable-zero",
    ),
    bad(
        "disruption_budget",
        pdb(minAvailable="100%"),
        "allows 0 disruptions",
        deployment(replicas=3),
        case="min-available-all",
    ),
    bad(
        "disruption_budget",
        pdb(minAvailable=1),
        "1 expected pods, 1 must stay healthy",
        deployment(replicas=5),
        hpa(1),
        case="hpa-minimum-counts",
    ),
    bad(
        "disruption_budget",
        pdb(maxUnavailable=1),
        "Job/init, which has no scale subresource",
        deployment(replicas=3),
        job({"app": "app"}, restartPolicy="Never"),
        case="selects-a-job",
    ),
    bad(
        "disruption_budget",
        pdb(maxUnavailable=1),
        "selects no pods of any workload",
        deployment(name="other"),
        case="selects-nothing",
    ),
    bad(
        "disruption_budget", pdb(minAvailable=1, maxUnavailable=1), "cannot both be set", deployment(), case="both-set"
    ),
    bad(
        "disruption_budget", pdb(maxUnavailable="150%"), "percentage up to 100%", deployment(), case="over-100-percent"
    ),
    # 2, continued: the 1 MiB limit counts a Secret's base64 data decoded.
    bad(
        "names_and_metadata",
        plain("v1", "Secret", data={"blob": base64.b64encode(b"x" * (1024 * 1024 + 1)).decode()}),
        "exceeds the 1048576-byte limit",
        case="secret-over-1mib",
    ),
]


@pytest.mark.parametrize(("rule", "subject", "others", "fragment"), NEGATIVE_CASES)
def test_the_rule_flags_a_bad_manifest(rule, subject, others, fragment):
    problems = rules.RULES[rule](subject, [subject, *others])
    assert any(fragment in problem for problem in problems), problems


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
