"""Staff content tab: index status, the incremental ingest, and the page browser."""

from __future__ import annotations

from typing import Any

import gradio as gr

from ingest.lock import StoreBusyError
from webui.content_admin import (
    ContentFolderMissing,
    IndexStatus,
    find_pages,
    page_chunks,
    run_ingest,
)
from webui.context import AppContext
from webui.safe_text import code_span, literal, page_markdown
from webui.staff_auth import StaffSession
from webui.staff_guard import Loader, staff_user


def status_markdown(status: IndexStatus, content_dir: str) -> str:
    lines = [
        f"**{status.pages} pages, {status.chunks} chunks** in the index. "
        f"Index last changed: {literal(status.updated_at or 'never')}. "
        f"Content folder: {code_span(content_dir)}."
    ]
    if status.errors:
        lines.append(f"\n**Files that failed in the last run ({len(status.errors)}):**\n")
        lines += [f"- {code_span(e['file'])}: {literal(e['reason'])}" for e in status.errors]
    else:
        lines.append("\nThe last run had no errors.")
    return "\n".join(lines)


def page_markdown_view(ctx: AppContext, code: str) -> str:
    corpus = ctx.assistant.corpus
    page = corpus.pages.get(code)
    if page is None:
        return "That page is no longer in the index."
    parts = [
        f"### {literal(page.label)}",
        f"Source: {code_span(page.source)}"
        + (f" · also called {literal(', '.join(page.common_names))}" if page.common_names else ""),
    ]
    for n, chunk in enumerate(page_chunks(corpus, code), 1):
        parts.append(f"#### {n}. {literal(chunk.section)}\n{code_span(chunk.id)}")
        parts.append(page_markdown(chunk.text))
    return "\n\n".join(parts)


def build_content_tab(ctx: AppContext, staff: gr.State) -> Loader:
    content_dir = str(ctx.assistant.settings.content_dir)

    def status(session: StaffSession | None) -> str:
        staff_user(ctx, session)
        return status_markdown(IndexStatus.of(ctx.assistant.corpus), content_dir)

    def ingest(
        session: StaffSession | None,
        progress: gr.Progress = gr.Progress(track_tqdm=True),  # noqa: B008 (Gradio's idiom)
    ) -> tuple[str, dict[str, Any]]:
        user = staff_user(ctx, session)
        progress(0, desc="Checking page files…")
        try:
            report = run_ingest(ctx.assistant)
        except (StoreBusyError, ContentFolderMissing) as error:
            raise gr.Error(str(error)) from None
        ctx.gate.record(
            user,
            "ingest",
            f"{report.pages_added} added, {report.pages_updated} updated, "
            f"{report.pages_removed} removed, {len(report.errors)} errors",
        )
        return status_markdown(IndexStatus.of(ctx.assistant.corpus), content_dir), report.to_json()

    def search(query: str, session: StaffSession | None) -> Any:
        staff_user(ctx, session)
        pages = find_pages(ctx.assistant.corpus, query)
        return gr.update(choices=[(p.label, p.code) for p in pages], value=None)

    def show(code: str | None, session: StaffSession | None) -> str:
        staff_user(ctx, session)
        return page_markdown_view(ctx, code.strip().upper()) if code else ""

    def opening(session: StaffSession | None) -> tuple[str, Any]:
        return status(session), search("", session)

    status_view = gr.Markdown()
    with gr.Row():
        refresh_button = gr.Button("Refresh status")
        ingest_button = gr.Button("Run incremental ingest", variant="primary")
    report_view = gr.JSON(label="Ingest report")
    query = gr.Textbox(label="Find a page by code or name", placeholder="e.g. 45378 or knee")
    # Custom values allowed: the choices change per search, and a code typed in is fine too.
    found = gr.Dropdown(label="Pages found", choices=[], allow_custom_value=True)
    page_view = gr.Markdown()

    refresh_button.click(status, [staff], [status_view], api_name="index_status")
    ingest_button.click(ingest, [staff], [status_view, report_view], api_name="ingest")
    query.submit(search, [query, staff], [found], api_name="find_pages")
    found.input(show, [found, staff], [page_view], api_name="show_page")
    return Loader(opening, [staff], [status_view, found])
