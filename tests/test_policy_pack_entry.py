"""The pack as `pulumi preview --policy-pack policy` starts it: the CLI runs policy/__main__.py with the
virtualenv PulumiPolicy.yaml names, reads the port it prints and asks the analyzer over gRPC."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest
import yaml
from google.protobuf import empty_pb2
from pulumi.runtime.proto import analyzer_pb2_grpc

from offline_plan.evaluate import PROJECT_DIR
from policy.pack import policies

PACK = PROJECT_DIR / "policy"


@pytest.fixture(scope="module")
def analyzer() -> Iterator[analyzer_pb2_grpc.AnalyzerStub]:
    process = subprocess.Popen(
        [sys.executable, "__main__.py"], cwd=PACK, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        assert process.stdout is not None
        port = int(process.stdout.readline().decode().strip() or "0")
        assert port, process.stderr.read().decode() if process.stderr else "no port printed"
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            yield analyzer_pb2_grpc.AnalyzerStub(channel)
    finally:
        process.kill()
        process.wait()


def test_the_pack_serves_every_rule_the_offline_path_applies(analyzer: analyzer_pb2_grpc.AnalyzerStub) -> None:
    info = analyzer.GetAnalyzerInfo(empty_pb2.Empty())
    assert info.name == "eks-platform"
    assert sorted(policy.name for policy in info.policies) == sorted(policy.name for policy in policies())


def test_the_pack_holds_at_least_thirty_rules_with_unique_names() -> None:
    names = [policy.name for policy in policies()]
    assert len(names) >= 30
    assert len(set(names)) == len(names)


def test_the_policy_yaml_runs_the_pack_in_the_repositorys_pinned_virtualenv() -> None:
    settings = yaml.safe_load((PACK / "PulumiPolicy.yaml").read_text())
    assert settings["runtime"]["name"] == "python"
    virtualenv = (PACK / settings["runtime"]["options"]["virtualenv"]).resolve()
    assert virtualenv == (PROJECT_DIR / ".venv").resolve()
    assert Path(PACK / "requirements.txt").read_text().strip().endswith("-r ../requirements.lock")
