"""CloudWatch metric alarms of every stack use documented enums and periods.

Catalogue: tests/catalogues/alarms.py.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests import catalogues as cat
from tests.aws_checks import open_findings
from tests.conftest import STACKS, graph
from tests.graph import ref

# ======================================================================================
# 6a. CloudWatch metric alarms (botocore 1.44.5 cloudwatch enums, PutMetricAlarm documentation)
# ======================================================================================


def metric_alarm_problems(inputs: dict[str, Any]) -> list[str]:
    found = []
    if inputs.get("comparisonOperator") not in cat.alarm_comparison_operators():
        found.append(
            f"comparisonOperator {inputs.get('comparisonOperator')!r} is not one of the ComparisonOperator enum"
        )
    statistic_needed = "statistic" in inputs or not ({"extendedStatistic", "metricQueries"} & set(inputs))
    if statistic_needed and inputs.get("statistic") not in cat.alarm_statistics():
        found.append(f"statistic {inputs.get('statistic')!r} is not one of the Statistic enum")
    if "period" in inputs or "metricQueries" not in inputs:
        high_resolution, multiple = cat.alarm_periods()
        period = inputs.get("period")
        if not (isinstance(period, int) and period > 0 and (period in high_resolution or period % multiple == 0)):
            found.append(f"period {period!r} is not {sorted(high_resolution)} or a multiple of {multiple}")
    if "treatMissingData" in inputs and inputs["treatMissingData"] not in cat.alarm_treat_missing_data():
        found.append(
            f"treatMissingData {inputs['treatMissingData']!r} is not one of {sorted(cat.alarm_treat_missing_data())}"
        )
    evaluation_periods = inputs.get("evaluationPeriods")
    minimum = int(cat.shape("cloudwatch", "EvaluationPeriods").get("min", 1))
    if not (isinstance(evaluation_periods, int) and evaluation_periods >= minimum):
        found.append(f"evaluationPeriods {evaluation_periods!r} is below {minimum}")
    elif inputs.get("datapointsToAlarm", evaluation_periods) > evaluation_periods:
        found.append("datapointsToAlarm exceeds evaluationPeriods")
    return found


@pytest.mark.parametrize("stack", STACKS)
def test_every_metric_alarm_uses_documented_values(stack):
    alarms = graph(stack).of_type("aws:cloudwatch/metricAlarm:MetricAlarm")
    assert alarms
    findings = {ref(a): problems for a in alarms if (problems := metric_alarm_problems(a["inputs"]))}
    assert open_findings("alarms", stack, findings) == {}


def test_the_alarm_catalogue_reads_the_documented_sets():
    # The PutMetricAlarm API reference's "Valid Values: breaching | notBreaching | ignore | missing".
    assert cat.alarm_treat_missing_data() == {"breaching", "notBreaching", "ignore", "missing"}
    assert cat.alarm_periods() == ({10, 20, 30}, 60)
    assert "GreaterThanThreshold" in cat.alarm_comparison_operators()


GOOD_ALARM = {
    "comparisonOperator": "GreaterThanThreshold",
    "statistic": "Average",
    "period": 300,
    "evaluationPeriods": 3,
    "treatMissingData": "notBreaching",
}


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"comparisonOperator": "GreaterThan"}, "comparisonOperator 'GreaterThan'"),
        ({"statistic": "Avg"}, "statistic 'Avg'"),
        ({"statistic": "p99"}, "statistic 'p99'"),
        ({"period": 90}, "period 90"),
        ({"period": 15}, "period 15"),
        ({"period": 0}, "period 0"),
        ({"treatMissingData": "notbreaching"}, "treatMissingData 'notbreaching'"),
        ({"evaluationPeriods": 0}, "evaluationPeriods 0"),
        ({"datapointsToAlarm": 4}, "datapointsToAlarm exceeds"),
    ],
)
def test_metric_alarm_rules_reject(changes, expected):
    assert metric_alarm_problems(GOOD_ALARM) == []
    assert metric_alarm_problems({**GOOD_ALARM, "period": 10, "statistic": "Sum"}) == []
    problems = metric_alarm_problems({**GOOD_ALARM, **changes})
    assert any(expected in problem for problem in problems), problems
