"""A stack name is part of every AWS name the stack creates, so settings bound it: at the limit
every name still passes AWS's rules (botocore's shapes, tests/test_aws_names.py); one more
character is refused before anything is declared."""

from __future__ import annotations

import json

import pytest

from offline_plan.evaluate import evaluate_stack
from offline_plan.plan_file import build_plan
from offline_plan.stack_config import read_stack_config
from settings.parse import MAX_CLUSTER_NAME
from tests.conftest import PROJECT_DIR
from tests.test_aws_names import name_problems


def evaluate_as(stack_name: str):
    dev = read_stack_config(PROJECT_DIR, "dev")
    account = json.loads(dev.values["eks-platform:account"])
    # dev already owns the account's Spot role; this stack shares the account.
    values = {**dev.values, "eks-platform:account": json.dumps({**account, "ownsSpotServiceLinkedRole": False})}
    return evaluate_stack(stack_name, config=type(dev)(dev.project, stack_name, values, []))


def test_the_longest_allowed_stack_name_keeps_every_aws_name_within_its_rules():
    longest = "d" * (MAX_CLUSTER_NAME - len("eks-platform-"))
    evaluation = evaluate_as(longest)
    assert evaluation.error is None, evaluation.error
    plan = build_plan(evaluation)
    problems = {f"{r['type']}::{r['name']}": p for r in plan["resources"] if (p := name_problems(r))}
    assert problems == {}


@pytest.mark.parametrize("stack_name", ["d" * (MAX_CLUSTER_NAME - len("eks-platform-") + 1), "Dev", "dev_1", "dev-"])
def test_stack_names_that_break_aws_names_are_refused(stack_name):
    evaluation = evaluate_as(stack_name)
    assert evaluation.error is not None
    assert "'the stack name'" in evaluation.error
    assert evaluation.registrations == []
