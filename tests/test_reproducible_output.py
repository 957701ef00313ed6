"""The same stack files give the same bytes: plan JSON and every manifest, run after run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from offline_plan.evaluate import PROJECT_DIR
from offline_plan.manifests import write_manifests


def start_plan(out: Path, hash_seed: str) -> subprocess.Popen[bytes]:
    # Different hash seeds change set and dict-of-set iteration order between processes, as two
    # users' runs would; the output must not depend on it.
    env = {key: value for key, value in os.environ.items() if not key.startswith("PULUMI_CONFIG")}
    env["PYTHONHASHSEED"] = hash_seed
    command = [sys.executable, "-m", "offline_plan", "--out", str(out), "prod"]
    return subprocess.Popen(command, cwd=PROJECT_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def files_under(out: Path) -> dict[str, bytes]:
    return {str(path.relative_to(out)): path.read_bytes() for path in sorted(out.rglob("*")) if path.is_file()}


def test_two_runs_write_byte_identical_files(tmp_path):
    """Two whole processes, side by side, with different hash seeds."""
    runs = [start_plan(tmp_path / seed, seed) for seed in ("1", "2")]
    for run in runs:
        assert run.wait() == 0, run.stderr.read() if run.stderr else ""
    first, second = files_under(tmp_path / "1"), files_under(tmp_path / "2")
    assert len(first) > 40, "the plan, its cost and its manifests"
    assert first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []


def test_only_changed_manifests_are_rewritten_and_stale_ones_removed(tmp_path):
    from tests.conftest import graph

    plan = graph("prod").plan
    manifests = write_manifests(plan, tmp_path)
    files = sorted(manifests.glob("*.yaml"))
    files[0].write_text("edited by hand\n")
    (manifests / "stale.yaml").write_text("kind: Gone\n")
    for path in manifests.glob("*.yaml"):
        os.utime(path, ns=(0, 0))  # a rewrite, however fast, moves the date off zero
    write_manifests(json.loads(json.dumps(plan)), tmp_path)
    assert not (manifests / "stale.yaml").exists()
    rewritten = [path.name for path in sorted(manifests.glob("*.yaml")) if path.stat().st_mtime_ns != 0]
    assert rewritten == [files[0].name]
