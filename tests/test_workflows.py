"""The GitHub Actions workflows (.github/workflows): actionlint and zizmor find nothing (zizmor's
ignores each carry their reason in .github/zizmor.yml), and the structure the platform relies on
holds: least-privilege permissions, actions pinned by commit, one concurrency group per stack, stack
lists computed at run time, deploy waves chained unprotected -> standby -> active, OIDC only.

Every structural checker is also run on a small bad workflow, to prove it can fail; actionlint and
zizmor are run on a bad snippet for the same reason. actionlint is v1.7.7 compiled to WebAssembly
(tools/actionlint, `make actionlint-tool`): it cannot run shellcheck, so `bash -n` parses every
`run:` script instead.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from offline_plan.evaluate import PROJECT_DIR
from offline_plan.stack_config import stack_names

WORKFLOWS_DIR = PROJECT_DIR / ".github" / "workflows"
WORKFLOWS = sorted(WORKFLOWS_DIR.glob("*.yml"))
ZIZMOR_CONFIG = PROJECT_DIR / ".github" / "zizmor.yml"
ZIZMOR = PROJECT_DIR / ".venv" / "bin" / "zizmor"
ACTIONLINT = PROJECT_DIR / "tools" / "actionlint" / "node_modules" / "@tktco" / "node-actionlint" / "build" / "index.js"

# Every action the workflows use, at the one commit each is pinned to. Each SHA is the tag's commit
# as `git show-ref --tags` / `git rev-parse <tag>^{commit}` gives it in a clone of the action's repository.
CONFIRMED_PINS = {
    "actions/checkout": ("3d3c42e5aac5ba805825da76410c181273ba90b1", "v7.0.1"),
    "actions/setup-python": ("5fda3b95a4ea91299a34e894583c3862153e4b97", "v7.0.0"),
    "actions/upload-artifact": ("bbbca2ddaa5d8feaa63e36b76fdaad77386f024f", "v7.0.0"),
    "actions/download-artifact": ("3e5f45b2cfb9172054b4087a40e8e0b5a5461e7c", "v8.0.1"),
    "aws-actions/configure-aws-credentials": ("e6de054238d6b7531b4efff3b6587d9aade6a06c", "v6.2.3"),
    "pulumi/actions": ("8e5e406f4007fca908480587cb9893c07090f58d", "v7.0.0"),
}
STACK_GROUP = "pulumi-${{ matrix.stack }}"  # shared by pulumi up, the drift refresh and the drill
WAVES = ("unprotected", "standby", "active")

# Node runs actionlint's WebAssembly once for many files. The script comes on stdin: `node -e` would
# expose Node's `fs` as a global, which the Go runtime then calls and deadlocks on.
ACTIONLINT_SCRIPT = """
const { runLint } = require(process.argv[2]);
const fs = require("fs");
(async () => {
  const results = {};
  for (const path of process.argv.slice(3)) {
    results[path] = await runLint(fs.readFileSync(path, "utf8"), path);
  }
  process.stdout.write(JSON.stringify(results));
})();
"""

BAD_WORKFLOW = """\
name: bad
on: pull_request_target
jobs:
  build:
    needs: nothere
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          ref: ${{ github.event.pull_request.head.sha }}
          nope: 1
      - run: echo "${{ github.event.pull_request.title }}"
      - run: echo "${{ steps.missing.outputs.value }}"
