"""Each stack is evaluated once per test session under the mock runtime."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from offline_plan.evaluate import PROJECT_DIR, Evaluation, evaluate_stack
from offline_plan.plan_file import build_plan
from offline_plan.stack_config import read_stack_config, stack_names
from tests.graph import Graph
from tests.stack_files import stack_config

STACKS = stack_names(PROJECT_DIR)


@cache
def evaluation(stack: str) -> Evaluation:
    result = evaluate_stack(stack)
    assert result.error is None, result.error
    return result


@cache
def graph(stack: str) -> Graph:
    return Graph(build_plan(evaluation(stack)))


@pytest.fixture(params=STACKS)
def any_stack(request: pytest.FixtureRequest) -> Graph:
    return graph(request.param)


@pytest.fixture
def dev() -> Graph:
    return graph("dev")


@pytest.fixture
def prod() -> Graph:
    return graph("prod")


@pytest.fixture
def prod_dr() -> Graph:
    return graph("prod-dr")


@pytest.fixture
def project_dir() -> Path:
    return PROJECT_DIR


def plan_with(stack: str, mutate: Callable[[dict[str, Any]], None]) -> Graph:
    """Evaluate a stack after `mutate(config)` changes its decoded stack config."""
    config = stack_config(stack)
    mutate(config)
    original = read_stack_config(PROJECT_DIR, stack)
    values = {key: value if isinstance(value, str) else json.dumps(value) for key, value in config.items()}
    result = evaluate_stack(stack, config=type(original)(original.project, stack, values, []))
    assert result.error is None, result.error
    return Graph(build_plan(result))


@cache
def promoted(stack: str) -> Graph:
    """The stack planned with `dr.role: active`: a standby's promotion, the one settings change."""
    return plan_with(stack, lambda config: config["eks-platform:dr"].update(role="active"))


@cache
def dev_with_another_vpc_cidr() -> Graph:
    """dev with its VPC moved to 10.11.0.0/16: a change the provider answers with replacements."""
    return plan_with("dev", lambda config: config["eks-platform:network"].update(vpcCidr="10.11.0.0/16"))
