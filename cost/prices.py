"""AWS prices per region, each with its source and date (cost/data/prices.json, cost/data/SOURCES.md)."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PRICES = Path(__file__).resolve().parent / "data" / "prices.json"
# Karpenter's generated table, the only instance price source here, is published for us-east-1
# alone (Karpenter itself falls back to it elsewhere); estimates elsewhere say so.
INSTANCE_PRICE_FALLBACK = "us-east-1"


class PriceDataError(ValueError):
    pass


@dataclass(frozen=True)
class Price:
    usd: float
    source: str
    date: str


@dataclass(frozen=True)
class RegionPrices:
    region: str
    hours_per_month: int
    figures: dict[str, Price]
    on_demand_hour: dict[str, float]
    instance_prices_from: str
    instance_source: str

    def __getitem__(self, name: str) -> Price:
        return self.figures[name]

    def monthly(self, name: str) -> float:
        """An hourly figure for a whole month."""
        return self.figures[name].usd * self.hours_per_month


@functools.cache
def _raw() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(PRICES.read_text())
    return data


def region_prices(region: str) -> RegionPrices:
    raw = _raw()
    if region not in raw["regions"]:
        known = ", ".join(sorted(raw["regions"]))
        raise PriceDataError(f"no prices for {region} in {PRICES.name} (regions: {known})")
    figures = {name: Price(f["usd"], f["source"], f["date"]) for name, f in raw["regions"][region].items()}
    instances = figures.pop("onDemandHour")
    prices_from = region if instances.usd else INSTANCE_PRICE_FALLBACK
    table = raw["regions"][prices_from]["onDemandHour"]
    return RegionPrices(
        region=region,
        hours_per_month=raw["hoursPerMonth"],
        figures=figures,
        on_demand_hour=dict(table["usd"]),
        instance_prices_from=prices_from,
        instance_source=f"{table['source']} ({table['date']})",
    )