"""


# --- reading workflows -----------------------------------------------------------------------


def load(text: str) -> dict[str, Any]:
    workflow = yaml.safe_load(text)
    if True in workflow:  # YAML 1.1 reads the key `on` as a boolean
        workflow["on"] = workflow.pop(True)
    return dict(workflow)


@cache
def workflow_texts() -> dict[str, str]:
    return {path.name: path.read_text() for path in WORKFLOWS}


@cache
def workflows() -> dict[str, dict[str, Any]]:
    return {name: load(text) for name, text in workflow_texts().items()}


def jobs(workflow: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return dict(workflow.get("jobs") or {})


def steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    return list(job.get("steps") or [])


def uses(job: dict[str, Any], action: str) -> list[dict[str, Any]]:
    return [step for step in steps(job) if str(step.get("uses", "")).split("@")[0] == action]


def runs(job: dict[str, Any], pattern: str) -> bool:
    return any(re.search(pattern, str(step.get("run", ""))) for step in steps(job))


def touches_a_stack(job: dict[str, Any]) -> bool:
    """Runs Pulumi against a stack, or holds cloud credentials for one."""
    return bool(
        uses(job, "pulumi/actions")
        or uses(job, "aws-actions/configure-aws-credentials")
        or runs(job, r"(?m)^\s*(pulumi (up|preview|refresh|destroy)\b|\S*python -m disaster_recovery promote)")
    )


def matrix_stack(job: dict[str, Any]) -> Any:
    return ((job.get("strategy") or {}).get("matrix") or {}).get("stack")


# --- structural checkers: each returns what is wrong, empty when nothing is ---------------------


def permission_problems(workflow: dict[str, Any]) -> list[str]:
    problems = [] if workflow.get("permissions") == {} else ["top-level permissions is not {}"]
    problems += [f"job {name} sets no permissions" for name, job in jobs(workflow).items() if "permissions" not in job]
    for name, job in jobs(workflow).items():
        granted = job.get("permissions") or {}
        if not isinstance(granted, dict):
            problems.append(f"job {name} grants {granted!r} rather than scopes one by one")
    return problems


def pin_problems(text: str) -> list[str]:
    """Every non-local `uses:` names a confirmed commit, with its tag in a comment."""
    problems = []
    for line in text.splitlines():
        found = re.match(r"\s*(?:- )?uses:\s*(\S+)(.*)$", line)
        if not found or found.group(1).startswith("./"):
            continue
        action, _, ref = found.group(1).partition("@")
        comment = found.group(2).strip()
        if not re.fullmatch(r"[0-9a-f]{40}", ref):
            problems.append(f"{found.group(1)}: not pinned by a full commit SHA")
        elif not re.fullmatch(r"# v\d+\.\d+\.\d+", comment):
            problems.append(f"{found.group(1)}: no `# vX.Y.Z` comment")
        elif CONFIRMED_PINS.get(action) != (ref, comment[2:]):
            problems.append(f"{found.group(1)} {comment}: not a confirmed pin {CONFIRMED_PINS.get(action)}")
    return problems


def concurrency_problems(workflow: dict[str, Any]) -> list[str]:
    problems = []
    for name, job in jobs(workflow).items():
        if not touches_a_stack(job):
            continue
        group = str((job.get("concurrency") or {}).get("group", ""))
        if "${{ matrix.stack }}" not in group:
            problems.append(f"job {name} touches a stack without a concurrency group keyed by it")
        elif group == STACK_GROUP and (job.get("concurrency") or {}).get("cancel-in-progress") is not False:
            problems.append(f"job {name} could cancel a pulumi operation halfway")
    return problems


def matrix_problems(workflow: dict[str, Any]) -> list[str]:
    """A stack matrix is a job output computed at run time: `${{ fromJSON(needs.<job>.outputs.<name>) }}`."""
    problems = []
    for name, job in jobs(workflow).items():
        stacks = matrix_stack(job)
        if stacks is None:
            continue
        found = re.fullmatch(r"\$\{\{ fromJSON\(needs\.([\w-]+)\.outputs\.([\w-]+)\) \}\}", str(stacks))
        needs = job.get("needs") or []
        needs = [needs] if isinstance(needs, str) else needs
        if not found:
            problems.append(f"job {name}: the stack matrix {stacks!r} is not a job's output")
        elif found.group(1) not in needs or found.group(2) not in (jobs(workflow)[found.group(1)].get("outputs") or {}):
            problems.append(f"job {name}: the stack matrix reads an output its needs do not provide")
    return problems


def stack_name_problems(text: str, stacks: list[str]) -> list[str]:
    """No stack's name written in a workflow (paths such as /dev/null are not names)."""
    return [f"stack {stack!r} written literally" for stack in stacks if re.search(_name_pattern(stack), text)]


