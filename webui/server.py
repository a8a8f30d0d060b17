"""Builds the whole app (patient chat + staff tab) and serves it.

Launch options that matter for patients' privacy live here: no run history kept in the
browser, no share link, no MCP or PWA endpoints, small uploads only, no server errors shown.
"""

from __future__ import annotations

import gradio as gr

from webui.context import AppContext
from webui.patient_ui import build_patient_tab
from webui.staff_ui import build_staff_tab

CSS = """
.notice { border-left: 4px solid #b91c1c; background: #fef2f2; color: #450a0a;
          padding: 0.5rem 0.75rem; border-radius: 4px; }
.notice p { margin: 0; }
@media (max-width: 640px) { .gradio-container { padding: 0.25rem !important; } }
"""
# System fonts: a theme's default web fonts would make every patient's browser call Google.
THEME = gr.themes.Soft(
    font=("system-ui", "-apple-system", "Segoe UI", "Roboto", "sans-serif"),
    font_mono=("ui-monospace", "SFMono-Regular", "Menlo", "monospace"),
)


def build_app(ctx: AppContext) -> gr.Blocks:
    # Gradio copies served files (CSV exports, uploaded question sets) to its cache: keep an hour.
    with gr.Blocks(title="Procedure Assistant", delete_cache=(3600, 3600)) as demo, gr.Tabs():
        with gr.Tab("Ask", id="ask"):
            build_patient_tab(ctx, demo)
        with gr.Tab("Staff", id="staff"):
            build_staff_tab(ctx)
    return demo


def serve(demo: gr.Blocks, host: str, port: int, block: bool = True) -> str:
    """Start serving; with block=False return at once (tests), then `demo.close()`."""
    demo.queue(default_concurrency_limit=1, max_size=200)
    _, url, _ = demo.launch(
        server_name=host,
        server_port=port,
        prevent_thread_lock=not block,
        quiet=not block,
        theme=THEME,
        css=CSS,
        footer_links=[],
        run_history=False,
        share=False,
        show_error=False,
        ssr_mode=False,
        mcp_server=False,
        pwa=False,
        max_file_size="5mb",
    )
    return url
