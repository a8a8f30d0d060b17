"""The Gradio web app: `python app.py [--store DIR] [--host 127.0.0.1] [--port 7860]`."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from assistant.settings import get_settings  # first: switches off telemetry before gradio loads


def build_app(assistant: Any) -> Any:
    import gradio as gr

    from assistant.answer_types import Answer

    def respond(message: str, history: list[dict], conversation: Any):
        conversation = conversation or assistant.new_conversation()
        history = [*history, {"role": "user", "content": message}]
        reply = {"role": "assistant", "content": ""}
        for event in conversation.stream(message):
            if isinstance(event, Answer):
                sources = "\n".join(
                    f"[{n}] {s.title} ({s.code_system} {s.code}) — {s.section}"
                    for n, s in enumerate(event.sources, 1)
                )
                extra = (
                    [
                        {
                            "role": "assistant",
                            "content": sources,
                            "metadata": {"title": "Sources", "status": "done"},
                        }
                    ]
                    if sources
                    else []
                )
                yield [*history, {**reply, "content": event.text}, *extra], conversation, ""
            else:
                yield [*history, {**reply, "content": event}], conversation, ""

    with gr.Blocks(title="Procedure Assistant") as demo:
        gr.Markdown(
            "# Procedure Assistant\nAsk about a medical procedure. General information, "
            "not medical advice — in an emergency call your local emergency number."
        )
        chatbot = gr.Chatbot(label="Chat", sanitize_html=True)
        box = gr.Textbox(
            label="Your question", placeholder="e.g. how long does a colonoscopy take?"
        )
        state = gr.State(None)
        box.submit(respond, [box, chatbot, state], [chatbot, state, box], api_name="chat")
    return demo


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Procedure Assistant web app")
    parser.add_argument("--store", type=Path)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=7860)
    args = parser.parse_args(argv)
    settings = get_settings()
    if args.store:
        settings = settings.model_copy(update={"store_dir": args.store})

    from assistant.service import Assistant

    assistant = Assistant(settings)
    assistant.warm_up()
    build_app(assistant).queue().launch(server_name=args.host, server_port=args.port)


if __name__ == "__main__":
    main()
