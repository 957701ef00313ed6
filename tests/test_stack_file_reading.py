"""Stack files are read as the Pulumi CLI reads them, and every key is either used or refused."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from offline_plan.stack_config import read_stack_config
from settings import SettingsError, parse_settings
from settings.source import decode_config_value, stack_files
from settings.stack_yaml import CLI_LOADER, Loader, cli_loader, parse_yaml
from tests.conftest import PROJECT_DIR, plan_with
from tests.project_copy import plan_cli, project_copy

CIPHERTEXT = "v1:Zm9yLXRlc3RzLW9ubHk6bm90LWEtcmVhbC1zZWNyZXQ="


def edit(project: Path, stack: str, old: str, new: str) -> None:
    path = project / f"Pulumi.{stack}.yaml"
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def settings_from(project: Path, stack: str):
    config = read_stack_config(project, stack)
    values = {key: decode_config_value(value) for key, value in config.values.items()}
    return parse_settings("eks-platform", stack, values, lambda: stack_files(project), config.secret_keys)


def refusal(project: Path, stack: str) -> SettingsError:
    with pytest.raises(SettingsError) as refused:
        settings_from(project, stack)
    return refused.value


# --- YAML as the CLI types it ------------------------------------------------------------


def test_an_unquoted_yes_is_a_string_to_the_cli_so_it_is_refused(tmp_path):
    project = project_copy(tmp_path)
    edit(project, "prod", "protectStatefulResources: true", "protectStatefulResources: yes")
    error = refusal(project, "prod")
    assert (error.key, error.value) == ("eks-platform:protectStatefulResources", "yes")


def test_an_unquoted_version_is_a_number_and_the_message_says_to_quote_it(tmp_path):
    project = project_copy(tmp_path)
    edit(project, "dev", 'kubernetesVersion: "1.35"', "kubernetesVersion: 1.35")
    error = refusal(project, "dev")
    assert (error.key, error.value) == ("eks-platform:cluster.kubernetesVersion", 1.35)
    assert 'kubernetesVersion: "1.35"' in error.allowed


def test_a_date_like_or_sexagesimal_value_stays_a_string(tmp_path):
    project = project_copy(tmp_path)
    edit(project, "dev", "  eks-platform:tags:\n", "  eks-platform:tags:\n    review: 2026-01-01\n    window: 1:30\n")
    assert {"review": "2026-01-01", "window": "1:30"}.items() <= settings_from(project, "dev").tags.items()


def test_a_key_written_twice_is_refused_with_file_and_line(tmp_path):
    project = project_copy(tmp_path)
    edit(project, "dev", "    azCount: 2\n", "    azCount: 2\n    azCount: 3\n")
    error = refusal(project, "dev")
    assert error.key == "Pulumi.dev.yaml"
    assert "line" in str(error.value)
    assert "'azCount' already defined" in str(error.value)


def test_a_broken_stack_file_is_one_message_with_file_and_line_and_no_traceback(tmp_path):
    project = project_copy(tmp_path)
    edit(project, "dev", "    azCount: 2\n", "    azCount: [2\n")
    result = plan_cli(project, "dev")
    assert result.returncode != 0
    assert "stack 'dev': config key 'Pulumi.dev.yaml'" in result.stderr
    assert "line " in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_planning_prod_while_the_peers_file_is_broken_names_the_peer(tmp_path):
    project = project_copy(tmp_path)
    edit(project, "prod-dr", "  eks-platform:environment: prod\n", "  eks-platform:environment: [prod\n")
    result = plan_cli(project, "prod")
    assert result.returncode != 0
    assert "stack 'prod-dr'" in result.stderr
    assert "Pulumi.prod-dr.yaml" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_the_offline_plan_refuses_to_run_with_engine_config_in_the_environment():
    result = subprocess.run(
        [sys.executable, "-m", "offline_plan", "dev"],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": "/usr/bin:/bin", "PULUMI_CONFIG": json.dumps({"aws:region": "eu-west-1"})},
    )
    assert result.returncode == 2
    assert "PULUMI_CONFIG set" in result.stderr


# --- Secrets ----------------------------------------------------------------------------------


def test_a_secret_where_a_plain_value_belongs_is_refused_by_key_without_printing_it(tmp_path):
    project = project_copy(tmp_path)
    edit(project, "dev", "    natGateways: single\n", f"    natGateways:\n      secure: {CIPHERTEXT}\n")
    error = refusal(project, "dev")
    assert (error.key, error.value) == ("eks-platform:network", "[secret]")
    assert CIPHERTEXT not in str(error)


def test_a_secret_through_the_engine_environment_is_refused_the_same_way(monkeypatch):
    values = read_stack_config(PROJECT_DIR, "dev").values
    monkeypatch.setenv("PULUMI_CONFIG", json.dumps(values))
    monkeypatch.setenv("PULUMI_CONFIG_SECRET_KEYS", json.dumps(["eks-platform:environment"]))
    from offline_plan.evaluate import evaluate_stack

    evaluation = evaluate_stack("dev", from_environment=True)
    assert evaluation.error is not None
    assert "'eks-platform:environment' has invalid value '[secret]'" in evaluation.error
    assert evaluation.registrations == []


def test_the_one_secret_key_is_accepted_as_a_secret(tmp_path):
    project = project_copy(tmp_path)
    edit(
        project,
        "dev",
        "  eks-platform:tags:\n",
        f"  eks-platform:alertHeartbeatUrl:\n    secure: {CIPHERTEXT}\n  eks-platform:tags:\n",
    )
    assert settings_from(project, "dev").observability.heartbeat_url is not None


# --- Keys the program would ignore --------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "hint"),
    [
        ("eks-platform:network.azCount", "pulumi config set --path 'eks-platform:network.azCount'"),
        ("eks-platfrom:network", "eks-platform:network"),
        ("aws:accessKey", "['aws:region', 'aws:profile']"),
        ("aws:assumeRoles", "explicit AWS provider"),
        ("kubernetes:context", "keys the program reads"),
        ("eks-platform:clusterName", "known keys are"),
    ],
)
def test_keys_the_program_would_ignore_are_refused_with_the_key_to_use(key, hint):
    config = {key: "3"}
    plan_config = {k: decode_config_value(v) for k, v in read_stack_config(PROJECT_DIR, "dev").values.items()}
    with pytest.raises(SettingsError) as refused:
        parse_settings("eks-platform", "dev", {**plan_config, **config}, stack_files)
    assert refused.value.key == key
    assert hint in refused.value.allowed


def test_aws_profile_is_honoured_by_the_explicit_provider():
    graph = plan_with("dev", lambda config: config.update({"aws:profile": "platform-dev"}))
    assert graph.one("pulumi:providers:aws")["inputs"]["profile"] == "platform-dev"


# --- Which YAML parser ------------------------------------------------------------------------

CARELESS_DOCUMENTS = [
    "config:\n  a:b: yes\n  a:c: 2026-01-01\n  a:d: 1:30\n  a:e: 010\n  a:f: 0o17\n  a:g: 1_000\n  a:h: .inf\n",
    "config:\n  a:b: {x: [1, 2.5, ~, null, True, off, 'on', \"0x1F\"]}\n",
    "config:\n  a:b: 1\n  a:b: 2\n",
    "config:\n  a:b: [1\n",
]


@pytest.mark.parametrize(
    "text", CARELESS_DOCUMENTS + [path.read_text() for path in sorted(PROJECT_DIR.glob("Pulumi*.yaml"))]
)
def test_libyaml_reads_every_document_as_the_pure_python_parser_does(text):
    """Stack files are parsed by libyaml for speed; what they mean must not depend on it (a
    syntax error's wording is each parser's own: its kind and line must agree)."""
    assert CLI_LOADER.__mro__[2] is yaml.CSafeLoader, "PyYAML's wheels carry libyaml"

    def read(loader: Loader) -> object:
        try:
            return parse_yaml(text, loader)
        except yaml.MarkedYAMLError as error:
            return (type(error).__name__, error.problem_mark.line if error.problem_mark else None)

    assert read(CLI_LOADER) == read(cli_loader(yaml.SafeLoader))
