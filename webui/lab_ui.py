"""Staff prompt lab tab: edit a prompt, compare it with the saved one, save a new version."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import gradio as gr

from assistant.answer_types import Answer
from assistant.evaluation import EvalFileError
from assistant.prompts import PromptError, list_versions, load_prompt_file, prompt_path
from assistant.prompts import save_prompt_version as save_version
from webui.context import AppContext
from webui.prompt_lab import GOLDEN_SET, LabPair, question_set
from webui.safe_text import code_span, literal, page_markdown
from webui.staff_auth import StaffSession
from webui.staff_guard import Loader, staff_user

_OFFLINE_NOTE = (
    "The assistant runs in offline extractive mode: only the fixed messages (refusal, "
    "clarify, disclaimer, …) change its answers; `system`, `answer` and `rewrite` are used "
    "by a language model only."
)


def _answer_view(title: str, answer: Answer) -> str:
    sources = "\n".join(
        f"{n}. {literal(f'{s.title} ({s.code_system} {s.code}) — {s.section}')}"
        for n, s in enumerate(answer.sources, 1)
    )
    return f"#### {title}\n\n{page_markdown(answer.text)}\n\n**Sources**\n\n{sources or '—'}"


def build_lab_tab(ctx: AppContext, staff: gr.State) -> Loader:
    directory = ctx.assistant.settings.prompts_dir
    names = sorted(ctx.assistant.prompts.prompts)

    def load_prompt(name: str, session: StaffSession | None) -> tuple[str, str, str]:
        staff_user(ctx, session)
        version = list_versions(directory, name)[-1]
        prompt = load_prompt_file(prompt_path(directory, name, version))
        live = ctx.assistant.prompts[name].version
        info = (
            f"Editing **{literal(name)}**, latest saved version **v{version}** "
            f"({code_span(str(prompt.path))}); the chat uses v{live}. "
            f"Placeholders: {literal(', '.join(prompt.input_variables) or 'none')}."
        )
        return prompt.description, prompt.template, info

    def lab_pair(name: str, template: str, description: str) -> LabPair:
        try:
            return LabPair.build(ctx.assistant, name, template, description)
        except (PromptError, KeyError) as error:
            raise gr.Error(str(error)) from None

    def run_set(
        name: str,
        template: str,
        description: str,
        upload: str | None,
        session: StaffSession | None,
        progress: gr.Progress = gr.Progress(),  # noqa: B008 (Gradio's injection idiom)
    ) -> tuple[Any, ...]:
        user = staff_user(ctx, session)
        try:
            path, cases = question_set(Path(upload) if upload else None)
        except (EvalFileError, ValueError) as error:
            raise gr.Error(str(error)) from None
        pair = lab_pair(name, template, description)
        run = pair.evaluate(cases, lambda done, total, side: progress((done, total), desc=side))
        shown = "the golden set" if path == GOLDEN_SET else f"the uploaded set ({path.name})"
        ctx.gate.record(user, "run_eval", f"{len(cases)} questions from {shown}; edit of {name}")
        summary = (
            f"Ran {len(cases)} questions from {literal(shown)} with the saved prompts and with "
            f"the edit of **{literal(name)}**. {len(run.changes)} changed."
        )
        changes = [[c.id, c.question, c.what, c.saved, c.edited] for c in run.changes]
        reports = {"saved": run.saved_report, "edited": run.edited_report}
        return summary, run.metric_rows(), changes, reports

    def ask_both(
        name: str, template: str, description: str, question: str, session: StaffSession | None
    ) -> tuple[str, str]:
        user = staff_user(ctx, session)
        if not question.strip():
            raise gr.Error("Type a question first.")
        saved, edited = lab_pair(name, template, description).ask_both(question)
        ctx.gate.record(user, "ask_both", f"edit of {name}")
        return _answer_view("Saved prompts", saved), _answer_view("Edited prompt", edited)

    def save(
        name: str, template: str, description: str, session: StaffSession | None
    ) -> tuple[str, str, str, str]:
        user = staff_user(ctx, session)
        try:
            # An empty description keeps the saved one, as in the comparison.
            prompt = save_version(directory, name, template, description.strip() or None)
        except PromptError as error:
            raise gr.Error(str(error)) from None
        ctx.gate.record(user, "save_prompt", f"{name} v{prompt.version}")
        ctx.assistant.reload_prompts()
        saved = (
            f"Saved **{literal(name)} v{prompt.version}** ({code_span(str(prompt.path))}); "
            "older versions are kept. The chat uses it from the next message on."
        )
        return (saved, *load_prompt(name, session))

    offline = "" if ctx.assistant.settings.llm else f"\n\n{_OFFLINE_NOTE}"
    gr.Markdown(
        "Edit a prompt, then compare it with the saved version on a question set or on one "
        f"question. Nothing is saved until you press *Save*.{offline}"
    )
    name = gr.Dropdown(names, value=names[0], label="Prompt", filterable=True)
    info = gr.Markdown()
    description = gr.Textbox(label="Description", max_lines=3)
    template = gr.Textbox(label="Template", lines=10, max_lines=40)
    upload = gr.File(
        label="Question set (JSONL in the eval format; empty = the golden set)",
        file_types=[".jsonl"],
        type="filepath",
    )
    run_button = gr.Button("Run question set: saved vs edited", variant="primary")
    summary = gr.Markdown()
    metrics = gr.Dataframe(
        headers=["metric", "saved", "edited", "change"], interactive=False, label="Metrics"
    )
    changes = gr.Dataframe(
        headers=["id", "question", "what changed", "saved", "edited"],
        interactive=False,
        wrap=True,
        label="Questions whose result changed",
    )
    with gr.Accordion("Full reports (JSON, with prompt versions)", open=False):
        reports = gr.JSON()
    question = gr.Textbox(label="One question, both versions")
    ask_button = gr.Button("Ask both")
    with gr.Row():
        saved_answer = gr.Markdown()
        edited_answer = gr.Markdown()
    save_button = gr.Button("Save edit as a new version")
    saved_note = gr.Markdown()

    name.input(load_prompt, [name, staff], [description, template, info], api_name="load_prompt")
    run_button.click(
        run_set,
        [name, template, description, upload, staff],
        [summary, metrics, changes, reports],
        api_name="run_eval",
    )
    ask_button.click(
        ask_both,
        [name, template, description, question, staff],
        [saved_answer, edited_answer],
        api_name="ask_both",
    )
    question.submit(
        ask_both,
        [name, template, description, question, staff],
        [saved_answer, edited_answer],
        api_visibility="private",
    )
    save_button.click(
        save,
        [name, template, description, staff],
        [saved_note, description, template, info],
        api_name="save_prompt",
    )
    return Loader(load_prompt, [name, staff], [description, template, info])
