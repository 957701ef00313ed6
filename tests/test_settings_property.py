"""Whatever YAML a careless or hostile engineer puts under any key, settings answer with a valid
Settings or one SettingsError: never another exception (no value reaches int(), float(),
ipaddress or a regex unchecked)."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from settings import Settings, SettingsError, parse_settings
from settings.source import stack_files
from tests.conftest import STACKS
from tests.stack_files import stack_config

Path = tuple[Any, ...]

# What YAML can hold: scalars of every type the CLI produces, and lists and maps of them.
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
    st.sampled_from(["", " ", "yes", "1.35", "10.0.0.0/8", "0.0.0.0/0", "*/5 * * * *", "Never", "64Gi", "[secret]"]),
)
YAML_VALUES = st.recursive(
    SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)


def paths(value: Any, prefix: Path = ()) -> list[Path]:
    """Every key and list item of a stack config, sections included."""
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += paths(item, (*prefix, index))
    return found


CASES = [(stack, path) for stack in STACKS for path in paths(stack_config(stack))]


def replaced(config: dict[str, Any], path: Path, value: Any) -> dict[str, Any]:
    changed = copy.deepcopy(config)
    target = changed
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return changed


def settle(stack: str, config: dict[str, Any]) -> Settings | SettingsError:
    """The settings, or the one SettingsError; any other exception fails the test."""
    try:
        return parse_settings("eks-platform", stack, config, stack_files)
    except SettingsError as error:
        return error


def test_every_key_of_every_stack_is_reached():
    assert len(CASES) > 150
    assert {path[0] for _, path in CASES} >= {"aws:region", "eks-platform:network", "eks-platform:karpenter"}


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=st.sampled_from(CASES), value=YAML_VALUES)
def test_any_value_under_any_key_is_a_valid_plan_or_one_settings_error(case, value):
    stack, path = case
    outcome = settle(stack, replaced(stack_config(stack), path, value))
    assert isinstance(outcome, Settings) or (outcome.key and outcome.allowed)


@settings(max_examples=150, deadline=None)
@given(stack=st.sampled_from(STACKS), key=st.text(min_size=1, max_size=30), value=YAML_VALUES)
def test_any_extra_key_is_used_or_refused(stack, key, value):
    assert isinstance(settle(stack, {**stack_config(stack), key: value}), (Settings, SettingsError))
