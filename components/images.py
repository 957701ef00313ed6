"""Which image each sample workload runs: the upstream reference pinned in versions.py, copied
into an ECR repository of the stack's own account and region. Pure: no Pulumi, no network."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

# The commercial partition's DNS suffix, which the platform's ARNs (arn:aws:...) assume too.
DNS_SUFFIX = "amazonaws.com"


@dataclass(frozen=True)
class MirroredImage:
    name: str  # the key in versions.IMAGES
    upstream: str  # where the image is copied from
    repository: str  # the ECR repository it is copied to
    regional: str  # what the workloads pull


def image_tag(reference: str) -> str:
    """The tag of `[registry[:port]/]path:tag`; a port in the registry host is not a tag."""
    _, colon, tag = reference.rpartition(":")
    if not colon or "/" in tag or "@" in reference:
        raise ValueError(f"{reference!r} is not pinned by a tag alone")
    return tag


def repository_prefix(project: str) -> str:
    """Every repository of the project lives under one prefix, the unit replication filters on."""
    return f"{project}/"


def registry_host(account_id: str, region: str) -> str:
    """The private registry of an account in a region (ECR User Guide, "Private registry concepts")."""
    return f"{account_id}.dkr.ecr.{region}.{DNS_SUFFIX}"


def mirrored_images(
    project: str, account_id: str, region: str, upstream: Mapping[str, str]
) -> tuple[MirroredImage, ...]:
    """One repository per upstream image, the same tag in the stack's own regional registry.

    Names carry no stack or region: replication keeps a repository's name in the destination,
    so both stacks of a DR pair pull `<project>/<image>` from their own region.
    """
    host = registry_host(account_id, region)
    images = []
    for name, reference in sorted(upstream.items()):
        repository = f"{repository_prefix(project)}{name}"
        images.append(MirroredImage(name, reference, repository, f"{host}/{repository}:{image_tag(reference)}"))
    return tuple(images)
