"""`python -m disaster_recovery deploy-order`: the deploy waves the main-branch workflow's matrices
follow, computed from the stack settings (never a list written in the workflow)."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from disaster_recovery.deploy_order import deploy_order, wave_of
from disaster_recovery.drill.cli import Environment, main
from offline_plan.evaluate import PROJECT_DIR
from offline_plan.stack_config import stack_settings
from tests.project_copy import edit_config, project_copy


def set_role(project: Path, stack: str, role: str) -> None:
    edit_config(project, stack, lambda config: config["eks-platform:dr"].update(role=role))


def cli_environment(project_dir: Path) -> Environment:
    return Environment.default(project_dir)


def test_the_waves_of_the_stack_files(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["deploy-order"], cli_environment(PROJECT_DIR)) == 0
    waves = json.loads(capsys.readouterr().out)
    assert waves == {"unprotected": ["dev"], "standby": ["prod-dr"], "active": ["prod"]}


def test_the_command_runs_as_the_workflow_runs_it() -> None:
    command = [sys.executable, "-m", "disaster_recovery", "deploy-order"]
    done = subprocess.run(command, cwd=PROJECT_DIR, capture_output=True, text=True, check=True)
    assert list(json.loads(done.stdout)) == ["unprotected", "standby", "active"]


def test_after_a_promotion_the_old_primary_is_deployed_before_the_new_one(tmp_path: Path) -> None:
    project = project_copy(tmp_path)
    set_role(project, "prod-dr", "active")
    set_role(project, "prod", "standby")
    assert deploy_order(project) == {"unprotected": ["dev"], "standby": ["prod"], "active": ["prod-dr"]}


def test_a_half_done_promotion_puts_both_actives_behind_approval(tmp_path: Path) -> None:
    project = project_copy(tmp_path)
    set_role(project, "prod-dr", "active")
    assert deploy_order(project) == {"unprotected": ["dev"], "standby": [], "active": ["prod", "prod-dr"]}


def test_protection_alone_puts_a_stack_without_a_peer_behind_approval() -> None:
    # A protected dev needs more settings (break-glass role, alert e-mails): the rule is shown on its Settings.
    dev = stack_settings(PROJECT_DIR, "dev")
    assert wave_of(dev) == "unprotected"
    assert wave_of(replace(dev, protect_stateful_resources=True)) == "active"


def test_a_pair_member_is_placed_by_its_role_whatever_its_protection() -> None:
    """Else an unprotected standby would come first anyway, but an unprotected active before its standby."""
    standby, active = stack_settings(PROJECT_DIR, "prod-dr"), stack_settings(PROJECT_DIR, "prod")
    assert wave_of(replace(standby, protect_stateful_resources=False)) == "standby"
    assert wave_of(replace(active, protect_stateful_resources=False)) == "active"


def test_a_stack_file_settings_refuse_stops_the_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = project_copy(tmp_path)
    set_role(project, "prod-dr", "primary")
    assert main(["deploy-order"], cli_environment(project)) == 2
    error = capsys.readouterr().err
    assert "stack 'prod-dr'" in error
    assert "eks-platform:dr.role" in error
