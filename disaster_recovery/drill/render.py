"""What the drill prints: the steps a promotion would take, a preflight, a finished run."""

from __future__ import annotations

from disaster_recovery.drill.model import Preflight, StackView
from disaster_recovery.drill.orchestrate import DrillRun
from disaster_recovery.drill.pairs import Move
from disaster_recovery.drill.workspace import DR_ROLE_KEY


def planned_steps(move: Move, target: StackView) -> list[str]:
    t, f = move.target.stack, move.failed.stack
    hostname = target.dr_optional("failoverHostname")
    url = f"https://{hostname}/healthz" if hostname else f"https://<{t}'s dr.failoverHostname>/healthz"
    return [
        "steps --execute would take:",
        "  1. preflight (below); a failing check stops here unless --force",
        f"  2. flip roles: {DR_ROLE_KEY}=active on {t}, =standby on {f} (Pulumi.<stack>.yaml)",
        f"  3. pulumi up {f}, to demote it; if its region is unreachable this is recorded and skipped past",
        f"  4. pulumi up {t} (Automation API)",
        f"  5. wait for HTTP 200 from {url}",
        "  6. write the report (JSON and Markdown) under build/dr/",
    ]


def preflight_lines(preflight: Preflight, indent: str = "  ") -> list[str]:
    return [f"{indent}{check.line()}" for check in preflight.checks]


def verdict(preflight: Preflight, force: bool) -> str:
    if preflight.passed:
        return "preflight passed: --execute would promote"
    names = ", ".join(check.name for check in preflight.blocking)
    then = "--force would promote anyway" if force else "--execute would refuse without --force"
    return f"preflight: {len(preflight.blocking)} check(s) not passed ({names}): {then}"


def run_lines(run: DrillRun) -> list[str]:
    lines = [f"DR {run.move.kind} {run.move.target.stack}: {run.outcome}{' (forced)' if run.forced else ''}"]
    lines += [f"  {s.name}: {s.outcome} in {s.seconds:.0f} s: {s.detail}" for s in run.steps]
    if run.preflight and not run.preflight.passed:
        lines += ["preflight:", *preflight_lines(run.preflight)]
    measured, rpo = run.measured_rto_seconds, run.rpo_seconds
    lines.append(f"measured RTO: {'n/a' if measured is None else f'{measured / 60:.1f} min'}")
    lines.append(f"RPO: {'n/a' if rpo is None else f'{rpo / 60:.1f} min'}")
    if run.modeled:
        lines.append(f"modeled: {run.modeled.line}")
    return lines
