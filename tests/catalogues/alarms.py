"""CloudWatch metric alarms: enums and the documented values of PutMetricAlarm (botocore 1.44.5)."""

from __future__ import annotations

import re
from functools import cache

from tests.catalogues.service_models import member_documentation, shape

# --------------------------------------------------------------------------------------
# CloudWatch metric alarms
# --------------------------------------------------------------------------------------


@cache
def alarm_comparison_operators() -> frozenset[str]:
    """cloudwatch `ComparisonOperator` enum, botocore 1.44.5 (model of 2026-11-17)."""
    return frozenset(shape("cloudwatch", "ComparisonOperator")["enum"])


@cache
def alarm_statistics() -> frozenset[str]:
    """cloudwatch `Statistic` enum, botocore 1.44.5 (model of 2026-11-17)."""
    return frozenset(shape("cloudwatch", "Statistic")["enum"])


@cache
def alarm_treat_missing_data() -> frozenset[str]:
    """The values PutMetricAlarm documents for TreatMissingData.

    The model types it as a free string (1-255); the API reference,
    https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html,
    says "Valid Values: breaching | notBreaching | ignore | missing". Read from that text as
    botocore 1.44.5 carries it.
    """
    text = member_documentation("cloudwatch", "PutMetricAlarm", "TreatMissingData")
    found = re.search(r"Valid Values: ([\w |]+?)(?: [A-Z]|$)", text)
    assert found, f"PutMetricAlarm TreatMissingData no longer lists valid values: {text}"
    return frozenset(value.strip() for value in found.group(1).split("|"))


@cache
def alarm_periods() -> tuple[frozenset[int], int]:
    """(high-resolution periods, the multiple every other period must be) for PutMetricAlarm Period.

    PutMetricAlarm's documentation (botocore 1.44.5): "Valid values are 10, 20, 30, and any multiple of 60."
    """
    text = member_documentation("cloudwatch", "PutMetricAlarm", "Period")
    found = re.search(r"Valid values are ([\d, ]+?),? and any multiple of (\d+)", text)
    assert found, f"PutMetricAlarm Period no longer states its valid values: {text}"
    return frozenset(int(n) for n in found.group(1).split(",") if n.strip()), int(found.group(2))
