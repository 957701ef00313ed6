"""The pack's command line and `make plan`'s policy step: a mandatory finding fails, an advisory one is printed."""

from __future__ import annotations

import json
from pathlib import Path

import pulumi_aws as aws
import pytest

from offline_plan.__main__ import _policy_report
from policy.cli import main
from policy.results import ADVISORY, MANDATORY, PolicyResult
from tests.conftest import graph
from tests.policy_programs import plan_of


def unrotated_key() -> None:
    aws.kms.Key("plain", enable_key_rotation=False, description="case", tags={"environment": "dev"})


def test_check_exits_1_and_names_the_rule_on_a_mandatory_finding(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    (tmp_path / "dev.json").write_text(json.dumps(plan_of(unrotated_key, stack="dev")))
    assert main(["check", "dev", "--plans", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "[mandatory] kms-key-rotation: aws:kms/key:Key::plain" in out


def test_check_passes_the_real_plan(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    (tmp_path / "prod.json").write_text(json.dumps(graph("prod").plan))
    assert main(["check", "prod", "--plans", str(tmp_path)]) == 0
    assert "0 mandatory" in capsys.readouterr().out


def test_config_prints_the_stacks_facts_for_the_rules_that_take_them(capsys: pytest.CaptureFixture[str]):
    assert main(["config", "dev"]) == 0
    config = json.loads(capsys.readouterr().out)
    # dev does not protect its stateful resources (Pulumi.dev.yaml), so neither do its protected-only rules.
    assert config["eks-endpoint-not-internet-open"] == {"protectedStack": False}
    assert "owner" in config["required-tags"]["requiredTags"]


def test_config_of_an_unknown_stack_is_one_error(capsys: pytest.CaptureFixture[str]):
    assert main(["config", "staging"]) == 2
    assert "Pulumi.staging.yaml" in capsys.readouterr().err


def test_make_plans_policy_step_fails_only_on_a_mandatory_finding(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    plan = graph("dev").plan
    advisory = PolicyResult("rule", ADVISORY, None, "advice", "crossguard")
    assert _policy_report({"dev": [advisory]}, {"dev": plan}, tmp_path) is False
    mandatory = PolicyResult("rule", MANDATORY, "type::name", "broken", "crossguard")
    assert _policy_report({"dev": [mandatory]}, {"dev": plan}, tmp_path) is True
    assert "breaks a mandatory policy" in capsys.readouterr().err
    assert json.loads((tmp_path / "dev.policy.json").read_text())[0]["message"] == "broken"
