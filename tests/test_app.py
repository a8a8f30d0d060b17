"""The web app over HTTP, as `gradio_client` sees it, on the bundled sample pages.

One app serves the whole module (in this process, sharing the session's embedding model);
each test opens its own `Client`, which is its own browser session.
"""

from __future__ import annotations

import itertools
import json
import threading
from pathlib import Path
from typing import Any

import pytest
from gradio_client import Client, handle_file
from gradio_client.exceptions import AppError
from web_app import STAFF_PASSWORD, STAFF_USER, over_http

from assistant.answer_types import Answer, Source
from webui.chat_session import Turn
from webui.chat_view import source_title
from webui.config import WebSettings
from webui.feedback import FeedbackLog, table_row, write_csv
from webui.jsonl_log import JsonlLog
from webui.patient_ui import EXAMPLES
from webui.prompt_lab import LabPair
from webui.safe_text import literal, page_markdown
from webui.staff_auth import FREE_FAILURES, LoginThrottle, StaffAccessError, StaffGate, StaffSession
from webui.transcripts import TranscriptLog

FEEDBACK_FIELDS = {
    "id",
    "time",
    "rating",
    "comment",
    "question",
    "answer",
    "sources",
    "prompt_versions",
}


def text_of(message: dict[str, Any]) -> str:
    """Chatbot content arrives as a list of parts in Gradio 6."""
    content = message["content"]
    if isinstance(content, str):
        return content
    return "".join(part.get("text", "") for part in content)


def chat(client: Client, question: str) -> list[dict[str, Any]]:
    messages, _box, _procedure = client.predict(question, api_name="/chat")
    return messages


