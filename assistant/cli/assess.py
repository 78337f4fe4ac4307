"""`assistant assess --profile FILE.json [--json]`: the deterministic assessment of one patient."""

from __future__ import annotations

import json
from pathlib import Path
from typing import NoReturn

import click
from pydantic import ValidationError

from tools.agents import DISPLAY_NAME
from tools.assess import assess
from tools.flags import Assessment
from tools.profile import PatientProfile, describe_problems
from tools.rules.label_editions import EDITIONS, Edition

_LABEL = {"on_label": "on label", "off_label": "OFF LABEL", "unknown": "unknown"}
_WIDTH = 100


def _fail(message: str) -> NoReturn:
    """The contract for bad input: one line naming the problem, exit status 2."""
    click.echo(f"error: {message}", err=True)
    raise click.exceptions.Exit(2)


def load_profile(path: Path) -> PatientProfile:
    if not path.is_file():
        _fail(f"profile file {str(path)!r} not found")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        _fail(f"{path} is not a UTF-8 text file")
    except json.JSONDecodeError as exc:
        _fail(f"{path} is not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})")
    try:
        return PatientProfile.model_validate(data)
    except ValidationError as exc:
        _fail(f"invalid profile in {path}: {describe_problems(exc)}")


def render_table(assessment: Assessment) -> str:
    """A terminal table: agent, label status, suitability, then its flags by severity with summaries."""
    lines = [f"{'AGENT':<30} {'LABEL':<10} SUITABLE", "-" * _WIDTH]
    for verdict in assessment.agents:
        suitable = "yes" if verdict.suitable else "NO"
        lines.append(f"{DISPLAY_NAME[verdict.agent]:<30} {_LABEL[verdict.label_status]:<10} {suitable}")
        lines.append(f"    {verdict.label_reason}")
        now = verdict.label_now
        if now.status != verdict.label_status:
            lines.append(f"    Since the review: {_LABEL[now.status]} as of {now.as_of} ({', '.join(now.changed_by)})")
        for flag in verdict.flags:
            lines.append(f"    {flag.severity.upper():<8} {flag.code:<28} {flag.summary}")
        if not verdict.flags:
            lines.append("    (no flags)")
        lines.append("")
    if assessment.later_approvals:
        lines.append("Approved after the review (labels only):")
        for later in assessment.later_approvals:
            name = later.agent.replace("_", " ")
            lines.append(f"    {name:<28} {_LABEL[later.label_status]:<10} approved {later.approved}")
        lines += [f"    {assessment.later_approvals_note}", ""]
    missing = ", ".join(assessment.missing) if assessment.missing else "nothing"
    lines.append(f"Missing (could change a label status or flag): {missing}")
    return "\n".join(lines)


@click.command(name="assess")
@click.option(
    "--profile",
    "profile_path",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="A JSON file holding one patient profile (fields as in POST /v1/assess).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the same JSON object as POST /v1/assess.")
@click.option("--edition", type=click.Choice(EDITIONS), default="review-2020", show_default=True,
              help="The label edition the label flags follow (both editions' statuses are shown either way).")
def assess_command(profile_path: Path, as_json: bool, edition: Edition) -> None:
    """Assess blinatumomab, inotuzumab ozogamicin and tisagenlecleucel for one patient.

    \b
    Example:
      echo '{"age_years": 34, "disease_status": "first relapse", "marrow_blasts_pct": 80}' > p.json
      assistant assess --profile p.json
    """
    assessment = assess(load_profile(profile_path), edition=edition)
    if as_json:
        click.echo(assessment.model_dump_json(indent=2))
    else:
        click.echo(render_table(assessment))


COMMANDS: list[click.Command] = [assess_command]
