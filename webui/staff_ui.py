"""The staff tab: a sign-in form that reveals the staff tools, which check it again anyway."""

from __future__ import annotations

from typing import Any

import gradio as gr

from webui.content_ui import build_content_tab
from webui.context import AppContext
from webui.feedback_ui import build_feedback_tab
from webui.lab_ui import build_lab_tab
from webui.safe_text import literal
from webui.staff_auth import DISABLED_NOTICE, StaffAccessError, StaffSession


def build_staff_tab(ctx: AppContext) -> None:
    if not ctx.gate.enabled:
        gr.Markdown(DISABLED_NOTICE)  # and no staff endpoints exist at all
        return

    def sign_in(
        user: str, password: str, session: StaffSession | None, request: gr.Request
    ) -> tuple[Any, ...]:
        session = session or StaffSession()
        client = request.client.host if request.client else "unknown"
        try:
            name = ctx.gate.sign_in(user, password, session, client, request.session_hash or "")
        except StaffAccessError as error:
            raise gr.Error(str(error)) from None
        signed_in = f"Signed in as **{literal(name)}**."
        return session, gr.update(visible=False), gr.update(visible=True), signed_in, ""

    def sign_out(session: StaffSession | None) -> tuple[Any, ...]:
        if session:
            ctx.gate.sign_out(session)
        return session, gr.update(visible=True), gr.update(visible=False), ""

    staff = gr.State(None)
    with gr.Column(visible=True) as login_form:
        gr.Markdown("### Staff sign-in")
        user = gr.Textbox(label="User name", max_length=200)
        password = gr.Textbox(label="Password", type="password", max_length=200)
        sign_in_button = gr.Button("Sign in", variant="primary")
    with gr.Column(visible=False) as tools:
        with gr.Row():
            who = gr.Markdown()
            sign_out_button = gr.Button("Sign out", scale=0, min_width=120)
        with gr.Tabs():
            with gr.Tab("Prompt lab"):
                lab = build_lab_tab(ctx, staff)
            with gr.Tab("Content"):
                content = build_content_tab(ctx, staff)
            with gr.Tab("Feedback"):
                feedback = build_feedback_tab(ctx, staff)

    event = gr.on(
        [sign_in_button.click, password.submit],
        sign_in,
        [user, password, staff],
        [staff, login_form, tools, who, password],
        api_name="sign_in",
        concurrency_limit=4,
    )
    for loader in (lab, content, feedback):
        event = event.success(loader.fn, loader.inputs, loader.outputs, api_visibility="private")
    sign_out_button.click(sign_out, [staff], [staff, login_form, tools, who], api_name="sign_out")
