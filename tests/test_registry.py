"""The sample workloads pull from ECR in their own stack's region, and the active stack of a DR
pair replicates those repositories to its peer's region (components/registry.py)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import cache
from typing import Any

import botocore.session
import pytest

import versions
from disaster_recovery.mirror_images import StandbyStackError, mirror_script
from offline_plan.evaluate import PROJECT_DIR
from offline_plan.stack_config import project_name, stack_settings
from tests.conftest import STACKS, graph, promoted
from tests.graph import Graph
from tests.stack_files import stack_config

SAMPLE_NAMESPACES = {"web", "mongodb", "batch", "restore-test"}
REPOSITORY = "aws:ecr/repository:Repository"
REPLICATION = "aws:ecr/replicationConfiguration:ReplicationConfiguration"
LIFECYCLE = "aws:ecr/lifecyclePolicy:LifecyclePolicy"


@cache
def ecr_model() -> Any:
    return botocore.session.get_session().get_service_model("ecr")


def dns_suffix(region: str) -> str:
    """The DNS suffix of the partition botocore's endpoint data puts `region` in."""
    endpoints = botocore.session.get_session().get_data("endpoints")
    partition = next(p for p in endpoints["partitions"] if region in p["regions"])
    return str(partition["dnsSuffix"])


def region_of(stack: str) -> str:
    return str(stack_config(stack)["aws:region"])


def account_of(stack: str) -> str:
    return str(stack_config(stack)["eks-platform:account"]["id"])


def pod_specs(value: Any) -> Iterator[dict[str, Any]]:
    if isinstance(value, dict):
        if isinstance(value.get("containers"), list):
            yield value
        for item in value.values():
            yield from pod_specs(item)
    elif isinstance(value, list):
        for item in value:
            yield from pod_specs(item)


def workload_images(stack: Graph) -> set[str]:
    """Every container and init container image of every Kubernetes object in the sample namespaces."""
    images = set()
    for resource in stack.resources:
        metadata = resource["inputs"].get("metadata") or {}
        if resource["type"].startswith("kubernetes:") and metadata.get("namespace") in SAMPLE_NAMESPACES:
            for spec in pod_specs(resource["inputs"].get("spec")):
                images |= {c["image"] for c in spec["containers"] + spec.get("initContainers", [])}
    return images


def split_image(image: str) -> tuple[str, str, str]:
    host, _, path = image.partition("/")
    repository, _, tag = path.rpartition(":")
    return host, repository, tag


def repositories(stack: Graph) -> dict[str, dict[str, Any]]:
    return {r["inputs"]["name"]: r for r in stack.of_type(REPOSITORY)}


def replication_rules(stack: Graph) -> list[dict[str, Any]]:
    return [rule for r in stack.of_type(REPLICATION) for rule in r["inputs"]["replicationConfiguration"]["rules"]]


@pytest.mark.parametrize("stack", STACKS)
def test_every_workload_image_is_a_declared_repository_in_the_stacks_own_regional_ecr(stack):
    """The registry host is ECR's documented `<account>.dkr.ecr.<region>.<partition DNS suffix>`."""
    images = workload_images(graph(stack))
    region = region_of(stack)
    host = f"{account_of(stack)}.dkr.ecr.{region}.{dns_suffix(region)}"
    assert images
    for image in images:
        image_host, repository, _ = split_image(image)
        assert image_host == host, image
        assert repository in repositories(graph(stack)), image


def test_a_promoted_standby_still_pulls_from_its_own_region():
    images = workload_images(promoted("prod-dr"))
    assert images
    assert all(f".dkr.ecr.{region_of('prod-dr')}." in image for image in images)


def test_the_regional_tag_is_the_upstream_tag_in_versions(any_stack):
    """One repository per versions.IMAGES key, under the project's prefix, pulled at the upstream tag."""
    prefix = f"{project_name(PROJECT_DIR)}/"
    pulled = {repository: tag for _, repository, tag in map(split_image, workload_images(any_stack))}
    upstream = {f"{prefix}{name}": reference.rsplit(":", 1)[1] for name, reference in versions.IMAGES.items()}
    assert pulled.items() <= upstream.items()
    assert set(repositories(any_stack)) == set(upstream)