def last_reply(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The answer and its source messages: everything after the last question."""
    last_user = max(i for i, m in enumerate(messages) if m["role"] == "user")
    return messages[last_user + 1 :]


def source_titles(messages: list[dict[str, Any]]) -> list[str]:
    return [m["metadata"]["title"] for m in last_reply(messages) if m.get("metadata")]


@over_http
def test_question_gets_a_streamed_answer_with_its_sources(web):
    job = web.client().submit("how long does a lumbar sympathectomy take", api_name="/chat")
    messages, _box, procedure = job.result(timeout=60)
    answer, *sources = last_reply(messages)
    growing = [text_of(last_reply(out[0])[0]) for out in job.outputs()]
    assert len(set(growing)) >= 3  # streamed: the answer arrived in several growing pieces
    assert all(len(a) <= len(b) for a, b in itertools.pairwise(growing))
    assert all(text_of(answer).startswith(partial) for partial in growing)

    assert "1 to 2 hours" in text_of(answer) and "[1]" in text_of(answer)
    first = sources[0]
    assert first["metadata"]["title"].startswith("\\[1\\] ")
    assert "(CPT4 00632) — Duration" in first["metadata"]["title"]
    assert first["metadata"]["status"] == "done"  # collapsed until the patient opens it
    assert "1 to 2 hours" in text_of(first)  # the exact text used
    assert [t.split(" ")[0] for t in source_titles(messages)] == [
        f"\\[{n}\\]" for n in range(1, len(sources) + 1)
    ]
    assert procedure["value"] == "00632"  # the picker follows the conversation


@over_http
def test_followup_question_keeps_the_conversation(web):
    client = web.client()
    chat(client, "what is a lumbar sympathetic nerve block?")
    messages = chat(client, "and how long does it take?")
    assert "(CPT4 64520) — Duration" in source_titles(messages)[0]
    assert sum(m["role"] == "user" for m in messages) == 2  # the whole chat is shown


@over_http
def test_two_clients_at_once_keep_separate_conversations(web):
    first, second = web.client(), web.client()
    chat(first, "can i eat before a colonoscopy")
    chat(second, "will i be awake during cataract surgery")
    results: dict[str, list[dict[str, Any]]] = {}

    def follow_up(name: str, client: Client) -> None:
        results[name] = chat(client, "how long does it take?")

    threads = [
        threading.Thread(target=follow_up, args=("first", first)),
        threading.Thread(target=follow_up, args=("second", second)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert "(CPT4 45378)" in source_titles(results["first"])[0]
    assert "(CPT4 66984)" in source_titles(results["second"])[0]
    assert sum(m["role"] == "user" for m in results["second"]) == 2


@over_http
def test_choosing_a_procedure_sets_what_the_chat_is_about(web):
    client = web.client()
    client.predict("66984", api_name="/choose_procedure")
    messages = chat(client, "how long does it take?")
    assert "(CPT4 66984)" in source_titles(messages)[0]
    client.predict(api_name="/new_conversation")
    answer, *sources = last_reply(chat(client, "how long does it take?"))
    assert not sources and "procedure" in text_of(answer).lower()  # asks which one


@over_http
def test_feedback_is_logged_with_the_answer_and_nothing_about_the_patient(web):
    client = web.client()
    chat(client, "can i eat before a colonoscopy")
    chat(client, "what about cataract surgery, will i be awake?")
    status, _ = client.predict(2, "not helpful", "  too long  ", api_name="/feedback")
    assert "saved" in status

    record = JsonlLog(web.feedback_dir / "feedback.jsonl").read()[-1]
    assert set(record) == FEEDBACK_FIELDS
    assert record["rating"] == "not helpful" and record["comment"] == "too long"
    assert record["question"] == "what about cataract surgery, will i be awake?"
    assert "awake" in record["answer"]
    assert record["sources"][0]["code"] == "66984"
    assert set(record["sources"][0]) == {"code", "code_system", "title", "section", "chunk_id"}
    assert record["prompt_versions"]["disclaimer"] == "1"
    assert record["time"].endswith("+00:00")

    with pytest.raises(AppError, match="no such answer"):
        client.predict(3, "helpful", "", api_name="/feedback")
    assert not (web.feedback_dir / "transcripts.jsonl").exists()  # off unless configured


@over_http
def test_html_in_a_question_is_shown_as_text(web):
    messages = chat(web.client(), '<img src=x onerror="alert(1)"> colonoscopy prep')
    question = text_of(next(m for m in messages if m["role"] == "user"))
    assert "<img" not in question and "&lt;img" in question


STAFF_CALLS: list[tuple[str, tuple[Any, ...]]] = [
    ("/feedback_table", (False,)),
    ("/export_feedback", (False,)),
    ("/index_status", ()),
    ("/ingest", ()),
    ("/find_pages", ("knee",)),
    ("/show_page", ("27447",)),
    ("/load_prompt", ("answer",)),
    ("/run_eval", ("disclaimer", "Edited.", "", None)),
    ("/ask_both", ("disclaimer", "Edited.", "", "can i eat before a colonoscopy")),
    ("/save_prompt", ("disclaimer", "Edited.", "")),
]


@over_http
@pytest.mark.parametrize(("endpoint", "args"), STAFF_CALLS, ids=[c[0] for c in STAFF_CALLS])
def test_staff_endpoints_refuse_without_sign_in(web, endpoint, args):
    with pytest.raises(AppError, match="sign in first"):
        web.client().predict(*args, api_name=endpoint)


@over_http
def test_wrong_staff_password_is_refused(web):
    client = web.client()
    with pytest.raises(AppError, match="Wrong user name or password"):
        client.predict(STAFF_USER, "guess", api_name="/sign_in")
    with pytest.raises(AppError, match="sign in first"):
        client.predict(False, api_name="/feedback_table")


@over_http
def test_signed_in_staff_use_the_tools_and_every_action_is_logged(web):
    client = web.client()
    client.predict(STAFF_USER, STAFF_PASSWORD, api_name="/sign_in")

    table = client.predict(False, api_name="/feedback_table")
    assert table["headers"][:3] == ["time", "rating", "comment"]
    export = Path(client.predict(False, api_name="/export_feedback"))
    assert export.read_text(encoding="utf-8").startswith("time,rating,comment,question")
    report = client.predict(api_name="/ingest")[1]
    assert report["pages"]["unchanged"] == 47 and not report["errors"]
    page = client.predict("27447", api_name="/show_page")
    assert "Total Knee" in page and "Recovery" in page

    questions = web.folder / "three.jsonl"
    questions.write_text(
        "\n".join(
            json.dumps(case)
            for case in [
                {"id": "a", "question": "can i eat before a colonoscopy", "expected_code": "45378"},
                {"id": "b", "question": "how long does it take?", "expected_outcome": "clarify"},
                {"id": "c", "question": "will i be awake during cataract surgery"},
            ]
        ),
        encoding="utf-8",
    )
    summary, metrics, changes, reports = client.predict(
        "disclaimer", "Not medical advice.", "", handle_file(str(questions)), api_name="/run_eval"
    )
    assert "Ran 3 questions" in summary
    assert ["outcome_accuracy", 1.0, 1.0, 0.0] in metrics["data"]
    # Every reply but an emergency ends with the disclaimer: all texts change, no scores do.
    assert [(row[0], row[2]) for row in changes["data"]] == [
        ("a", "answer text"),
        ("b", "answer text"),
        ("c", "answer text"),
    ]
    assert reports["edited"]["prompt_versions"]["disclaimer"] == "2 (unsaved)"

    note, *_ = client.predict("disclaimer", "Not medical advice.", "", api_name="/save_prompt")
    prompts = web.context.assistant.settings.prompts_dir / "disclaimer"
    assert "v2" in note and sorted(p.name for p in prompts.iterdir()) == ["v1.md", "v2.md"]
    # The saved version is live at once: the next chat message carries it.
    reply = last_reply(chat(web.client(), "what is a colonoscopy"))[0]
    assert text_of(reply).endswith("_Not medical advice._")

    client.predict(api_name="/sign_out")
    with pytest.raises(AppError, match="sign in first"):
        client.predict(False, api_name="/feedback_table")
    actions = [r["action"] for r in JsonlLog(web.feedback_dir / "staff_log.jsonl").read()]
    for action in ("sign_in", "export_feedback", "ingest", "run_eval", "save_prompt", "sign_out"):
        assert action in actions
    assert all(
        set(r) == {"time", "user", "action", "detail"}
        for r in JsonlLog(web.feedback_dir / "staff_log.jsonl").read()
    )


EXPECTED_EXAMPLES = {
    "Can I eat before a colonoscopy?": ("45378", "Preparation", "low-fiber diet"),
    "Will I be awake during cataract surgery?": ("66984", "Patient Experience", "awake"),
    "How long does a lumbar sympathectomy take?": ("00632", "Duration", "1 to 2 hours"),
    "When can I drive after a knee replacement?": ("27447", "Recovery", "Driving"),
    "How long is recovery after gallbladder removal?": ("47562", "Recovery", "1 to 2 weeks"),
    "What is CPT 64721?": ("64721", "Summary", "carpal tunnel"),
}


@over_http
def test_example_questions_are_answered_from_the_right_page(web):
    assert set(EXAMPLES) == set(EXPECTED_EXAMPLES)
    for question, (code, section, phrase) in EXPECTED_EXAMPLES.items():
        answer = web.context.assistant.new_conversation().ask(question)
        first = answer.sources[0]
        assert (first.code, first.section) == (code, section), question
        assert phrase.lower() in answer.text.lower(), question


# Parts without the server -----------------------------------------------------------------


def test_login_throttle_backs_off_per_ip_and_session():
    now = [0.0]
    throttle = LoginThrottle(clock=lambda: now[0])
    keys = ("ip:10.0.0.1", "session:a")
    for _ in range(FREE_FAILURES):
        assert throttle.wait_s(keys) == 0
        throttle.failed(keys)
    assert throttle.wait_s(keys) == 2.0
    assert throttle.wait_s(("ip:10.0.0.1", "session:new")) == 2.0  # a new session: same IP
    throttle.failed(keys)
    assert throttle.wait_s(keys) == 4.0  # doubles with every further failure
    now[0] = 4.0
    assert throttle.wait_s(keys) == 0
    throttle.succeeded(keys)
    assert throttle.wait_s(keys) == 0


def test_throttled_sign_in_is_refused_without_checking_the_password(tmp_path):
    config = WebSettings(staff_user="boss", staff_password="right", feedback_dir=tmp_path)
    slept: list[float] = []
    gate = StaffGate(config, JsonlLog(tmp_path / "log.jsonl"), sleep=slept.append)
    session = StaffSession()
    for _ in range(FREE_FAILURES):
        with pytest.raises(StaffAccessError, match="Wrong"):
            gate.sign_in("boss", "wrong", session, "10.0.0.9", "s1")
    assert slept == [1.0] * FREE_FAILURES  # every failure answers slowly
    with pytest.raises(StaffAccessError, match="Too many failed sign-ins"):
        gate.sign_in("boss", "right", session, "10.0.0.9", "s2")
    assert session.user is None
    logged = [r["action"] for r in gate.log.read()]
    assert logged == ["sign_in_failed"] * FREE_FAILURES + ["sign_in_refused"]


def test_staff_area_is_off_without_configured_credentials(tmp_path):
    gate = StaffGate(WebSettings(feedback_dir=tmp_path), JsonlLog(tmp_path / "log.jsonl"))
    assert not gate.enabled
    with pytest.raises(StaffAccessError, match="switched off"):
        gate.sign_in("", "", StaffSession(), "127.0.0.1", "s")


def test_sign_in_expires(tmp_path):
    now = [0.0]
    config = WebSettings(staff_user="boss", staff_password="right", staff_session_hours=1)
    gate = StaffGate(config, JsonlLog(tmp_path / "log.jsonl"), clock=lambda: now[0])
    session = StaffSession()
    gate.sign_in("boss", "right", session, "127.0.0.1", "s")
    assert gate.require(session) == "boss"
    now[0] = 3601.0
    with pytest.raises(StaffAccessError):
        gate.require(session)


def test_text_from_patients_and_pages_cannot_become_markup():
    assert literal("<b>hi</b> [x](javascript:1) **b**") == (
        "&lt;b&gt;hi&lt;/b&gt; \\[x\\](javascript:1) \\*\\*b\\*\\*"
    )
    assert page_markdown("- a <script>x</script> ![i](http://t/p.png) **ok**") == (
        "- a &lt;script&gt;x&lt;/script&gt; !\\[i](http://t/p.png) **ok**"
    )


def test_feedback_view_keeps_the_latest_per_answer_and_exports_safe_csv(tmp_path):
    log = FeedbackLog(tmp_path / "feedback.jsonl")
    first, second = Turn("q1", Answer("a1")), Turn("q2", Answer("a2"))
    log.record(first, "helpful")
    log.record(second, "not helpful")
    log.record(first, "not helpful", '=HYPERLINK("http://x")')  # comment after the thumb
    entries = log.entries()
    assert [e["question"] for e in entries] == ["q1", "q2"]  # newest first, one per answer
    assert [e["question"] for e in log.entries(only_not_helpful=True)] == ["q1", "q2"]
    assert table_row(entries[0])[1:3] == ["not helpful", '=HYPERLINK("http://x")']
    csv_text = write_csv(entries, tmp_path / "out.csv").read_text(encoding="utf-8")
    assert "'=HYPERLINK" in csv_text  # a spreadsheet shows it, never runs it


def test_transcripts_when_switched_on_hold_the_turn_and_a_random_chat_id(tmp_path):
    turn = Turn("q", Answer("a", (Source("1", "CPT4", "T", "S", "x", 1.0, "text", "1-a-0"),)))
    TranscriptLog(tmp_path / "t.jsonl").record("chat-1", turn)
    (record,) = JsonlLog(tmp_path / "t.jsonl").read()
    assert set(record) == {
        "time",
        "chat",
        "question",
        "answer",
        "outcome",
        "sources",
        "prompt_versions",
    }
    assert record["chat"] == "chat-1" and record["sources"][0]["chunk_id"] == "1-a-0"


@over_http
def test_prompt_lab_compares_an_edit_without_saving_it(web):
    pair = LabPair.build(web.context.assistant, "refusal", "We cannot help with that.", "")
    saved, edited = pair.ask_both("what is the capital of france")
    assert edited.text.startswith("We cannot help with that.")
    assert saved.text != edited.text
    assert pair.edited_versions["refusal"] == "2 (unsaved)"
    assert not (web.context.assistant.settings.prompts_dir / "refusal" / "v2.md").exists()


def test_source_titles_name_procedure_code_and_section():
    source = Source("00632", "CPT4", "Lumbar Sympathectomy", "Duration", "x.txt", 1.0)
    assert source_title(1, source) == "[1] Lumbar Sympathectomy (CPT4 00632) — Duration"
