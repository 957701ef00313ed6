"""Regenerate settings/data/*.json from published AWS data: `python -m settings.generate_catalog`.

The source is moto's copy of EC2's own API answers (DescribeAvailabilityZones for one
account's name-to-ID map, DescribeInstanceTypes), pinned in requirements.lock. The
program reads only the generated files, so `pulumi up` never needs moto installed;
tests/test_catalog_data.py fails when a file drifts from what this module generates.
"""

from __future__ import annotations

import gzip
import json
import sys
from importlib import metadata, resources
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).parent / "data"
ZONES_FILE = DATA_DIR / "availability_zones.json"
INSTANCE_TYPES_FILE = DATA_DIR / "instance_types.json"
OFFERINGS_FILE = DATA_DIR / "instance_offerings.json"
BOTOCORE_FILE = DATA_DIR / "botocore.json"
GENERATED_ON = "2026-11-21"

# EKS refuses control-plane subnets in these zone IDs (CreateCluster answers
# UnsupportedAvailabilityZoneException). Source: Amazon EKS User Guide, "View Amazon EKS
# networking requirements for VPC and subnets" (docs.aws.amazon.com/eks/latest/userguide/network-reqs.html).
EKS_UNSUPPORTED_ZONE_IDS = ("cac1-az3", "use1-az3", "usw1-az2")


def _moto_source(what: str) -> str:
    return f"moto {metadata.version('moto')} ({what}), generated {GENERATED_ON} by settings/generate_catalog.py"


def availability_zones() -> dict[str, Any]:
    from moto.ec2.models.availability_zones_and_regions import RegionsAndZonesBackend

    regions = {
        region: {zone.name: zone.zone_id for zone in zones if zone.zone_type == "availability-zone"}
        for region, zones in sorted(RegionsAndZonesBackend.zones.items())
    }
    return {
        "source": _moto_source("moto/ec2/models/availability_zones_and_regions.py: DescribeAvailabilityZones"),
        "note": "Zone names map to zone IDs differently per account; zone IDs per region are the same everywhere.",
        "eksUnsupportedZoneIds": {
            "source": "Amazon EKS User Guide, network-reqs.html (subnet requirements)",
            "zoneIds": list(EKS_UNSUPPORTED_ZONE_IDS),
        },
        "regions": regions,
    }


def instance_types() -> dict[str, Any]:
    raw = resources.files("moto.ec2").joinpath("resources/instance_types.json.gz").read_bytes()
    described = json.loads(gzip.decompress(raw))
    types = {
        name: {
            "vcpus": info["VCpuInfo"]["DefaultVCpus"],
            "memoryMiB": info["MemoryInfo"]["SizeInMiB"],
            "architectures": sorted(info["ProcessorInfo"]["SupportedArchitectures"]),
            "maxEnis": info["NetworkInfo"]["MaximumNetworkInterfaces"],
            "ipv4PerEni": info["NetworkInfo"]["Ipv4AddressesPerInterface"],
        }
        for name, info in sorted(described.items())
    }
    return {"source": _moto_source("moto/ec2/resources/instance_types.json.gz: DescribeInstanceTypes"), "types": types}


def instance_offerings() -> dict[str, Any]:
    """Instance types offered per region (DescribeInstanceTypeOfferings, location type region)."""
    folder = resources.files("moto.ec2").joinpath("resources/instance_type_offerings/region")
    regions = {}
    for entry in sorted(folder.iterdir(), key=lambda item: item.name):
        offers = json.loads(gzip.decompress(entry.read_bytes()))
        regions[entry.name.removesuffix(".json.gz")] = " ".join(sorted({offer["InstanceType"] for offer in offers}))
    return {
        "source": _moto_source("moto/ec2/resources/instance_type_offerings/region: DescribeInstanceTypeOfferings"),
        "regions": regions,
    }


def render_offerings(document: dict[str, Any]) -> str:
    """One region a line: the instance types it offers, space-separated."""
    lines = [json.dumps(region) + ": " + json.dumps(types) for region, types in document["regions"].items()]
    return '{"source": ' + json.dumps(document["source"]) + ',\n"regions": {\n' + ",\n".join(lines) + "\n}}\n"


def botocore_facts() -> dict[str, Any]:
    """Regions where EKS is offered and EC2's instance type names, from botocore's bundled models.

    Read once here rather than at every run: loading botocore's EC2 model costs a plan run
    a noticeable share of its time."""
    import botocore.session

    session = botocore.session.get_session()
    return {
        "source": f"botocore {metadata.version('botocore')} (endpoints data, ec2 model InstanceType enum), "
        f"generated {GENERATED_ON} by settings/generate_catalog.py",
        "eksRegions": session.get_available_regions("eks"),
        "ec2InstanceTypes": sorted(session.get_service_model("ec2").shape_for("InstanceType").enum),
    }


def render(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=1, sort_keys=True) + "\n"


def render_instance_types(document: dict[str, Any]) -> str:
    """One instance type a line, so a regeneration diffs by type."""
    lines = [json.dumps(name) + ": " + json.dumps(facts, sort_keys=True) for name, facts in document["types"].items()]
    return '{"source": ' + json.dumps(document["source"]) + ',\n"types": {\n' + ",\n".join(lines) + "\n}}\n"


def main() -> int:
    DATA_DIR.mkdir(exist_ok=True)
    ZONES_FILE.write_text(render(availability_zones()))
    INSTANCE_TYPES_FILE.write_text(render_instance_types(instance_types()))
    OFFERINGS_FILE.write_text(render_offerings(instance_offerings()))
    BOTOCORE_FILE.write_text(render(botocore_facts()))
    print(f"wrote {ZONES_FILE}, {INSTANCE_TYPES_FILE}, {OFFERINGS_FILE} and {BOTOCORE_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
