"""Rules 4-7 of tests/kubernetes_api_rules/ flag hand-built bad manifests.

Required fields and references, known kinds, the Pod Security `restricted` profile, and
PodDisruptionBudgets. Rules 1-3 are in test_kubernetes_bad_values.py.
"""

from __future__ import annotations

import pytest

from tests import kubernetes_api_rules as rules
from tests.manifest_builders import (
    bad,
    container,
    cron_job,
    deployment,
    hpa,
    ingress,
    insecure,
    job,
    namespace,
    pdb,
    plain,
    service,
    stateful_set,
)

NEGATIVE_CASES = [
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
]


@pytest.mark.parametrize(("rule", "subject", "others", "fragment"), NEGATIVE_CASES)
def test_the_rule_flags_a_bad_manifest(rule, subject, others, fragment):
    problems = rules.RULES[rule](subject, [subject, *others])
    assert any(fragment in problem for problem in problems), problems
