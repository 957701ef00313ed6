"""The small languages inside settings, checked by their real grammars.

- Cron: croniter, which knows field ranges, steps and names (`*/0`, minute 61 and hour 25
  fail); Kubernetes CronJobs and Karpenter budgets take five fields or an @-macro, no seconds
  and no time zone inside the expression.
- Karpenter durations and quantities: the patterns of Karpenter's v1 NodePool CRD
  (aws/karpenter-provider-aws pkg/apis/crds/karpenter.sh_nodepools.yaml), which the API server
  enforces, matched whole; the CRD's own `^(…)|(Never)$` anchors only its first branch, so it
  would admit `30mx`, which Karpenter's Go duration parsing then rejects.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from croniter import croniter

from settings.reader import ConfigReader

CRON_MACROS = ("@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly")
# NodePool spec.disruption.consolidateAfter and spec.template.spec.expireAfter.
NODEPOOL_DURATION = re.compile(r"^(?:(?:[0-9]+(?:s|m|h))+|Never)$")
# NodePool spec.disruption.budgets[].duration: minutes and hours only.
BUDGET_DURATION = re.compile(r"^(?:(?:[0-9]+(?:h|m))|(?:[0-9]+h[0-9]+m))(?:0s)?$")
# NodePool spec.limits values (resource.Quantity).
QUANTITY = re.compile(
    r"^(?:\+|-)?(?:(?:[0-9]+(?:\.[0-9]*)?)|(?:\.[0-9]+))(?:(?:[KMGTPE]i)|[numkMGTPE]|(?:[eE](?:\+|-)?(?:(?:[0-9]+(?:\.[0-9]*)?)|(?:\.[0-9]+))))?$"
)
_SUFFIX = {
    "n": Decimal("1e-9"), "u": Decimal("1e-6"), "m": Decimal("1e-3"), "": Decimal(1),
    "k": Decimal(10) ** 3, "M": Decimal(10) ** 6, "G": Decimal(10) ** 9, "T": Decimal(10) ** 12,
    "P": Decimal(10) ** 15, "E": Decimal(10) ** 18,
    "Ki": Decimal(2) ** 10, "Mi": Decimal(2) ** 20, "Gi": Decimal(2) ** 30, "Ti": Decimal(2) ** 40,
    "Pi": Decimal(2) ** 50, "Ei": Decimal(2) ** 60,
}  # fmt: skip


def cron_schedule(reader: ConfigReader, key: str, example: str) -> str:
    allowed = (
        f"a 5-field cron expression with fields in range (minute hour day month weekday), e.g. {example}, or @hourly"
    )
    schedule = reader.string(key, allowed)
    fields = schedule.split()
    if schedule in CRON_MACROS:
        return schedule
    if len(fields) != 5 or "TZ" in schedule or not croniter.is_valid(schedule):
        raise reader.fail(key, schedule, allowed)
    return schedule


def quantity_value(text: str) -> Decimal | None:
    """The number a Kubernetes quantity stands for, or None when it is not one."""
    if not QUANTITY.match(text):
        return None
    match = re.match(r"^([+-]?[0-9.]+(?:[eE][+-]?[0-9.]+)?)([a-zA-Z]*)$", text)
    try:
        number, suffix = (Decimal(match.group(1)), match.group(2)) if match else (Decimal(text), "")
    except InvalidOperation:
        return None
    return number * _SUFFIX[suffix] if suffix in _SUFFIX else None