def test_every_mirrored_image_is_pulled_by_some_stack():
    """kubectl only by the standby's restore test: prod keeps its repository so replication carries it."""
    prefix = f"{project_name(PROJECT_DIR)}/"
    pulled = {split_image(image)[1] for stack in STACKS for image in workload_images(graph(stack))}
    assert pulled == {f"{prefix}{name}" for name in versions.IMAGES}


def test_repository_names_and_the_replication_filter_are_what_ecr_accepts():
    name_pattern = re.compile(ecr_model().shape_for("RepositoryName").metadata["pattern"])
    filter_pattern = re.compile(ecr_model().shape_for("RepositoryFilterValue").metadata["pattern"])
    assert all(name_pattern.fullmatch(name) for name in repositories(graph("prod")))
    filters = [f["filter"] for rule in replication_rules(graph("prod")) for f in rule["repositoryFilters"]]
    assert filters
    assert all(filter_pattern.fullmatch(value) for value in filters)


def test_prod_replicates_every_repository_to_its_peers_region_in_its_own_account():
    prod = graph("prod")
    (rule,) = replication_rules(prod)
    assert rule["destinations"] == [{"region": region_of("prod-dr"), "registryId": account_of("prod")}]
    assert {f["filterType"] for f in rule["repositoryFilters"]} == {"PREFIX_MATCH"}
    prefixes = [f["filter"] for f in rule["repositoryFilters"]]
    assert all(any(name.startswith(prefix) for prefix in prefixes) for name in repositories(prod))


def test_the_standby_receives_and_declares_no_replication():
    assert graph("prod-dr").of_type(REPLICATION) == []
    assert set(repositories(graph("prod-dr"))) == set(repositories(graph("prod")))


def test_a_promoted_standby_replicates_to_the_old_primarys_region():
    (rule,) = replication_rules(promoted("prod-dr"))
    assert [d["region"] for d in rule["destinations"]] == [region_of("prod")]


def test_a_stack_without_a_peer_has_repositories_but_replicates_nowhere():
    assert "peerStack" not in stack_config("dev")["eks-platform:dr"]
    assert len(repositories(graph("dev"))) == len(versions.IMAGES)
    assert graph("dev").of_type(REPLICATION) == []


def test_repositories_are_immutable_scanned_encrypted_and_protected_in_prod():
    encryption_types = ecr_model().shape_for("EncryptionType").enum
    for repository in repositories(graph("prod")).values():
        inputs = repository["inputs"]
        assert inputs["imageTagMutability"] == "IMMUTABLE"
        assert inputs["imageScanningConfiguration"] == {"scanOnPush": True}
        (encryption,) = inputs["encryptionConfigurations"]
        assert encryption["encryptionType"] in encryption_types
        assert repository["protect"] is True
        assert inputs["forceDelete"] is False


def test_dev_can_be_destroyed_with_its_images():
    assert all(r["inputs"]["forceDelete"] is True and not r["protect"] for r in repositories(graph("dev")).values())


def test_each_repository_expires_only_untagged_images(any_stack):
    policies = {r["inputs"]["repository"]: json.loads(r["inputs"]["policy"]) for r in any_stack.of_type(LIFECYCLE)}
    assert set(policies) == set(repositories(any_stack))
    for policy in policies.values():
        expiring = [rule for rule in policy["rules"] if rule["action"]["type"] == "expire"]
        assert expiring
        assert all(rule["selection"]["tagStatus"] == "untagged" for rule in expiring)


def test_the_mirror_script_copies_each_upstream_image_to_what_the_pods_pull():
    script = "\n".join(mirror_script(stack_settings(PROJECT_DIR, "prod")))
    copies = dict(re.findall(r"crane copy (\S+) (\S+)", script))
    assert set(copies) == set(versions.IMAGES.values())
    assert workload_images(graph("prod")) <= set(copies.values())
    # The rest (kubectl, for the restore test) reaches the standby through ECR replication.
    pulled = {image.split("/", 1)[1] for stack in ("prod", "prod-dr") for image in workload_images(graph(stack))}
    assert {copy.split("/", 1)[1] for copy in copies.values()} == pulled


def test_the_mirror_script_refuses_a_standby():
    with pytest.raises(StandbyStackError, match="prod"):
        mirror_script(stack_settings(PROJECT_DIR, "prod-dr"))