def _name_pattern(stack: str) -> str:
    return rf"(?<![\w./-]){re.escape(stack)}(?![\w./-])"


def credential_problems(workflow: dict[str, Any], text: str) -> list[str]:
    problems = [
        f"static AWS credentials: {word}"
        for word in ("aws-access-key-id", "aws-secret-access-key", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")
        if word in text
    ]
    problems += ["an AWS secret is read"] if re.search(r"secrets\.AWS", text) else []
    for name, job in jobs(workflow).items():
        oidc = (job.get("permissions") or {}).get("id-token") == "write"
        credentials = uses(job, "aws-actions/configure-aws-credentials")
        if bool(credentials) != oidc:
            problems.append(f"job {name}: id-token: write {'without' if oidc else 'missing for'} AWS credentials")
        for step in credentials:
            if not str((step.get("with") or {}).get("role-to-assume", "")).startswith("${{ vars."):
                problems.append(f"job {name}: the role to assume is not a repository or environment variable")
    return problems


def checkout_and_python_problems(workflow: dict[str, Any]) -> list[str]:
    problems = []
    for name, job in jobs(workflow).items():
        for step in uses(job, "actions/checkout"):
            if (step.get("with") or {}).get("persist-credentials") is not False:
                problems.append(f"job {name}: checkout keeps its credentials")
        for step in uses(job, "actions/setup-python"):
            options = step.get("with") or {}
            if options.get("cache") != "pip" or "requirements.lock" not in str(options.get("cache-dependency-path")):
                problems.append(f"job {name}: setup-python without pip's cache keyed on requirements.lock")
    return problems


def deploy_chain_problems(workflow: dict[str, Any]) -> list[str]:
    """One matrix job per wave of `deploy-order`, chained by needs; the protected waves in environments."""
    by_wave = {}
    for name, job in jobs(workflow).items():
        found = re.search(r"outputs\.(\w+)\)", str(matrix_stack(job)))
        if found and found.group(1) in WAVES:
            by_wave[found.group(1)] = name
    if sorted(by_wave) != sorted(WAVES):
        return [f"no matrix job per wave: {by_wave}"]
    problems = []
    wave_source = [name for name, job in jobs(workflow).items() if runs(job, r"-m disaster_recovery deploy-order")]
    if not wave_source:
        problems.append("no job computes the waves with `python -m disaster_recovery deploy-order`")
    for earlier, later in (("unprotected", "standby"), ("standby", "active"), ("unprotected", "active")):
        if by_wave[earlier] not in (jobs(workflow)[by_wave[later]].get("needs") or []):
            problems.append(f"the {later} wave does not wait for the {earlier} wave")
    for wave in ("standby", "active"):
        if jobs(workflow)[by_wave[wave]].get("environment") != "${{ matrix.stack }}":
            problems.append(f"the {wave} wave runs outside the stack's environment")
    return problems


CHECKERS: dict[str, Callable[[dict[str, Any], str], list[str]]] = {
    "permissions": lambda workflow, text: permission_problems(workflow),
    "pins": lambda workflow, text: pin_problems(text),
    "concurrency": lambda workflow, text: concurrency_problems(workflow),
    "matrix": lambda workflow, text: matrix_problems(workflow),
    "stack names": lambda workflow, text: stack_name_problems(text, stack_names(PROJECT_DIR)),
    "credentials": credential_problems,
    "checkout and python": lambda workflow, text: checkout_and_python_problems(workflow),
}


@pytest.mark.parametrize("checker", CHECKERS)
def test_every_workflow_passes_the_structural_checks(checker):
    problems = {name: CHECKERS[checker](workflow, workflow_texts()[name]) for name, workflow in workflows().items()}
    assert not any(problems.values()), problems


BAD_STRUCTURE = """\
name: bad structure
on: push
permissions: write-all
jobs:
  deploy:
    runs-on: ubuntu-24.04
    strategy:
      matrix:
        stack: [dev, prod]
    env:
      AWS_SECRET_ACCESS_KEY: ${{ secrets.AWS_SECRET_ACCESS_KEY }}
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@5fda3b95a4ea91299a34e894583c3862153e4b97
      - uses: pulumi/actions@0123456789abcdef0123456789abcdef01234567 # v7.0.0
        with:
          command: up
          stack-name: ${{ matrix.stack }}
  notify:
    permissions:
      id-token: write
    runs-on: ubuntu-24.04
    steps:
      - run: pulumi refresh --stack "$STACK"
"""


@pytest.mark.parametrize(
    ("checker", "expected"),
    [
        ("permissions", ["top-level permissions is not {}", "job deploy sets no permissions"]),
        (
            "pins",
            [
                "actions/checkout@v4: not pinned by a full commit SHA",
                "actions/setup-python@5fda3b95a4ea91299a34e894583c3862153e4b97: no `# vX.Y.Z` comment",
                "pulumi/actions@0123456789abcdef0123456789abcdef01234567 # v7.0.0: not a confirmed pin "
                "('8e5e406f4007fca908480587cb9893c07090f58d', 'v7.0.0')",
            ],
        ),
        (
            "concurrency",
            [
                "job deploy touches a stack without a concurrency group keyed by it",
                "job notify touches a stack without a concurrency group keyed by it",
            ],
        ),
        ("matrix", ["job deploy: the stack matrix ['dev', 'prod'] is not a job's output"]),
        ("stack names", ["stack 'dev' written literally", "stack 'prod' written literally"]),
        (
            "credentials",
            [
                "static AWS credentials: AWS_SECRET_ACCESS_KEY",
                "an AWS secret is read",
                "job notify: id-token: write without AWS credentials",
            ],
        ),
        (
            "checkout and python",
            [
                "job deploy: checkout keeps its credentials",
                "job deploy: setup-python without pip's cache keyed on requirements.lock",
            ],
        ),
    ],
)
def test_each_structural_checker_catches_a_bad_workflow(checker, expected):
    assert CHECKERS[checker](load(BAD_STRUCTURE), BAD_STRUCTURE) == expected


def test_a_matrix_reading_an_output_its_job_does_not_need_is_caught():
    workflow = load(
        "on: push\njobs:\n  list: {runs-on: x, outputs: {stacks: a}}\n"
        "  other: {runs-on: x}\n"
        "  up:\n    needs: other\n    runs-on: x\n"
        "    strategy: {matrix: {stack: '${{ fromJSON(needs.list.outputs.stacks) }}'}}\n"
    )
    assert matrix_problems(workflow) == ["job up: the stack matrix reads an output its needs do not provide"]


def test_a_stack_group_that_cancels_in_progress_is_caught():
    workflow = load(
        "on: push\njobs:\n  up:\n    runs-on: x\n"
        "    concurrency: {group: 'pulumi-${{ matrix.stack }}', cancel-in-progress: true}\n"
        '    steps: [{run: pulumi up --stack "$STACK"}]\n'
    )
    assert concurrency_problems(workflow) == ["job up could cancel a pulumi operation halfway"]


# --- the deploy waves ------------------------------------------------------------------------


def test_the_deploy_waves_chain_unprotected_standby_active_with_environments():
    assert deploy_chain_problems(workflows()["deploy.yml"]) == []


def test_deploy_jobs_share_the_stack_group_with_drift_and_the_drill():
    groups = {
        (name, job_name): (job.get("concurrency") or {}).get("group")
        for name in ("deploy.yml", "drift.yml", "dr-drill.yml")
        for job_name, job in jobs(workflows()[name]).items()
        if touches_a_stack(job)
    }
    assert set(groups) == {
        ("deploy.yml", "unprotected"),
        ("deploy.yml", "standby"),
        ("deploy.yml", "active"),
        ("drift.yml", "refresh"),
        ("dr-drill.yml", "dry-run"),
        ("dr-drill.yml", "real"),
    }
    assert set(groups.values()) == {STACK_GROUP}


def test_a_deploy_chain_out_of_order_or_without_environments_is_caught():
    deploy = workflows()["deploy.yml"]
    swapped = {**deploy, "jobs": {**jobs(deploy)}}
    swapped["jobs"]["active"] = {**jobs(deploy)["active"], "needs": ["waves"]}
    swapped["jobs"]["standby"] = {key: value for key, value in jobs(deploy)["standby"].items() if key != "environment"}
    assert deploy_chain_problems(swapped) == [
        "the active wave does not wait for the standby wave",
        "the active wave does not wait for the unprotected wave",
        "the standby wave runs outside the stack's environment",
    ]
    assert deploy_chain_problems(load("on: push\njobs: {}\n")) == ["no matrix job per wave: {}"]


# --- what each workflow must do --------------------------------------------------------------


def test_the_pull_request_previews_every_stack_with_the_policy_pack_and_posts_one_comment():
    workflow = workflows()["pull-request.yml"]
    [preview] = uses(jobs(workflow)["preview"], "pulumi/actions")
    options = preview["with"]
    assert (options["command"], options["policyPacks"]) == ("preview", "policy")
    assert options["policyPackConfigs"] == "${{ runner.temp }}/policy-config.json"
    policy_config = r'python -m policy\.cli config "\$STACK" > "\$RUNNER_TEMP/policy-config\.json"'
    assert runs(jobs(workflow)["preview"], policy_config)
    assert runs(jobs(workflow)["offline"], r'make review BASE="origin/\$BASE_REF"')
    assert all(runs(jobs(workflow)["offline"], rf"^make {target}$") for target in ("test", "plan"))
    assert runs(jobs(workflow)["comment"], r"python -m review comment")
    assert jobs(workflow)["post"]["permissions"] == {"pull-requests": "write"}
    assert not uses(jobs(workflow)["post"], "actions/checkout"), "the job that may write runs none of the PR's code"


def test_drift_refreshes_without_changing_state_and_keeps_one_issue_per_stack():
    workflow = workflows()["drift.yml"]
    assert "schedule" in workflow["on"]
    assert runs(jobs(workflow)["refresh"], r"pulumi refresh .*--preview-only --expect-no-changes")
    assert jobs(workflow)["issues"]["permissions"] == {"issues": "write"}
    assert runs(jobs(workflow)["issues"], r"gh issue (create|edit|close)")


def test_the_drill_runs_monthly_dry_and_for_real_only_behind_an_environment():
    workflow = workflows()["dr-drill.yml"]
    inputs = workflow["on"]["workflow_dispatch"]["inputs"]
    assert inputs["mode"]["options"] == ["dry-run", "real"]
    assert workflow["on"]["schedule"][0]["cron"].endswith(" 1 * *"), "monthly"
    assert runs(jobs(workflow)["dry-run"], r"disaster_recovery promote --to \"\$STACK\" --live-outputs")
    real = jobs(workflow)["real"]
    assert runs(real, r"--execute")
    assert real["environment"] == "${{ matrix.stack }}"
    assert "inputs.mode == 'real'" in real["if"]
    assert all(uses(jobs(workflow)[name], "actions/upload-artifact") for name in ("dry-run", "real"))


# --- bash, actionlint, zizmor ----------------------------------------------------------------


def run_scripts() -> Iterator[Any]:
    for name, workflow in workflows().items():
        for job_name, job in jobs(workflow).items():
            for index, step in enumerate(steps(job)):
                if "run" in step:
                    yield pytest.param(step["run"], id=f"{name}:{job_name}:{index}")


def script_problems(script: str) -> list[str]:
    problems = ["an expression spliced into a script (pass it through env)"] if "${{" in script else []
    checked = subprocess.run(["bash", "-n"], input=script, capture_output=True, text=True, check=False)
    return problems + ([f"bash: {checked.stderr.strip()}"] if checked.returncode else [])


@pytest.mark.parametrize("script", list(run_scripts()))
def test_every_run_script_parses_as_bash(script):
    assert script_problems(script) == []


def test_a_spliced_expression_or_a_broken_script_is_caught():
    assert script_problems('echo "${{ github.head_ref }}"') == [
        "an expression spliced into a script (pass it through env)"
    ]
    [problem] = script_problems('if [ -n "$A" ]; then echo\n')
    assert problem.startswith("bash: ")
    assert "syntax error" in problem


@pytest.fixture(scope="module")
def actionlint_results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[dict[str, Any]]]:
    if shutil.which("node") is None or not ACTIONLINT.is_file():
        pytest.fail("actionlint needs Node and tools/actionlint (make actionlint-tool)")
    bad = tmp_path_factory.mktemp("actionlint") / "bad.yml"
    bad.write_text(BAD_WORKFLOW)
    command = ["node", "-", str(ACTIONLINT), *map(str, WORKFLOWS), str(bad)]
    done = subprocess.run(command, input=ACTIONLINT_SCRIPT, capture_output=True, text=True, timeout=60, check=True)
    results = json.loads(done.stdout)
    return {Path(path).name: findings for path, findings in results.items()}


