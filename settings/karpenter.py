"""The `eks-platform:karpenter` section: controller identity, node class and NodePools."""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal

import versions
from settings.aws_catalog import instance_categories
from settings.grammars import BUDGET_DURATION, NODEPOOL_DURATION, cron_schedule, quantity_value
from settings.model import DisruptionBudget, KarpenterSettings, NodePoolSettings, ResourceLimits
from settings.reader import ConfigReader

CAPACITY_TYPES = ("spot", "on-demand", "reserved")
ARCHITECTURES = ("amd64", "arm64")
CONSOLIDATION_POLICIES = ("WhenEmpty", "WhenEmptyOrUnderutilized")
POOL_KEYS = (
    "capacityTypes", "architectures", "instanceCategories", "minGeneration", "limits", "standbyLimits",
    "consolidationPolicy", "consolidateAfter", "expireAfter", "dedicated", "weight",
)  # fmt: skip

_POOL_NAME = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")


def parse_karpenter(root: ConfigReader, role: str) -> KarpenterSettings:
    section = root.section(
        "karpenter",
        ("identity", "amiFamily", "nodeVolumeGiB", "disruption", "nodePools", "statefulNodePool"),
    )
    budgets = _budgets(section)
    allowed = "an object of one or more NodePools keyed by name"
    raw_pools = section.raw("nodePools", allowed)
    if not isinstance(raw_pools, Mapping) or not raw_pools:
        raise section.fail("nodePools", raw_pools, allowed)
    pools_reader = ConfigReader(section.stack, f"{section.key('nodePools')}.", raw_pools)
    pools = tuple(_node_pool(pools_reader, name, role, budgets) for name in sorted(raw_pools))
    return KarpenterSettings(
        identity=section.choice("identity", ("podIdentity", "irsa")),  # type: ignore[arg-type]
        ami_family=section.choice("amiFamily", versions.KARPENTER_AMI_ALIASES),  # type: ignore[arg-type]
        node_volume_gib=section.integer("nodeVolumeGiB", 20, 2000),
        node_pools=pools,
        stateful_node_pool=_stateful_pool(section, pools),
    )


def _stateful_pool(section: ConfigReader, pools: tuple[NodePoolSettings, ...]) -> NodePoolSettings | None:
    """A pool of on-demand capacity for pods that hold state; without one they still avoid Spot."""
    if not section.has("statefulNodePool"):
        return None
    on_demand = [pool.name for pool in pools if "on-demand" in pool.capacity_types]
    name = section.choice("statefulNodePool", on_demand)
    return next(pool for pool in pools if pool.name == name)


def _budgets(section: ConfigReader) -> tuple[DisruptionBudget, ...]:
    """At most N% of a pool's nodes at once; none at all inside the quiet window, if any."""
    disruption = section.section("disruption", ("maxUnavailablePercent", "quietHours"))
    budgets = [DisruptionBudget(nodes=f"{disruption.integer('maxUnavailablePercent', 1, 100)}%")]
    if disruption.has("quietHours"):
        quiet = disruption.section("quietHours", ("schedule", "duration"))
        schedule = cron_schedule(quiet, "schedule", "'0 8 * * mon-fri'")
        allowed = "a duration in whole hours and minutes, at least 1m, e.g. 10h or 9h30m (Karpenter's budget duration)"
        duration = quiet.string("duration", allowed)
        if not BUDGET_DURATION.match(duration) or not re.search(r"[1-9]", duration):
            raise quiet.fail("duration", duration, allowed)
        budgets.append(DisruptionBudget(nodes="0", schedule=schedule, duration=duration))
    return tuple(budgets)


def _node_pool(pools: ConfigReader, name: str, role: str, budgets: tuple[DisruptionBudget, ...]) -> NodePoolSettings:
    if not _POOL_NAME.match(name):
        raise pools.fail(name, pools.data[name], "NodePool names that are DNS labels (lowercase, digits, dashes)")
    pool = pools.section(name, POOL_KEYS)
    limits = _limits(pool, "limits")
    # While the region stands by, pools stay small; a DR promotion flips the role.
    if pool.has("standbyLimits"):
        standby = _limits(pool, "standbyLimits")
        if role == "standby":
            limits = standby
    return NodePoolSettings(
        name=name,
        capacity_types=_subset(pool, "capacityTypes", CAPACITY_TYPES),
        architectures=_subset(pool, "architectures", ARCHITECTURES),
        instance_categories=_subset(pool, "instanceCategories", instance_categories()),
        min_instance_generation=pool.integer("minGeneration", 1, 10),
        limits=limits,
        consolidation_policy=pool.choice("consolidationPolicy", CONSOLIDATION_POLICIES),
        consolidate_after=_duration(pool, "consolidateAfter"),
        expire_after=_duration(pool, "expireAfter"),
        budgets=budgets,
        dedicated=pool.boolean("dedicated"),
        weight=pool.integer("weight", 1, 100) if pool.has("weight") else None,
    )


def _subset(pool: ConfigReader, key: str, options: tuple[str, ...]) -> tuple[str, ...]:
    allowed = f"a non-empty list drawn from {list(options)}"
    values = pool.strings(key, allowed)
    if not values:
        raise pool.fail(key, [], allowed)
    for value in values:
        if value not in options:
            raise pool.fail(key, value, allowed)
    return values


def _limits(pool: ConfigReader, key: str) -> ResourceLimits:
    limits = pool.section(key, ("cpu", "memory"))
    cpu = _quantity(limits, "cpu", "a positive Kubernetes quantity of cores, e.g. 64 or 64000m", minimum=Decimal("1"))
    memory = _quantity(
        limits, "memory", "a positive Kubernetes memory quantity of at least 1Gi, e.g. 256Gi", Decimal(2**30)
    )
    return ResourceLimits(cpu=cpu, memory=memory)


def _quantity(limits: ConfigReader, key: str, allowed: str, minimum: Decimal) -> str:
    raw = limits.raw(key, allowed)
    text = str(raw) if isinstance(raw, (str, int)) and not isinstance(raw, bool) else None
    value = quantity_value(text) if text is not None else None
    if value is None or value < minimum:
        raise limits.fail(key, raw, allowed)
    return str(text)


def _duration(pool: ConfigReader, key: str) -> str:
    allowed = "whole seconds, minutes or hours such as 30s, 5m, 720h or 1h30m, or Never (Karpenter's NodePool CRD)"
    value = pool.string(key, allowed)
    if not NODEPOOL_DURATION.match(value):
        raise pool.fail(key, value, allowed)
    return value
