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


def test_every_pack_rule_is_exercised_by_a_rule_test() -> None:
    """Each rule's name appears in a tests/test_policy_<module>.py, where its passing and violating graphs are."""
    tests = "\n".join(
        path.read_text()
        for path in (PROJECT_DIR / "tests").glob("test_policy_*.py")
        if path.name not in ("test_policy_docs.py", "test_policy_pack_entry.py")
    )
    assert [policy.name for policy in policies() if f'"{policy.name}"' not in tests] == []
