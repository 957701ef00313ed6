"""The drill report: one JSON document for tools, the same facts as Markdown for people, written
side by side under build/dr/ as <kind>-<target>-<UTC start>.json and .md."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from disaster_recovery.drill.orchestrate import DrillRun


def _time(moment: datetime | None) -> str | None:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def _minutes(seconds: float | None) -> str:
    return "n/a" if seconds is None else f"{seconds / 60:.1f} min"


def document(run: DrillRun) -> dict[str, Any]:
    move, backup = run.move, run.preflight.backup() if run.preflight else {}
    return {
        "kind": move.kind,
        "target": {"stack": move.target.stack, "region": move.target.region},
        "failed": {"stack": move.failed.stack, "region": move.failed.region},
        "executed": run.executed,
        "forced": run.forced,
        "outcome": run.outcome,
        "startedAt": _time(run.steps[0].started_at) if run.steps else None,
        "finishedAt": _time(run.steps[-1].finished_at) if run.steps else None,
        "steps": [
            {
                "name": step.name,
                "startedAt": _time(step.started_at),
                "finishedAt": _time(step.finished_at),
                "durationSeconds": round(step.seconds, 3),
                "outcome": step.outcome,
                "detail": step.detail,
            }
            for step in run.steps
        ],
        "rto": {
            "measuredSeconds": run.measured_rto_seconds,
            "from": _time(run.promotion_started_at),
            "to": _time(run.healthy_at),
            "modeledSeconds": run.modeled.seconds if run.modeled else None,
            "modeled": run.modeled.line if run.modeled else None,
            "targetMinutes": run.modeled.rto_minutes if run.modeled else None,
        },
        "rpo": {
            "seconds": run.rpo_seconds,
            "backup": backup.get("backup"),
            "backupAt": _time(backup.get("newestBackupAt")),
            "targetMinutes": backup.get("rpoMinutes"),
        },
        "preflight": [
            {"name": check.name, "status": check.status.value, "evidence": check.evidence}
            for check in (run.preflight.checks if run.preflight else [])
        ],
    }


def markdown(report: dict[str, Any]) -> str:
    target, failed, rto, rpo = report["target"], report["failed"], report["rto"], report["rpo"]
    modeled = f"modeled {_minutes(rto['modeledSeconds'])} (RTO target {rto['targetMinutes']} min)"
    lines = [
        f"# DR {report['kind']}: {target['stack']} ({target['region']}) from {failed['stack']} ({failed['region']})",
        "",
        f"- Outcome: **{report['outcome']}**{' (forced past a failing preflight)' if report['forced'] else ''}",
        f"- Measured RTO: {_minutes(rto['measuredSeconds'])} (role flip {rto['from']} to first healthy answer "
        f"{rto['to']}); {modeled}",
        f"- RPO: {_minutes(rpo['seconds'])} (newest replicated backup {rpo['backup']} at {rpo['backupAt']}; "
        f"target {rpo['targetMinutes']} min)",
        "",
        "## Steps",
        "",
        "| Step | Start (UTC) | End (UTC) | Duration | Outcome | Detail |",
        "|---|---|---|---|---|---|",
        *(
            f"| {s['name']} | {s['startedAt']} | {s['finishedAt']} | {s['durationSeconds']:.0f} s | {s['outcome']} "
            f"| {_cell(s['detail'])} |"
            for s in report["steps"]
        ),
        "",
        "## Preflight",
        "",
        "| Check | Result | Evidence |",
        "|---|---|---|",
        *(f"| {c['name']} | {c['status']} | {_cell(c['evidence'])} |" for c in report["preflight"]),
    ]
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


class FileReport:
    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir

    def paths(self, run: DrillRun) -> list[Path]:
        started = run.steps[0].started_at.strftime("%Y%m%dT%H%M%SZ")
        stem = f"{run.move.kind}-{run.move.target.stack}-{started}"
        return [self.out_dir / f"{stem}.json", self.out_dir / f"{stem}.md"]

    def write(self, run: DrillRun) -> None:
        report = document(run)
        json_path, markdown_path = self.paths(run)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json.dumps(report, indent=2) + "\n")
        markdown_path.write_text(markdown(report))
