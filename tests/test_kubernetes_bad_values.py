"""Rules 1-3 of tests/kubernetes_api_rules/ flag hand-built bad manifests.

Quantities, names and metadata (labels, annotations, selectors, data keys), and named ports. Rules
4-7 are in test_kubernetes_bad_objects.py; test_kubernetes_api_rules_negative.py checks that every
rule has cases and that the builders alone pass every rule.
"""

from __future__ import annotations

import base64

import pytest

from tests import kubernetes_api_rules as rules
from tests.manifest_builders import (
    NS,
    bad,
    container,
    cron_job,
    deployment,
    ingress,
    labelled,
    namespace,
    network_policy,
    pdb,
    plain,
    service,
    stateful_set,
)

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
