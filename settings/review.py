"""The `eks-platform:review` section: the usage a cost estimate assumes and the targets it is held to.

Nothing here is declared in AWS; the program exports it (the `review` output) so the review
tools read it from the plan like everything else they estimate.
"""

from __future__ import annotations

from settings.model import DrRole, ReviewSettings
from settings.reader import ConfigReader

_USAGE = (
    "natDataGiBPerMonth", "logIngestionGiBPerMonth", "webRequestsMillionsPerMonth", "replicatedGiBPerMonth",
    "metricSamplesMillionsPerMonth", "spotDiscountPercent",
)  # fmt: skip
# What a promotion's modeled time is held to and made of.
_PROMOTION = ("rtoMinutes", "dnsTtlSeconds", "failoverDetectionSeconds")
_TARGETS = ("monthlyBudgetUsd", "standbyMaxPercentOfPeer", *_PROMOTION)


def parse_review(root: ConfigReader, role: DrRole, peer_stack: str | None) -> ReviewSettings:
    section = root.section("review", _USAGE + _TARGETS)
    # Targets about a peer stay set through a promotion, which changes dr.role alone.
    if peer_stack is None:
        for key in (*_PROMOTION, "standbyMaxPercentOfPeer"):
            if section.has(key):
                raise section.fail(key, section.data[key], "unset unless dr.peerStack names a peer to fail over to")
    elif role == "standby":
        for key in _PROMOTION:
            section.raw(key, "required on a standby stack: its promotion is measured against it")
    return ReviewSettings(
        nat_data_gib_per_month=section.integer("natDataGiBPerMonth", 0, 1_000_000),
        log_ingestion_gib_per_month=section.integer("logIngestionGiBPerMonth", 0, 1_000_000),
        web_requests_millions_per_month=section.integer("webRequestsMillionsPerMonth", 0, 1_000_000),
        replicated_gib_per_month=section.integer("replicatedGiBPerMonth", 0, 1_000_000),
        metric_samples_millions_per_month=section.integer("metricSamplesMillionsPerMonth", 0, 10_000_000),
        spot_discount_percent=section.integer("spotDiscountPercent", 0, 90),
        monthly_budget_usd=_optional(section, "monthlyBudgetUsd", 1, 10_000_000),
        standby_max_percent_of_peer=_optional(section, "standbyMaxPercentOfPeer", 1, 100),
        rto_minutes=_optional(section, "rtoMinutes", 1, 24 * 60),
        dns_ttl_seconds=_optional(section, "dnsTtlSeconds", 0, 86_400),
        failover_detection_seconds=_optional(section, "failoverDetectionSeconds", 0, 3_600),
    )


def _optional(section: ConfigReader, name: str, low: int, high: int) -> int | None:
    return section.integer(name, low, high) if section.has(name) else None
