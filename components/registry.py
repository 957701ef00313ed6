"""The ECR repositories the sample workloads pull from and, in the active stack of a DR pair,
the registry's replication of them to the peer's region."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.images import MirroredImage
from components.tagging import resource_tags
from settings.model import DrSettings

# Untagged images are leftovers of interrupted pushes; the tagged ones are what pods run. ECR
# refuses to delete an image an image index still references (ImageReferencedByManifestList),
# so the untagged per-platform manifests of a tagged multi-arch image are not expired.
UNTAGGED_DAYS = 7


@dataclass(frozen=True)
class ImageRegistryArgs:
    images: tuple[MirroredImage, ...]
    # The repositories' common prefix, which the replication rule filters on.
    prefix: str
    account_id: str
    # The DR peer's region where this stack is the active one of a pair, else None.
    replicate_to: str | None
    tags: Mapping[str, str]
    protect: bool


def replication_region(dr: DrSettings) -> str | None:
    """Only the active stack pushes: a standby receives, and its promotion turns the rule around."""
    return dr.peer_region if dr.role == "active" and dr.peer_stack else None


def lifecycle_policy() -> str:
    rule = {
        "rulePriority": 1,
        "description": f"Expire untagged images {UNTAGGED_DAYS} days after their push",
        "selection": {
            "tagStatus": "untagged",
            "countType": "sinceImagePushed",
            "countUnit": "days",
            "countNumber": UNTAGGED_DAYS,
        },
        "action": {"type": "expire"},
    }
    return json.dumps({"rules": [rule]})


class ImageRegistry(pulumi.ComponentResource):
    # Known before deployment, for the stack's outputs and the workloads.
    repository_names: list[str]
    replicates_to: str | None
    # The regional image reference per versions.IMAGES key.
    images: dict[str, str]

    def __init__(self, name: str, args: ImageRegistryArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("eks-platform:components:ImageRegistry", name, None, opts)
        for image in args.images:
            self._repository(f"{name}-{image.name}", image, args)
        if args.replicate_to:
            self._replication(f"{name}-replication", args.replicate_to, args)
        self.repository_names = [image.repository for image in args.images]
        self.replicates_to = args.replicate_to
        self.images = {image.name: image.regional for image in args.images}
        self.register_outputs({"repository_names": self.repository_names, "replicates_to": self.replicates_to})

    def _repository(self, name: str, image: MirroredImage, args: ImageRegistryArgs) -> None:
        repository = aws.ecr.Repository(
            name,
            name=image.repository,
            # A tag names one image for good: a pod rescheduled in either region runs what was reviewed.
            image_tag_mutability="IMMUTABLE",
            image_scanning_configuration={"scan_on_push": True},
            # AES256, not the stack's data key. Pulls decrypt through ECR's own grant either way, so
            # nodes need no key rights; but creating a KMS repository needs kms:RetireGrant besides
            # CreateGrant and DescribeKey on the key, which the data key's policy gives no one.
            # Replication copies no repository settings, and a repository ECR creates for it is
            # AES256: declared and replicated repositories agree. The images are public anyway.
            encryption_configurations=[{"encryption_type": "AES256"}],
            # A stack that protects nothing (dev) can be destroyed with its images.
            force_delete=not args.protect,
            tags=resource_tags(args.tags, name),
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect),
        )
        aws.ecr.LifecyclePolicy(
            f"{name}-lifecycle",
            repository=repository.name,
            policy=lifecycle_policy(),
            # A new policy replaces the old one, whose delete would otherwise remove the new one.
            opts=pulumi.ResourceOptions(parent=self, delete_before_replace=True),
        )

    def _replication(self, name: str, region: str, args: ImageRegistryArgs) -> None:
        # One configuration per registry (account and region). The peer declares the same
        # repositories, so replicas land in immutable, scanned ones rather than in repositories ECR
        # creates with its defaults. Not protected: a demotion to standby must delete it.
        aws.ecr.ReplicationConfiguration(
            name,
            replication_configuration={
                "rules": [
                    {
                        "destinations": [{"region": region, "registry_id": args.account_id}],
                        "repository_filters": [{"filter": args.prefix, "filter_type": "PREFIX_MATCH"}],
                    }
                ]
            },
            opts=pulumi.ResourceOptions(parent=self),
        )
