"""The README's rule tables name every rule the pack and the admission policies hold, so they cannot drift."""

from __future__ import annotations

import yaml

from offline_plan.evaluate import PROJECT_DIR
from policy.pack import policies
from policy.pairs import SAME_COMPONENTS, SAME_GRAPH

README = (PROJECT_DIR / "README.md").read_text()


def test_every_pack_and_pair_rule_is_in_the_readme() -> None:
    names = [policy.name for policy in policies()] + [SAME_COMPONENTS, SAME_GRAPH]
    assert [name for name in names if f"`{name}`" not in README] == []


def test_every_admission_rule_is_in_the_readme() -> None:
    rules = yaml.safe_load((PROJECT_DIR / "addons" / "admission" / "rules.yaml").read_text())["rules"]
    assert [rule["name"] for rule in rules if f"`{rule['name']}`" not in README] == []
