"""The patient chat tab (the landing page).

Endpoints, for `gradio_client` as much as for the page: `/chat` (one message; the chat itself
is kept per browser session on the server), `/feedback` (answer number from 1, rating,
comment), `/new_conversation` and `/choose_procedure` (a code, or empty for none).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import gradio as gr

from assistant.corpus import Corpus, PageInfo
from webui.chat_session import ChatSession
from webui.context import AppContext
from webui.feedback import HELPFUL, MAX_COMMENT_CHARS, NOT_HELPFUL, RATINGS

WELCOME = """\
# Procedure Assistant
Questions about a medical procedure? Ask in your own words: what it is, how to prepare,
whether you will be awake, how long it takes, recovery, risks. Answers come only from the
hospital's procedure pages, and each one shows the page and section it used.

It cannot give personal medical advice, look at your results, or answer questions about cost
or insurance: please ask your care team about those.
"""
NOTICE = (
    "**General information, not medical advice.** "
    "In an emergency, call your local emergency number."
)
# Each verified on the bundled sample pages (tests/test_app.py keeps them verified).
EXAMPLES = (
    "Can I eat before a colonoscopy?",
    "Will I be awake during cataract surgery?",
    "How long does a lumbar sympathectomy take?",
    "When can I drive after a knee replacement?",
    "How long is recovery after gallbladder removal?",
    "What is CPT 64721?",
)
APOLOGY = "Sorry, the assistant could not answer just now. Please try again in a moment."
MAX_QUESTION_CHARS = 2000
CHAT_CONCURRENCY = 8  # answers are short CPU bursts, or waits on a model server
_LABEL_CHARS = 90
log = logging.getLogger(__name__)


def procedure_label(page: PageInfo) -> str:
    """Title and code, plus common names since patients search by those ("EGD")."""
    title = page.title if len(page.title) <= _LABEL_CHARS else page.title[:_LABEL_CHARS] + "…"
    names = f" — {', '.join(page.common_names)}" if page.common_names else ""
    return f"{title} ({page.code_system} {page.code}){names}"


def procedure_choices(corpus: Corpus) -> list[tuple[str, str]]:
    corpus.refresh()
    pages = sorted(corpus.pages.values(), key=lambda page: page.title.lower())
    return [(procedure_label(page), page.code) for page in pages]


def build_patient_tab(ctx: AppContext, demo: gr.Blocks) -> None:
    def new_session() -> ChatSession:
        return ChatSession(ctx.assistant.new_conversation())

    def ask(message: str, chat: ChatSession | None) -> Iterator[tuple[Any, ...]]:
        chat = chat or new_session()
        if not message.strip():
            yield chat.messages, chat, "", gr.skip()
            return
        try:
            for messages in chat.ask(message):
                yield messages, chat, "", gr.skip()
        except Exception:  # a patient gets a plain apology; the operator gets the trace
            log.exception("answering failed")
            raise gr.Error(APOLOGY) from None
        if ctx.transcripts:
            ctx.transcripts.record(chat.id, chat.turns[-1])
        yield chat.messages, chat, "", gr.update(value=chat.active_code)

    def thumb(chat: ChatSession | None, like: gr.LikeData) -> tuple[Any, ...]:
        number = chat.turn_number_at(like.index) if chat and isinstance(like.index, int) else 0
        turn = chat.turn(number) if chat else None
        if turn is None or like.liked not in (True, False):
            return gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip()
        rating = HELPFUL if like.liked else NOT_HELPFUL
        ctx.feedback.record(turn, rating)
        thanks = f"Thank you: answer {number} was marked *{rating}*. Anything to add?"
        return gr.update(visible=True), number, rating, "", thanks

    def send_feedback(
        number: float | None, rating: str, comment: str, chat: ChatSession | None
    ) -> tuple[str, str]:
        turn = chat.turn(int(number or 0)) if chat else None
        if turn is None:
            raise gr.Error("There is no such answer in this conversation to rate.")
        if rating not in RATINGS:
            raise gr.Error("Choose 'helpful' or 'not helpful'.")
        ctx.feedback.record(turn, rating, comment or "")
        return "Thank you, your feedback was saved.", ""

    def choose_procedure(code: str | None, chat: ChatSession | None) -> ChatSession:
        chat = chat or new_session()
        chat.choose_procedure(code)
        return chat

    def restart() -> tuple[Any, ...]:
        return [], new_session(), gr.update(value=None), gr.update(visible=False), ""

    session = gr.State(None)
    gr.Markdown(WELCOME)
    gr.Markdown(NOTICE, elem_classes="notice")
    with gr.Row():
        procedure = gr.Dropdown(
            choices=procedure_choices(ctx.assistant.corpus),
            value=None,
            label="Procedure",
            info="Optional: pick one by name or code (type to search), or just name it.",
            filterable=True,
            scale=4,
            min_width=260,
        )
        restart_button = gr.Button("New conversation", scale=1, min_width=160)
    chatbot = gr.Chatbot(
        label="Conversation",
        height="60vh",
        min_height=320,
        sanitize_html=True,
        allow_tags=False,
        latex_delimiters=[],
        feedback_options=("Like", "Dislike"),
        buttons=["copy"],
        placeholder="Ask your question below, or try one of the examples.",
    )
    box = gr.Textbox(
        label="Your question",
        placeholder="e.g. can I eat before a colonoscopy?",
        max_length=MAX_QUESTION_CHARS,
        submit_btn="Send",
        lines=1,
        max_lines=6,
    )
    gr.Examples(examples=[[q] for q in EXAMPLES], inputs=[box], label="Examples")
    with gr.Group(visible=False) as feedback_panel:
        thanks = gr.Markdown()
        answer_number = gr.Number(visible=False, precision=0)
        rating = gr.Radio(list(RATINGS), label="This answer was")
        comment = gr.Textbox(
            label="Comment (optional; please leave out names and other personal details)",
            max_length=MAX_COMMENT_CHARS,
            max_lines=4,
        )
        send = gr.Button("Send feedback")
        sent = gr.Markdown()

    chat_event = box.submit(
        ask,
        [box, session],
        [chatbot, session, box, procedure],
        api_name="chat",
        concurrency_limit=CHAT_CONCURRENCY,
        show_progress="minimal",
    )
    chatbot.like(
        thumb,
        [session],
        [feedback_panel, answer_number, rating, comment, thanks],
        api_visibility="private",
    )
    send.click(
        send_feedback,
        [answer_number, rating, comment, session],
        [sent, comment],
        api_name="feedback",
    )
    procedure.input(choose_procedure, [procedure, session], [session], api_name="choose_procedure")
    gr.on(
        [restart_button.click, chatbot.clear],  # the chat's bin icon also starts afresh
        restart,
        None,
        [chatbot, session, procedure, feedback_panel, sent],
        api_name="new_conversation",
        cancels=[chat_event],
    )
    demo.load(
        lambda: gr.update(choices=procedure_choices(ctx.assistant.corpus)),
        None,
        procedure,
        api_visibility="private",
    )
