"""checkov's Kubernetes checks over the sample workloads and their namespaces: no failure
except the ones justified in checkov_skips.yaml."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
import yaml

from offline_plan.manifests import kubernetes_objects
from tests.conftest import STACKS, graph

PROJECT_DIR = Path(__file__).resolve().parent.parent
CHECKOV = Path(os.environ.get("CHECKOV", PROJECT_DIR / ".venv-checkov" / "bin" / "checkov"))
SKIPS = yaml.safe_load((Path(__file__).parent / "checkov_skips.yaml").read_text())
SAMPLE_NAMESPACES = {"web", "mongodb", "batch"}


def sample_objects(stack: str) -> list[tuple[str, dict]]:
    return [
        (name, obj)
        for name, obj in kubernetes_objects(graph(stack).plan)
        if obj["metadata"].get("namespace") in SAMPLE_NAMESPACES
        or (obj["kind"] == "Namespace" and obj["metadata"]["name"] in SAMPLE_NAMESPACES)
    ]


def run_checkov(directory: Path) -> tuple[dict, set[tuple[str, str]]]:
    """checkov's summary and its failed (check, resource) pairs."""
    assert CHECKOV.exists(), f"{CHECKOV} is missing: `make test` installs it from requirements-checkov.lock"
    result = subprocess.run(
        [str(CHECKOV), "-d", str(directory), "--framework", "kubernetes", "--skip-download", "--quiet", "-o", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    report = json.loads(result.stdout)
    report = report[0] if isinstance(report, list) else report
    failures = {(check["check_id"], check["resource"]) for check in report["results"]["failed_checks"]}
    return report["summary"], failures


@pytest.mark.parametrize("stack", STACKS)
def test_sample_workloads_pass_checkov_except_justified_skips(stack, tmp_path):
    objects = sample_objects(stack)
    assert {obj["kind"] for _, obj in objects} >= {"Namespace", "Deployment", "StatefulSet", "CronJob"}
    for name, obj in objects:
        (tmp_path / f"{name}.yaml").write_text(yaml.safe_dump(obj))
    accepted = {(skip["check"], resource) for skip in SKIPS for resource in skip["resources"]}
    summary, failures = run_checkov(tmp_path)
    assert summary["parsing_errors"] == 0
    assert summary["passed"] > 100
    assert failures == accepted


def test_every_skip_says_why():
    for skip in SKIPS:
        assert len(skip["why"]) > 80, skip["check"]
        assert skip["resources"], skip["check"]


def test_checkov_flags_a_root_container_with_no_limits(tmp_path):
    """The scan is live: a deliberately bad pod fails the checks the samples pass."""
    bad = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "bad", "namespace": "web"},
        "spec": {"containers": [{"name": "c", "image": "nginx:latest", "securityContext": {"privileged": True}}]},
    }
    (tmp_path / "bad.yaml").write_text(yaml.safe_dump(bad))
    _, failures = run_checkov(tmp_path)
    assert {"CKV_K8S_16", "CKV_K8S_11", "CKV_K8S_13"} <= {check for check, _ in failures}
