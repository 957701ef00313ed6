"""web reaches MongoDB as its own least-privilege user, and no password is ever on a command line."""

from __future__ import annotations

import json
import re

from offline_plan.cloud_values import computed_state
from tests.graph import ref
from tests.test_mongodb_tls import mongodb_object, mount_path_of, pod

PASSWORD = "random:index/randomPassword:RandomPassword"
POD_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob")
# Roles that reach beyond one database or administer the server.
BROAD_ROLES = {"root", "readWriteAnyDatabase", "dbAdminAnyDatabase", "userAdminAnyDatabase", "clusterAdmin", "dbOwner"}


def init_script(stack):
    (container,) = pod(mongodb_object(stack, "Job"))["containers"]
    return container["command"][-1]


def pod_specs(stack):
    for resource in stack.resources:
        kind = resource["inputs"].get("kind") if resource["type"].startswith("kubernetes:") else None
        if kind in POD_KINDS:
            spec = resource["inputs"]["spec"]
            yield resource["name"], (spec["jobTemplate"]["spec"] if kind == "CronJob" else spec)["template"]["spec"]


def command_lines(stack):
    """Every container's command and args, in every pod the plan declares."""
    for name, spec in pod_specs(stack):
        for container in [*spec.get("initContainers", []), *spec["containers"]]:
            yield name, container.get("command", []) + container.get("args", [])


def generated_passwords(stack):
    """What the offline plan's mocks generated for every RandomPassword (never a real password)."""
    mocked = [computed_state(p["type"], p["name"], p["inputs"], "", stack.stack, "") for p in stack.of_type(PASSWORD)]
    return [state["result"] for state in mocked]


def test_the_init_script_creates_webs_user_with_read_write_on_its_own_database_only(any_stack):
    script = init_script(any_stack)
    assert "createUser(" in script
    (roles,) = re.findall(r"roles: (\[.*?\])", script)
    assert json.loads(roles) == [{"role": "readWrite", "db": "web"}]
    assert 'getDB("web")' in script
    assert not BROAD_ROLES & set(re.findall(r'"role": "(\w+)"', script))


def test_the_script_reads_every_password_from_the_files_the_job_mounts(any_stack):
    job = mongodb_object(any_stack, "Job")
    spec = pod(job)
    (container,) = spec["containers"]
    script = container["command"][-1]
    for volume, secret in (("credentials", "mongodb-credentials"), ("app-user", "mongodb-app-user")):
        path, mounted = mount_path_of(spec, container, volume, "password")
        assert mounted == secret
        assert f'read("{path}")' in script
    assert "pwd: read(" in script
    assert ".auth(root.user, root.pwd)" in script


def test_no_command_line_carries_a_password_flag_a_secret_or_a_credential_uri(any_stack):
    lines = list(command_lines(any_stack))
    assert len(lines) >= 5
    for name, line in lines:
        assert not any("--password" in arg or "[secret]" in arg for arg in line), name
        # mongosh's short form of --password.
        assert not (line and line[0].startswith("mongo") and "-p" in line), name
        assert not any(re.search(r"mongodb://[^/@\s]+:[^/@\s]+@", arg) for arg in line), name


def test_no_generated_password_appears_anywhere_in_the_plan(any_stack):
    text = any_stack.text()
    # Long enough that a match cannot be a coincidence.
    passwords = [password for password in generated_passwords(any_stack) if len(password) >= 16]
    assert len(passwords) >= 4
    assert all(password not in text for password in passwords)


def test_webs_credentials_are_their_own_generated_secret_in_both_namespaces(any_stack):
    (password,) = [p for p in any_stack.of_type(PASSWORD) if p["name"].endswith("-mongodb-app-user-password")]
    assert password["inputs"]["length"] >= 32
    in_mongodb = mongodb_object(any_stack, "Secret", "mongodb-app-user")
    in_web = mongodb_object(any_stack, "Secret", "mongodb-app-user", namespace="web")
    assert in_mongodb["inputs"]["stringData"] == {"username": "[secret]", "password": "[secret]"}
    assert in_web["inputs"]["stringData"] == {
        "username": "[secret]",
        "password": "[secret]",
        "uri": "[secret]",
        "ca.crt": "[secret]",
    }
    for secret in (in_mongodb, in_web):
        assert ref(password) in secret["dependencies"]
    root = mongodb_object(any_stack, "Secret", "mongodb-credentials")
    assert ref(password) not in root["dependencies"]
    web_namespace = next(
        n for n in any_stack.of_type("kubernetes:core/v1:Namespace") if n["inputs"]["metadata"]["name"] == "web"
    )
    assert ref(web_namespace) in any_stack.upstream(in_web)


def test_nothing_in_webs_namespace_holds_the_root_password(any_stack):
    (root,) = [p for p in any_stack.of_type(PASSWORD) if p["name"].endswith("-mongodb-root-password")]
    in_web = [
        r
        for r in any_stack.resources
        if r["type"].startswith("kubernetes:") and r["inputs"].get("metadata", {}).get("namespace") == "web"
    ]
    assert in_web
    assert not any(ref(root) in r["dependencies"] for r in in_web)
