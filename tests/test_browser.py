"""The web app in a real headless Chromium: what a patient and a staff member actually do.

Needs /usr/bin/chromium (CI installs it in `.ci/run`); Playwright drives it, never downloading
a browser of its own. Also writes the README's screenshot, docs/screenshot-chat.png.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import PROJECT_ROOT
from web_app import STAFF_PASSWORD, STAFF_USER, WebApp, over_http

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOT = PROJECT_ROOT / "docs" / "screenshot-chat.png"
ANSWER_TIMEOUT_MS = 20_000


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(
            f"{CHROMIUM} is missing: install it with "
            "`apt-get install -y chromium chromium-driver` (.ci/run does this in CI)"
        )
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
    sync_api.expect.set_options(timeout=ANSWER_TIMEOUT_MS)  # a cold first page load is slow
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any, web: WebApp) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    page = context.new_page()
    page.set_default_timeout(ANSWER_TIMEOUT_MS)
    page.goto(web.url)
    yield page
    context.close()


def ask(page: Any, question: str) -> None:
    box = page.get_by_label("Your question")
    box.fill(question)
    box.press("Enter")


def sign_in(page: Any) -> None:
    page.get_by_role("tab", name="Staff").click()
    page.get_by_label("User name").fill(STAFF_USER)
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text(f"Signed in as {STAFF_USER}").wait_for()


@over_http
def test_patient_sees_answer_and_source_text_and_gives_feedback(page, web):
    from playwright.sync_api import expect

    ask(page, "How long does a lumbar sympathectomy take?")
    answer = page.locator("[data-testid=bot]").first
    expect(answer).to_contain_text("1 to 2 hours")
    expect(answer).to_contain_text("[1]")
    source = page.get_by_role("button", name=re.compile(r"^\[1\] .*\(CPT4 00632\) — Duration"))
    expect(source).to_be_visible()

    source.focus()  # sources open from the keyboard as well as by click
    page.keyboard.press("Enter")
    source_text = source.locator("xpath=following-sibling::div[contains(@class, 'content')]")
    expect(source_text).to_contain_text("The procedure typically takes about 1 to 2 hours.")
    expect(source_text).to_be_visible()
    page.wait_for_timeout(500)  # let the opening slide finish, for the README's screenshot
    SCREENSHOT.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)

    page.get_by_label("Dislike", exact=True).last.click()
    expect(page.get_by_text("Anything to add?")).to_be_visible()
    expect(page.get_by_label("not helpful")).to_be_checked()
    page.get_by_label("Comment (optional", exact=False).fill("Please say if I need a driver.")
    page.get_by_role("button", name="Send feedback").click()
    expect(page.get_by_text("your feedback was saved")).to_be_visible()

    latest = web.context.feedback.entries()[0]
    assert latest["rating"] == "not helpful"
    assert latest["comment"] == "Please say if I need a driver."
    assert latest["question"] == "How long does a lumbar sympathectomy take?"


@over_http
def test_injected_markup_in_a_question_or_comment_never_runs(page, web):
    from playwright.sync_api import expect

    question = '<img src=x onerror="window.__injected = 1"> can i eat before a colonoscopy'
    ask(page, question)
    expect(page.locator("[data-testid=bot]").first).to_contain_text("Colonoscopy")
    expect(page.locator("[data-testid=user]").first).to_contain_text('<img src=x onerror="')
    page.get_by_label("Dislike", exact=True).last.click()
    page.get_by_label("Comment (optional", exact=False).fill(
        '<img src=x onerror="window.__injected = 2">'
    )
    page.get_by_role("button", name="Send feedback").click()
    expect(page.get_by_text("your feedback was saved")).to_be_visible()

    sign_in(page)  # staff read patients' words too: they must not run there either
    page.get_by_role("tab", name="Feedback").click()
    newest_comment = page.get_by_test_id("cell-0-2")  # newest first; column 2 is the comment
    expect(newest_comment).to_contain_text('<img src=x onerror="window.__injected = 2">')
    assert page.evaluate("window.__injected") is None


@over_http
def test_staff_sign_in_and_compare_prompts_on_a_small_question_set(page, web):
    from playwright.sync_api import expect

    questions = web.folder / "three-questions.jsonl"
    cases = [
        {"id": "q1", "question": "can i eat before a colonoscopy", "expected_code": "45378"},
        {"id": "q2", "question": "how long does it take?", "expected_outcome": "clarify"},
        {
            "id": "q3",
            "question": "how long does a lumbar sympathectomy take",
            "expected_section": "Duration",
            "must_include": ["1 to 2 hours"],
        },
    ]
    questions.write_text("\n".join(json.dumps(case) for case in cases), encoding="utf-8")
    sign_in(page)
    prompt = page.get_by_label("Prompt", exact=True)
    prompt.click()
    page.get_by_role("option", name="disclaimer", exact=True).click()
    template = page.get_by_label("Template")
    expect(template).to_have_value(re.compile("not medical advice"))
    template.fill("Edited: general information only.")
    page.locator("input[type=file][accept='.jsonl']").set_input_files(str(questions))
    page.get_by_role("button", name="Run question set: saved vs edited").click()

    expect(page.get_by_text("Ran 3 questions")).to_be_visible()
    expect(page.get_by_role("grid", name="Metrics")).to_contain_text("section_hit@1")
    expect(page.get_by_text("3 changed")).to_be_visible()
    run = [r for r in web.context.gate.log.read() if r["action"] == "run_eval"][-1]
    assert run["user"] == STAFF_USER and "3 questions" in run["detail"]
