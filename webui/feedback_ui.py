"""Staff feedback tab: newest first, "not helpful" filter, CSV export."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import gradio as gr

from webui.context import AppContext
from webui.feedback import CSV_COLUMNS, table_row, write_csv
from webui.staff_auth import StaffSession
from webui.staff_guard import Loader, staff_user

EXPORT_DIR = Path(tempfile.gettempdir()) / "procedure-assistant-exports"
EXPORT_MAX_AGE_S = 3600


def _fresh_export_path() -> Path:
    """A new file for this export; older exports (patients' words) are not left lying around."""
    EXPORT_DIR.mkdir(mode=0o700, exist_ok=True)
    for old in EXPORT_DIR.glob("feedback-*.csv"):
        if time.time() - old.stat().st_mtime > EXPORT_MAX_AGE_S:
            old.unlink(missing_ok=True)
    return EXPORT_DIR / f"feedback-{time.strftime('%Y%m%d-%H%M%S')}-{time.time_ns() % 10**6}.csv"


def build_feedback_tab(ctx: AppContext, staff: gr.State) -> Loader:
    def table(only_not_helpful: bool, session: StaffSession | None) -> list[list[str]]:
        staff_user(ctx, session)
        return [table_row(entry) for entry in ctx.feedback.entries(only_not_helpful)]

    def export(only_not_helpful: bool, session: StaffSession | None) -> str:
        user = staff_user(ctx, session)
        entries = ctx.feedback.entries(only_not_helpful)
        path = write_csv(entries, _fresh_export_path())
        ctx.gate.record(user, "export_feedback", f"{len(entries)} entries")
        return str(path)

    only_not_helpful = gr.Checkbox(label='Only "not helpful"')
    with gr.Row():
        refresh_button = gr.Button("Refresh")
        export_button = gr.Button("Export CSV")
    entries = gr.Dataframe(
        headers=list(CSV_COLUMNS), interactive=False, wrap=True, label="Feedback, newest first"
    )
    download = gr.File(label="CSV export", interactive=False)

    refresh_button.click(table, [only_not_helpful, staff], [entries], api_name="feedback_table")
    only_not_helpful.input(table, [only_not_helpful, staff], [entries], api_visibility="private")
    export_button.click(export, [only_not_helpful, staff], [download], api_name="export_feedback")
    return Loader(table, [only_not_helpful, staff], [entries])
