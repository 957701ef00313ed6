"""A promotion grows the replica set from the standby member count to the active one (and a
demotion shrinks it): the init Job's membership logic, run in Node.js (the runtime mongosh is
built on) against a replica set double that enforces MongoDB's reconfig rules."""

from __future__ import annotations

import json
import shutil
import subprocess
from typing import Any

import pytest

from difference import alarms, compare_plans
from tests.conftest import graph, promoted
from tests.test_mongodb_app_user import init_script
from workloads.mongodb_script import MEMBERSHIP_JS

# MongoDB's rules for replSetReconfig (Replica Set Configuration reference): the version goes up
# by one, at most one voting member is added or removed per reconfig, and a member keeps its _id.
REPLICA_SET_DOUBLE = """
let config = INITIAL;
const calls = [];
globalThis.print = () => {};
const admin = {runCommand(body) {
  const name = Object.keys(body)[0];
  calls.push(name);
  if (name === 'replSetGetConfig') { return {ok: 1, config: JSON.parse(JSON.stringify(config))}; }
  if (name === 'hello') { return PRIMARY ? {ok: 1, primary: PRIMARY} : {ok: 1}; }
  if (name === 'replSetStepDown') { return {ok: 1}; }
  if (name === 'replSetReconfig') {
    const next = body.replSetReconfig;
    const before = new Map(config.members.map((m) => [m.host, m._id]));
    const after = new Map(next.members.map((m) => [m.host, m._id]));
    const added = [...after.keys()].filter((h) => !before.has(h)).length;
    const changed = added + [...before.keys()].filter((h) => !after.has(h)).length;
    if (next.version !== config.version + 1) { return {ok: 0, errmsg: 'version must increase by one'}; }
    if (changed > 1 && !body.force) { return {ok: 0, errmsg: 'one voting member per reconfig, unless forced'}; }
    const moved = [...after].some(([h, id]) => before.has(h) && before.get(h) !== id);
    if (moved) { return {ok: 0, errmsg: 'a member changed _id'}; }
    if (new Set(after.values()).size !== after.size) { return {ok: 0, errmsg: 'duplicate _id'}; }
    config = next;
    return {ok: 1};
  }
  return {ok: 0, errmsg: 'unexpected ' + name};
}};
"""


def members(*hosts: str, ids: tuple[int, ...] = ()) -> dict[str, Any]:
    ids = ids or tuple(range(len(hosts)))
    return {"_id": "rs0", "version": 1, "members": [{"_id": i, "host": h} for i, h in zip(ids, hosts, strict=True)]}


def reconcile(initial: dict[str, Any], desired: list[str], primary: str | None = "h0") -> dict[str, Any]:
    """`primary`: the member the set reports as primary, None when it has none (lost majority)."""
    node = shutil.which("node")
    assert node, "Node.js runs the mongosh logic here"
    program = "\n".join([
        REPLICA_SET_DOUBLE.replace("INITIAL", json.dumps(initial)).replace("PRIMARY", json.dumps(primary)),
        MEMBERSHIP_JS,
        "let outcome;",
        f"try {{ outcome = reconcileMembers(admin, () => admin, {json.dumps(desired)}); }}",
        "catch (e) { outcome = {error: e.message}; }",
        "console.log(JSON.stringify({config, calls, outcome}));",
    ])  # fmt: skip
    result = subprocess.run([node, "-e", program], capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


def hosts(run: dict[str, Any]) -> list[str]:
    return [member["host"] for member in run["config"]["members"]]


def test_promotion_grows_one_member_to_three_one_reconfig_at_a_time():
    run = reconcile(members("h0"), ["h0", "h1", "h2"])
    assert hosts(run) == ["h0", "h1", "h2"]
    assert [m["_id"] for m in run["config"]["members"]] == [0, 1, 2]
    assert run["config"]["version"] == 3
    assert run["calls"].count("replSetReconfig") == 2


def test_a_set_that_already_matches_is_left_alone():
    run = reconcile(members("h0", "h1", "h2"), ["h0", "h1", "h2"])
    assert "replSetReconfig" not in run["calls"]
    assert run["outcome"] == {"add": [], "remove": []}


def test_shrinking_with_a_primary_removes_one_member_per_reconfig():
    run = reconcile(members("h0", "h1", "h2"), ["h0"])
    assert hosts(run) == ["h0"]
    assert run["config"]["version"] == 3


def test_demotion_after_the_pods_are_gone_forces_the_smaller_config_from_the_survivor():
    """The StatefulSet stops members 1 and 2 before the Job runs: no majority, no primary."""
    run = reconcile(members("h0", "h1", "h2"), ["h0"], primary=None)
    assert hosts(run) == ["h0"]
    assert run["calls"].count("replSetReconfig") == 1


def test_growing_without_a_primary_waits_for_the_retry():
    run = reconcile(members("h0"), ["h0", "h1"], primary=None)
    assert "no primary" in run["outcome"]["error"]
    assert hosts(run) == ["h0"]


def test_a_primary_that_must_leave_steps_down_and_the_job_retries():
    run = reconcile(members("h0", "h1", "h2"), ["h0"], primary="h2")
    assert "replSetStepDown" in run["calls"]
    assert "stepped down" in run["outcome"]["error"]
    assert "h2" in hosts(run)


def test_a_new_member_gets_an_id_above_every_id_in_the_config():
    run = reconcile(members("h0", "h2", ids=(0, 2)), ["h0", "h1", "h2"])
    assert {m["host"]: m["_id"] for m in run["config"]["members"]} == {"h0": 0, "h2": 2, "h1": 3}


def member_hosts_in(script: str) -> list[str]:
    call = script.split("reconcileMembers(db.getSiblingDB('admin'), () => connectPrimary().getDB('admin'), ", 1)[1]
    return json.loads(call.split(");", 1)[0])


@pytest.mark.parametrize(("stack", "count"), [("prod", 3), ("prod-dr", 1), ("dev", 1)])
def test_the_job_reconciles_to_the_stacks_member_count(stack, count):
    script = init_script(graph(stack))
    assert MEMBERSHIP_JS in script
    assert len(member_hosts_in(script)) == count


def test_promoting_prod_dr_replaces_the_job_with_three_members():
    """The Job's template is immutable, so the promotion's `pulumi up` runs a new Job, after the
    StatefulSet has its three members."""
    assert len(member_hosts_in(init_script(promoted("prod-dr")))) == 3
    difference = compare_plans(graph("prod-dr").plan, promoted("prod-dr").plan)
    job = "kubernetes:batch/v1:Job::job-mongodb-replica-set-init"
    assert any(change.path.startswith("spec.template") for change in difference.changed[job])
    assert job in {alarm.ref for alarm in alarms(difference)}