def test_actionlint_finds_nothing_in_the_workflows(actionlint_results):
    assert {name: actionlint_results[name] for name in workflow_texts()} == {name: [] for name in workflow_texts()}


def test_actionlint_reports_a_bad_workflow(actionlint_results):
    kinds = {finding["kind"] for finding in actionlint_results["bad.yml"]}
    messages = " ".join(finding["message"] for finding in actionlint_results["bad.yml"])
    assert {"action", "expression", "job-needs"} <= kinds
    assert 'input "nope" is not defined' in messages
    assert '"github.event.pull_request.title" is potentially untrusted' in messages
    assert 'property "missing" is not defined' in messages


def zizmor(*arguments: str) -> list[dict[str, Any]]:
    command = [str(ZIZMOR), "--offline", "--persona", "pedantic", "--format", "json", "--no-progress", *arguments]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode in (0, 11, 12, 13, 14), done.stderr  # 10 + severity: findings, not a failure
    return list(json.loads(done.stdout))


def locations(findings: list[dict[str, Any]]) -> set[str]:
    """`file:line` of each finding's primary location, as zizmor's ignores name them (1-based)."""
    found = set()
    for finding in findings:
        for location in finding["locations"]:
            if location["symbolic"]["kind"] == "Primary":
                path = Path(location["symbolic"]["key"]["Local"]["verbatim_path"]).name
                found.add(f"{path}:{location['concrete']['location']['start_point']['row'] + 1}")
    return found


