"""Losing a zone or rolling a pod loses no monitoring, no load balancing and no requests: replicas
spread across zones, AMP de-duplicates Prometheus replicas, web pods leave the ALB before they stop."""

from __future__ import annotations

from tests.conftest import plan_with
from tests.stack_files import stack_config

RELEASE = "kubernetes:helm.sh/v3:Release"
ZONE = "topology.kubernetes.io/zone"
# podinfo's own graceful shutdown (--server-shutdown-timeout, 5s by default) after the preStop hook.
PODINFO_SHUTDOWN_SECONDS = 5


def values(stack, release):
    return stack.one(RELEASE, release)["inputs"]["values"]


def zone_spread(constraints, pod_labels):
    """The constraint that keeps these pods one zone apart, if any."""
    return [
        c
        for c in constraints or []
        if c["topologyKey"] == ZONE
        and c["maxSkew"] == 1
        and c["whenUnsatisfiable"] == "DoNotSchedule"
        and c["labelSelector"]["matchLabels"].items() >= pod_labels.items()
        and pod_labels
    ]


def test_prometheus_and_alertmanager_replicas_spread_across_zones(any_stack):
    kps = values(any_stack, "kube-prometheus-stack")
    # Pod labels the operator sets on Prometheus and Alertmanager pods.
    prometheus = kps["prometheus"]["prometheusSpec"]
    assert zone_spread(prometheus.get("topologySpreadConstraints"), {"app.kubernetes.io/name": "prometheus"})
    alertmanager = kps["alertmanager"]["alertmanagerSpec"]
    assert zone_spread(alertmanager.get("topologySpreadConstraints"), {"app.kubernetes.io/name": "alertmanager"})


def test_the_load_balancer_controller_replicas_spread_across_zones(any_stack):
    controller = values(any_stack, "aws-load-balancer-controller")
    assert controller["replicaCount"] == 2
    # The chart's selector labels (aws-load-balancer-controller.selectorLabels), release named after the chart.
    labels = {
        "app.kubernetes.io/name": "aws-load-balancer-controller",
        "app.kubernetes.io/instance": "aws-load-balancer-controller",
    }
    assert zone_spread(controller.get("topologySpreadConstraints"), labels)


def test_replicated_prometheus_writing_to_amp_carries_the_labels_amp_deduplicates_by(prod, prod_dr):
    for stack in (prod, prod_dr):
        config = stack_config(stack.stack)["eks-platform:observability"]
        assert config["managedPrometheus"] is True
        assert config["prometheusReplicas"] > 1
        spec = values(stack, "kube-prometheus-stack")["prometheus"]["prometheusSpec"]
        assert spec["remoteWrite"]
        # "Send high availability data to Amazon Managed Service for Prometheus": `cluster` names the
        # group, `__replica__` the replica; both are needed for de-duplication.
        assert spec["externalLabels"] == {"cluster": stack.outputs["clusterName"]}
        assert spec["replicaExternalLabelName"] == "__replica__"


def test_no_replica_labels_without_replicas_or_remote_write(dev):
    spec = values(dev, "kube-prometheus-stack")["prometheus"]["prometheusSpec"]
    assert "remoteWrite" not in spec
    assert "externalLabels" not in spec
    assert "replicaExternalLabelName" not in spec

    def one_replica(config):
        config["eks-platform:observability"]["prometheusReplicas"] = 1

    single = values(plan_with("prod", one_replica), "kube-prometheus-stack")["prometheus"]["prometheusSpec"]
    assert single["remoteWrite"]
    assert "replicaExternalLabelName" not in single


def test_web_pods_wait_for_the_alb_to_deregister_them_before_stopping(any_stack):
    (deployment,) = [
        r
        for r in any_stack.resources
        if r["inputs"].get("kind") == "Deployment" and r["inputs"]["metadata"]["namespace"] == "web"
    ]
    pod = deployment["inputs"]["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    pre_stop = container["lifecycle"]["preStop"]
    # Kubernetes' sleep action (1.30+): nothing in the image is needed, unlike an exec hook.
    assert set(pre_stop) == {"sleep"}
    seconds = pre_stop["sleep"]["seconds"]
    assert 10 <= seconds <= 30
    version = stack_config(any_stack.stack)["eks-platform:cluster"]["kubernetesVersion"]
    assert tuple(int(part) for part in version.split(".")) >= (1, 30)
    assert pod["terminationGracePeriodSeconds"] > seconds + PODINFO_SHUTDOWN_SECONDS
