"""The same stack files give the same bytes: plan JSON and every manifest, run after run."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from offline_plan.evaluate import PROJECT_DIR


def plan_into(out: Path, hash_seed: str) -> dict[str, bytes]:
    # Different hash seeds change set and dict-of-set iteration order between processes, as two
    # users' runs would; the output must not depend on it.
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    for name in list(env):
        if name.startswith("PULUMI_CONFIG"):
            env.pop(name)
    subprocess.run(
        [sys.executable, "-m", "offline_plan", "--out", str(out), "prod"],
        cwd=PROJECT_DIR,
        env=env,
        check=True,
        capture_output=True,
    )
    return {str(path.relative_to(out)): path.read_bytes() for path in sorted(out.rglob("*")) if path.is_file()}


def test_two_runs_write_byte_identical_files_and_leave_unchanged_ones_alone(tmp_path):
    first = plan_into(tmp_path, "1")
    manifest = next((tmp_path / "prod" / "manifests").glob("*.yaml"))
    written = manifest.stat().st_mtime_ns
    second = plan_into(tmp_path, "2")
    assert len(first) > 40, "the plan and its manifests"
    assert first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []
    assert manifest.stat().st_mtime_ns == written, "an unchanged manifest is not rewritten"
