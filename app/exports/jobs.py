"""Export jobs: a whole-bank export written into the job's file, with its progress (see app.jobs)."""

from __future__ import annotations

import os

from app.exports import ExportError, service
from app.jobs import register


@register("export.bank", readable=(ExportError,))
def run_export(
    ctx,
    fmt: str,
    scope: str = "bank",
    scope_id: str | None = None,
    variant: str | None = None,
    accept_loss: bool = False,
    label: str = "",
):
    """Read the scope's questions (progress per question), then write the format into the job's folder."""
    part = ctx.output("export.part")
    with open(part, "wb") as out:
        report = service.export_to(out, fmt, scope, scope_id, variant, accept_loss, progress=ctx.progress)
    path = ctx.output(report.filename)
    os.replace(part, path)
    return path
