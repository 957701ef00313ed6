"""checkov's Kubernetes checks over the sample workloads and their namespaces: no failure
except the ones justified in checkov_skips.yaml."""

from __future__ import annotations

import fcntl
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


def run_checkov(directory: Path) -> tuple[dict, dict[str, set[tuple[str, str]]]]:
    """checkov's summary and its failed (check, resource) pairs per top-level folder of `directory`."""
    assert CHECKOV.exists(), f"{CHECKOV} is missing: `make test` installs it from requirements-checkov.lock"
    result = subprocess.run(
        [str(CHECKOV), "-d", str(directory), "--framework", "kubernetes", "--skip-download", "--quiet", "-o", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    report = json.loads(result.stdout)
    report = report[0] if isinstance(report, list) else report
    failures: dict[str, set[tuple[str, str]]] = {}
    for check in report["results"]["failed_checks"]:
        folder = Path(check["file_path"].lstrip("/")).parts[0]
        failures.setdefault(folder, set()).add((check["check_id"], check["resource"]))
    return report["summary"], failures


BAD_POD = {
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {"name": "bad", "namespace": "web"},
    "spec": {"containers": [{"name": "c", "image": "nginx:latest", "securityContext": {"privileged": True}}]},
}


Scan = tuple[dict, dict[str, set[tuple[str, str]]]]


@pytest.fixture(scope="session")
def scan(tmp_path_factory: pytest.TempPathFactory) -> Scan:
    """One checkov run per test session (it takes seconds to start) over every stack's samples,
    each in its own folder, and a deliberately bad pod in `canary/`. xdist workers share the
    session's temporary root: the first to get the lock scans, the other reads its report."""
    # Under xdist each worker's basetemp is a folder of the session's; alone, basetemp is the session's.
    basetemp = tmp_path_factory.getbasetemp()
    shared = basetemp.parent if os.environ.get("PYTEST_XDIST_WORKER") else basetemp
    with open(shared / "checkov.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        report = shared / "checkov-report.json"
        if not report.exists():
            summary, failures = run_checkov(write_samples(shared / "checkov"))
            report.write_text(json.dumps({"summary": summary, "failures": {k: sorted(v) for k, v in failures.items()}}))
        saved = json.loads(report.read_text())
    return saved["summary"], {folder: {tuple(pair) for pair in pairs} for folder, pairs in saved["failures"].items()}


def write_samples(root: Path) -> Path:
    for stack in STACKS:
        (root / stack).mkdir(parents=True)
        for name, obj in sample_objects(stack):
            (root / stack / f"{name}.yaml").write_text(yaml.safe_dump(obj))
    (root / "canary").mkdir()
    (root / "canary" / "bad.yaml").write_text(yaml.safe_dump(BAD_POD))
    return root


def test_the_scan_parses_every_file_and_passes_checks(scan):
    summary, _ = scan
    assert summary["parsing_errors"] == 0
    assert summary["passed"] > 100 * len(STACKS)


@pytest.mark.parametrize("stack", STACKS)
def test_sample_workloads_pass_checkov_except_justified_skips(stack, scan):
    objects = sample_objects(stack)
    assert {obj["kind"] for _, obj in objects} >= {"Namespace", "Deployment", "StatefulSet", "CronJob"}
    accepted = {(skip["check"], resource) for skip in SKIPS for resource in skip["resources"]}
    _, failures = scan
    assert failures.get(stack, set()) == accepted


def test_every_skip_says_why():
    for skip in SKIPS:
        assert len(skip["why"]) > 80, skip["check"]
        assert skip["resources"], skip["check"]


def test_checkov_flags_a_root_container_with_no_limits(scan):
    """The scan is live: a deliberately bad pod fails the checks the samples pass."""
    _, failures = scan
    assert {"CKV_K8S_16", "CKV_K8S_11", "CKV_K8S_13"} <= {check for check, _ in failures.get("canary", set())}
