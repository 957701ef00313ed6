"""Observability: rules proven by promtool, dashboards that only use what the stack provides,
alarms on real Container Insights metrics, and no secret or public endpoint leaking."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import yaml

from addons.observability.alarms import ALARMS
from addons.observability.monitors import RULES_FILE
from addons.observability.prometheus_stack import DASHBOARD_DIR
from offline_plan.cloud_values import computed_state
from offline_plan.manifests import kubernetes_objects, write_manifests
from offline_plan.plan_file import write_plan
from tests.graph import ref
from tests.stack_files import stack_config

PROJECT_DIR = Path(__file__).resolve().parent.parent
RULES_TESTS = RULES_FILE.parent / "platform.rules.test.yaml"
RUNBOOKS = PROJECT_DIR / "docs" / "runbooks.md"
RELEASE = "kubernetes:helm.sh/v3:Release"
ISSUE_ALERTS = {
    "KubernetesNodeNotReady",
    "KubernetesPodCrashLooping",
    "PersistentVolumeFillingUp",
    "KarpenterNodeClaimLaunchFailing",
    "HorizontalPodAutoscalerAtMaxReplicas",
    "KubernetesAPIServerErrorRate",
    "WebErrorBudgetBurnFast",
    "WebErrorBudgetBurnSlow",
}


def promtool() -> str:
    path = shutil.which("promtool")
    assert path, "promtool is missing: `make test` installs Debian's prometheus package"
    return path


def alert_rules() -> list[dict]:
    groups = yaml.safe_load(RULES_FILE.read_text())["groups"]
    return [rule for group in groups for rule in group["rules"] if "alert" in rule]


def kps_values(stack):
    return stack.one(RELEASE, "kube-prometheus-stack")["inputs"]["values"]


# --- Alert rules -------------------------------------------------------------------------


def test_rules_pass_promtool_check():
    result = subprocess.run(
        [promtool(), "check", "rules", str(RULES_FILE)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout


def test_rules_pass_their_promtool_unit_tests():
    result = subprocess.run(
        [promtool(), "test", "rules", RULES_TESTS.name],
        cwd=RULES_TESTS.parent,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout


def test_promtool_unit_tests_fail_when_an_alert_would_not_fire(tmp_path):
    """The unit tests bite: raising a threshold out of reach makes them fail."""
    broken = RULES_FILE.read_text().replace("> 0.05", "> 0.50")
    (tmp_path / RULES_FILE.name).write_text(broken)
    shutil.copy(RULES_TESTS, tmp_path / RULES_TESTS.name)
    result = subprocess.run(
        [promtool(), "test", "rules", RULES_TESTS.name], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert result.returncode != 0
    assert "KubernetesAPIServerErrorRate" in result.stdout + result.stderr


def test_the_issue_alerts_exist_with_severity_summary_and_a_runbook_section():
    rules = {rule["alert"]: rule for rule in alert_rules()}
    assert set(rules) == ISSUE_ALERTS
    anchors = {
        re.sub(r"[^a-z0-9]", "", line[3:].lower())
        for line in RUNBOOKS.read_text().splitlines()
        if line.startswith("## ")
    }
    for name, rule in rules.items():
        assert rule["labels"]["severity"] in ("critical", "warning"), name
        assert rule["annotations"]["summary"], name
        runbook = rule["annotations"]["runbook_url"]
        assert runbook.startswith("docs/runbooks.md#"), name
        assert runbook.split("#", 1)[1] in anchors, name


def test_every_alert_has_a_firing_and_a_quiet_unit_test():
    cases = [case for test in yaml.safe_load(RULES_TESTS.read_text())["tests"] for case in test["alert_rule_test"]]
    for alert in ISSUE_ALERTS:
        mine = [case for case in cases if case["alertname"] == alert]
        assert any(case["exp_alerts"] for case in mine), f"{alert} never fires in a test"
        assert any(not case["exp_alerts"] for case in mine), f"{alert} is never shown quiet"


def test_rules_are_deployed_as_a_prometheus_rule_after_the_operator(any_stack):
    (rule,) = any_stack.of_type("kubernetes:monitoring.coreos.com/v1:PrometheusRule")
    assert rule["inputs"]["spec"] == yaml.safe_load(RULES_FILE.read_text())
    assert ref(any_stack.one(RELEASE, "kube-prometheus-stack")) in rule["dependsOn"]
    assert ref(any_stack.one(RELEASE, "prometheus-operator-crds")) in rule["dependsOn"]


# --- Dashboards --------------------------------------------------------------------------

# Metrics the stack's own exporters provide: kube-state-metrics, node-exporter, kubelet
# (volume stats), Karpenter v1 (docs/reference/metrics.md), podinfo (pkg/api/http/metrics.go)
# and this repository's recording rules.
PROVIDED_METRICS = {
    "kube_node_status_condition", "kube_pod_status_phase", "kube_pod_container_status_restarts_total",
    "kube_pod_container_status_waiting_reason", "kube_horizontalpodautoscaler_status_current_replicas",
    "kube_horizontalpodautoscaler_spec_max_replicas",
    "node_cpu_seconds_total", "node_memory_MemAvailable_bytes", "node_memory_MemTotal_bytes",
    "kubelet_volume_stats_available_bytes", "kubelet_volume_stats_capacity_bytes", "kubelet_volume_stats_used_bytes",
    "karpenter_nodes_allocatable", "karpenter_nodepools_usage", "karpenter_nodepools_limit",
    "karpenter_nodeclaims_disrupted_total", "karpenter_cloudprovider_errors_total", "karpenter_pods_state",
    "http_requests_total", "http_request_duration_seconds_bucket",
    "apiserver_request_total",
}  # fmt: skip
PROMQL_WORDS = {"by", "on", "without", "ignoring", "group_left", "group_right", "and", "or", "unless", "bool", "offset"}


def recording_rules() -> set[str]:
    groups = yaml.safe_load(RULES_FILE.read_text())["groups"]
    return {rule["record"] for group in groups for rule in group["rules"] if "record" in rule}


def metric_names(expr: str) -> set[str]:
    """Metric names in a PromQL expression: identifiers that are not functions, keywords or labels."""
    text = re.sub(r'"[^"]*"', "", expr)
    text = re.sub(r"\{[^}]*\}", " ", text)
    text = re.sub(r"\[[^\]]*\]", " ", text)
    text = re.sub(r"\b(by|on|without|ignoring)\s*\([^)]*\)", " ", text)
    names = set()
    for match in re.finditer(r"[a-zA-Z_:][a-zA-Z0-9_:]*", text):
        is_function = text[match.end() :].lstrip().startswith("(")
        if not is_function and match.group() not in PROMQL_WORDS:
            names.add(match.group())
    return names


def dashboards() -> dict[str, dict]:
    return {path.name: json.loads(path.read_text()) for path in sorted(DASHBOARD_DIR.glob("*.json"))}


def test_the_three_dashboards_exist_with_unique_uids():
    boards = dashboards()
    assert set(boards) == {"cluster-overview.json", "karpenter-capacity.json", "web.json"}
    assert len({board["uid"] for board in boards.values()}) == 3


def test_dashboards_use_only_the_provisioned_datasource_and_provided_metrics(any_stack):
    datasource_uid = kps_values(any_stack)["grafana"]["sidecar"]["datasources"]["uid"]
    known = PROVIDED_METRICS | recording_rules()
    for name, board in dashboards().items():
        for panel in board["panels"]:
            assert panel["datasource"] == {"type": "prometheus", "uid": datasource_uid}, (name, panel["title"])
            assert panel["targets"], (name, panel["title"])
            for target in panel["targets"]:
                unknown = metric_names(target["expr"]) - known
                assert not unknown, (name, panel["title"], unknown)


def test_metric_name_extraction_sees_through_functions_and_labels():
    expr = 'histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{namespace="web"}[5m])))'
    assert metric_names(expr) == {"http_request_duration_seconds_bucket"}
    assert metric_names("sum(rate(made_up_metric[5m])) / sum(rate(http_requests_total[5m]))") == {
        "made_up_metric",
        "http_requests_total",
    }


def test_dashboards_are_provisioned_as_config_maps_the_sidecar_picks_up(any_stack):
    sidecar = kps_values(any_stack)["grafana"]["sidecar"]["dashboards"]
    objects = [obj for _, obj in kubernetes_objects(any_stack.plan) if obj["kind"] == "ConfigMap"]
    # Every ConfigMap where the sidecar looks is a dashboard; other namespaces' are not its business.
    maps = [obj for obj in objects if obj["metadata"]["namespace"] == sidecar["searchNamespace"]]
    assert maps
    shipped = {}
    for config_map in maps:
        assert config_map["metadata"]["labels"][sidecar["label"]] == sidecar["labelValue"]
        assert config_map["metadata"]["namespace"] == sidecar["searchNamespace"]
        shipped.update({key: json.loads(value) for key, value in config_map["data"].items()})
    assert shipped == dashboards()


# --- Prometheus, Alertmanager, Grafana ---------------------------------------------------


def test_prometheus_keeps_data_on_gp3_sized_and_retained_per_environment(dev, prod):
    for stack in (dev, prod):
        config = stack_config(stack.stack)["eks-platform:observability"]
        spec = kps_values(stack)["prometheus"]["prometheusSpec"]
        assert spec["retention"] == config["prometheusRetention"]
        claim = spec["storageSpec"]["volumeClaimTemplate"]["spec"]
        assert claim["storageClassName"] == "gp3"
        assert claim["resources"]["requests"]["storage"] == f"{config['prometheusVolumeGiB']}Gi"
        assert spec["replicas"] == config["prometheusReplicas"]
        assert spec["resources"]["limits"]
    assert kps_values(prod)["prometheus"]["podDisruptionBudget"]["enabled"] is True
    assert kps_values(dev)["prometheus"]["podDisruptionBudget"]["enabled"] is False


def test_operator_and_kube_state_metrics_run_on_system_nodes(any_stack):
    values = kps_values(any_stack)
    for component in ("prometheusOperator", "kube-state-metrics"):
        assert values[component]["nodeSelector"] == {"node.eks-platform.io/pool": "system"}
        assert values[component]["resources"]["limits"]


def test_grafana_password_is_a_generated_secret_that_appears_in_no_plan_output(any_stack, tmp_path):
    grafana = kps_values(any_stack)["grafana"]
    assert "adminPassword" not in grafana
    secret = next(
        obj
        for _, obj in kubernetes_objects(any_stack.plan)
        if obj["kind"] == "Secret" and obj["metadata"]["name"] == grafana["admin"]["existingSecret"]
    )
    assert secret["stringData"][grafana["admin"]["passwordKey"]] == "[secret]"
    (password,) = [p for p in any_stack.of_type("random:index/randomPassword:RandomPassword") if "grafana" in p["name"]]
    secret_resource = next(r for r in any_stack.resources if r["inputs"] is secret)
    assert ref(password) in secret_resource["dependencies"]
    generated = computed_state(password["type"], password["name"], password["inputs"], "", any_stack.stack, "")[
        "result"
    ]
    assert len(generated) == 32
    assert generated not in any_stack.text()
    # What `make plan` writes: the plan file and every manifest.
    write_plan(any_stack.plan, tmp_path)
    write_manifests(any_stack.plan, tmp_path)
    written = "".join(path.read_text() for path in tmp_path.rglob("*") if path.is_file())
    assert generated not in written
    assert "[secret]" in written


def test_nothing_exposes_grafana_or_prometheus_on_a_public_load_balancer(dev, prod):
    for stack in (dev, prod):
        values = kps_values(stack)
        assert values["grafana"]["service"]["type"] == "ClusterIP"
        assert values["prometheus"]["service"]["type"] == "ClusterIP"
        assert values["alertmanager"]["service"]["type"] == "ClusterIP"
        services = [obj for _, obj in kubernetes_objects(stack.plan) if obj["kind"] == "Service"]
        assert all(s["spec"].get("type", "ClusterIP") != "LoadBalancer" for s in services)
    assert kps_values(dev)["grafana"]["ingress"] == {"enabled": False}
    ingress = kps_values(prod)["grafana"]["ingress"]
    assert ingress["annotations"]["alb.ingress.kubernetes.io/scheme"] == "internal"


def test_managed_prometheus_only_where_asked_with_scoped_remote_write(dev, prod):
    assert dev.of_type("aws:amp/workspace:Workspace") == []
    assert "remoteWrite" not in kps_values(dev)["prometheus"]["prometheusSpec"]
    workspace = prod.one("aws:amp/workspace:Workspace")
    (remote_write,) = kps_values(prod)["prometheus"]["prometheusSpec"]["remoteWrite"]
    assert remote_write["url"].endswith("/api/v1/remote_write")
    assert remote_write["sigv4"] == {"region": "us-east-1"}
    policy = next(p for p in prod.of_type("aws:iam/rolePolicy:RolePolicy") if ref(workspace) in p["dependencies"])
    (statement,) = json.loads(policy["inputs"]["policy"])["Statement"]
    assert statement["Action"] == "aps:RemoteWrite"
    assert statement["Resource"].startswith("arn:aws:aps:us-east-1:")
    accounts = {
        a["inputs"]["serviceAccount"]
        for a in prod.of_type("aws:eks/podIdentityAssociation:PodIdentityAssociation")
        if a["inputs"]["namespace"] == "monitoring"
    }
    assert kps_values(prod)["prometheus"]["serviceAccount"]["name"] in accounts


def test_monitors_scrape_karpenter_the_load_balancer_controller_and_web(any_stack):
    monitors = {
        obj["metadata"]["name"]: obj
        for _, obj in kubernetes_objects(any_stack.plan)
        if obj["kind"] in ("ServiceMonitor", "PodMonitor")
    }
    assert set(monitors) == {"karpenter", "aws-load-balancer-controller", "web"}
    assert monitors["aws-load-balancer-controller"]["kind"] == "PodMonitor"
    web_service = next(
        obj
        for _, obj in kubernetes_objects(any_stack.plan)
        if obj["kind"] == "Service" and obj["metadata"]["namespace"] == "web"
    )
    web_ports = {port["name"] for port in web_service["spec"]["ports"]}
    (endpoint,) = monitors["web"]["spec"]["endpoints"]
    assert endpoint["port"] in web_ports
    for monitor in monitors.values():
        spec = monitor["spec"]
        endpoints = spec.get("endpoints") or spec.get("podMetricsEndpoints")
        assert endpoints
        assert all(e["port"] for e in endpoints)
        assert spec["selector"]["matchLabels"]
        assert spec["namespaceSelector"]["matchNames"]


# --- CloudWatch --------------------------------------------------------------------------

# Container Insights (enhanced observability) metric names and their dimension sets, from
# AWS's Container Insights metrics reference for Amazon EKS and the CloudWatch agent's EMF
# translator (translator/translate/otel/exporter/awsemf/kubernetes.go).
CONTAINER_INSIGHTS_METRICS = {
    "cluster_failed_node_count": [{"ClusterName"}],
    "cluster_node_count": [{"ClusterName"}],
    "node_cpu_utilization": [{"ClusterName"}, {"ClusterName", "NodeName", "InstanceId"}],
    "node_memory_utilization": [{"ClusterName"}, {"ClusterName", "NodeName", "InstanceId"}],
    "pod_number_of_container_restarts": [
        {"ClusterName"},
        {"ClusterName", "Namespace", "PodName"},
        {"ClusterName", "Namespace", "PodName", "FullPodName"},
        {"ClusterName", "Namespace", "Service"},
    ],
    "apiserver_request_total_5xx": [{"ClusterName"}, {"ClusterName", "code", "verb"}],
}


def test_alarms_use_container_insights_metric_names_and_dimension_sets(any_stack):
    alarms = any_stack.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")
    assert len(alarms) == len(ALARMS) == 5
    for alarm in alarms:
        inputs = alarm["inputs"]
        assert inputs["namespace"] == "ContainerInsights"
        assert set(inputs["dimensions"]) in CONTAINER_INSIGHTS_METRICS[inputs["metricName"]], inputs["metricName"]
        assert inputs["dimensions"]["ClusterName"] == any_stack.outputs["clusterName"]
    metrics = {a["inputs"]["metricName"] for a in alarms}
    assert {"cluster_failed_node_count", "node_cpu_utilization", "node_memory_utilization"} <= metrics
    restarts = next(a for a in alarms if a["inputs"]["metricName"] == "pod_number_of_container_restarts")
    assert restarts["inputs"]["dimensions"] == {
        "ClusterName": any_stack.outputs["clusterName"],
        "Namespace": "web",
        "PodName": "web",
    }


def test_alarms_notify_an_encrypted_topic_with_the_settings_email_subscriptions(any_stack):
    topic = any_stack.one("aws:sns/topic:Topic")
    alerts_key = next(k for k in any_stack.of_type("aws:kms/key:Key") if k["name"].endswith("-alerts"))
    assert topic["inputs"]["kmsMasterKeyId"]
    assert ref(alerts_key) in topic["dependencies"]
    for alarm in any_stack.of_type("aws:cloudwatch/metricAlarm:MetricAlarm"):
        assert ref(topic) in alarm["dependencies"]
        assert len(alarm["inputs"]["alarmActions"]) == 1
    emails = stack_config(any_stack.stack)["eks-platform:observability"]["alertEmails"]
    subscriptions = any_stack.of_type("aws:sns/topicSubscription:TopicSubscription")
    assert sorted(s["inputs"]["endpoint"] for s in subscriptions) == sorted(emails)
    assert all(s["inputs"]["protocol"] == "email" for s in subscriptions)
    key_policy = json.loads(alerts_key["inputs"]["policy"])
    assert any(s.get("Principal") == {"Service": "cloudwatch.amazonaws.com"} for s in key_policy["Statement"])


def test_every_log_group_has_retention_and_a_kms_key(any_stack):
    groups = any_stack.of_type("aws:cloudwatch/logGroup:LogGroup")
    assert len(groups) == 6
    for group in groups:
        assert group["inputs"]["retentionInDays"] > 0, group["name"]
        assert group["inputs"]["kmsKeyId"].startswith("arn:aws:kms:"), group["name"]


def test_container_insights_addon_writes_into_the_log_groups_created_first(any_stack):
    addon = any_stack.one("aws:eks/addon:Addon", "amazon-cloudwatch-observability")
    cluster = any_stack.outputs["clusterName"]
    expected = {
        f"/aws/containerinsights/{cluster}/{kind}" for kind in ("application", "dataplane", "host", "performance")
    }
    groups = {g["inputs"]["name"]: g for g in any_stack.of_type("aws:cloudwatch/logGroup:LogGroup")}
    assert expected <= set(groups)
    assert {ref(groups[name]) for name in expected} <= set(addon["dependsOn"])
    for name in expected:
        retention = stack_config(any_stack.stack)["eks-platform:cluster"]["logRetentionDays"]
        assert groups[name]["inputs"]["retentionInDays"] == retention
    configuration = json.loads(addon["inputs"]["configurationValues"])
    assert (
        configuration["agent"]["config"]["logs"]["metrics_collected"]["kubernetes"]["enhanced_container_insights"]
        is True
    )
    assert configuration["containerLogs"]["enabled"] is True
    (binding,) = addon["inputs"]["podIdentityAssociations"]
    assert binding["serviceAccount"] == "cloudwatch-agent"


def test_a_cloudwatch_dashboard_shows_every_alarm_metric(any_stack):
    dashboard = any_stack.one("aws:cloudwatch/dashboard:Dashboard")
    body = json.loads(dashboard["inputs"]["dashboardBody"])
    shown = {widget["properties"]["metrics"][0][1] for widget in body["widgets"]}
    assert shown == {spec.metric for spec in ALARMS}
