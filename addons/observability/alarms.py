"""CloudWatch alarms on Container Insights metrics, as data (tested against AWS's metric names)."""

from __future__ import annotations

from dataclasses import dataclass, field

CONTAINER_INSIGHTS_NAMESPACE = "ContainerInsights"


@dataclass(frozen=True)
class AlarmSpec:
    name: str
    metric: str
    statistic: str
    threshold: float
    description: str
    # Added to the ClusterName dimension every alarm carries.
    dimensions: dict[str, str] = field(default_factory=dict)
    comparison: str = "GreaterThanThreshold"
    period_seconds: int = 300
    evaluation_periods: int = 3
    # Absent data means "nothing happened" for counters, "unknown" for gauges.
    treat_missing_data: str = "missing"


ALARMS = (
    AlarmSpec(
        "failed-nodes",
        "cluster_failed_node_count",
        "Maximum",
        0,
        "At least one worker node has failed for 15 minutes.",
        evaluation_periods=3,
    ),
    AlarmSpec("node-cpu", "node_cpu_utilization", "Average", 80, "Average node CPU above 80% for 15 minutes."),
    AlarmSpec("node-memory", "node_memory_utilization", "Average", 85, "Average node memory above 85% for 15 minutes."),
    AlarmSpec(
        "web-restarts",
        "pod_number_of_container_restarts",
        "Maximum",
        3,
        "web containers restarted more than 3 times in 5 minutes.",
        dimensions={"Namespace": "web", "PodName": "web"},
        evaluation_periods=1,
        treat_missing_data="notBreaching",
    ),
    AlarmSpec(
        "apiserver-errors",
        "apiserver_request_total_5xx",
        "Sum",
        50,
        "The Kubernetes API server answered more than 50 requests with 5xx in 5 minutes, twice.",
        evaluation_periods=2,
        treat_missing_data="notBreaching",
    ),
)