def config_ignores() -> list[tuple[str, str, str]]:
    """(rule, ignore entry, the comment line above it) from .github/zizmor.yml."""
    lines = ZIZMOR_CONFIG.read_text().splitlines()
    config = yaml.safe_load(ZIZMOR_CONFIG.read_text())
    ignores = []
    for rule, options in config["rules"].items():
        for entry in options.get("ignore", []):
            [index] = [i for i, line in enumerate(lines) if line.strip() == f"- {entry}"]
            ignores.append((rule, entry, lines[index - 1].strip()))
    return ignores


def test_zizmor_finds_nothing_beyond_its_justified_ignores():
    assert zizmor("--config", str(ZIZMOR_CONFIG), str(WORKFLOWS_DIR)) == []


def test_every_zizmor_ignore_is_used_and_carries_its_reason():
    ignores = config_ignores()
    assert all(reason.startswith("# ") and len(reason) > 20 for _, _, reason in ignores), ignores
    everything = zizmor("--config", str(ZIZMOR_CONFIG), "--no-ignores", str(WORKFLOWS_DIR))
    assert locations(everything) == {entry for _, entry, _ in ignores}, "no inline ignore, no stale ignore"
    assert {finding["ident"] for finding in everything} == {rule for rule, _, _ in ignores}


def test_zizmor_reports_a_bad_workflow(tmp_path):
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    (tmp_path / ".github" / "workflows" / "bad.yml").write_text(BAD_WORKFLOW)
    findings = zizmor("--no-config", str(tmp_path / ".github" / "workflows"))
    idents = {finding["ident"] for finding in findings}
    assert {"unpinned-uses", "template-injection", "dangerous-triggers", "artipacked"} <= idents
