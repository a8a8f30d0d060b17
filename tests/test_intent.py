"""Phrasings map to the sections the issue names; boosts only, so one strong pick each here."""

from __future__ import annotations

import pytest

from assistant import sections as s
from assistant.intent import STRONG, asking_terms, asks_for_results, section_intents

CASES = [
    ("how long does it take", s.DURATION),
    ("how many weeks do i wear it", s.DURATION),
    ("how fast do results come back", s.DURATION),
    ("how quickly is the result ready", s.DURATION),
    ("can i eat before", s.PREPARATION),
    ("what am i supposed to eat the days before", s.PREPARATION),
    ("do i need to fast", s.PREPARATION),
    ("will i be awake", s.EXPERIENCE),
    ("will i notice anything", s.EXPERIENCE),
    ("what could go wrong", s.RISKS),
    ("is a sore arm normal", s.RISKS),
    ("can the pacemaker wires move out of place", s.RISKS),
    ("could the tube fall out", s.RISKS),
    ("my arm is red the day after, is that normal", s.RISKS),
    ("when can i drive again", s.RECOVERY),
    ("when can he play football again", s.RECOVERY),
    ("how long till she can pick up the grandkids", s.RECOVERY),
    ("how long does it take to get used to the mask", s.RECOVERY),
    ("how much school will she miss", s.RECOVERY),
    ("what are my other options", s.ALTERNATIVES),
    ("who does the procedure", s.PERSONNEL),
    ("where is it done", s.SETTING),
    ("where do they usually give a shot in the muscle", s.PROCEDURE),
    ("where on the body do they give it", s.PROCEDURE),
    ("do i really need a colonoscopy", s.INDICATIONS),
    ("will my pain get better after the injection", s.BENEFITS),
    ("what are the reasons people get one", s.INDICATIONS),
]


@pytest.mark.parametrize(("question", "section"), CASES)
def test_phrasing_gets_its_section_as_the_only_strong_pick(question, section):
    strong = {name for name, weight in section_intents(question).items() if weight >= STRONG}
    assert strong == {section}


def test_what_is_that_after_the_context_asks_for_the_summary():
    intents = section_intents("abnormal pap, now i need a colposcopy. what is that")
    assert max(intents, key=intents.get) == s.SUMMARY


def test_mean_as_a_verb_does_not_ask_for_a_definition():
    assert s.SUMMARY not in section_intents("what symptoms mean i need a colonoscopy")
    assert section_intents("what does egd mean")[s.SUMMARY] > 0


def test_plain_words_for_anesthesia_find_the_words_pages_use():
    from assistant.compose import select_items
    from assistant.intent import topic_words

    question = "will they put me under"
    assert "anesthesia" in topic_words(question).split()
    assert topic_words("how long does it take") == ""
    section = (
        "1. Position: You lie on your side.\n2. Cleaning: The skin is cleaned.\n"
        "3. Sampling: Twelve cores are taken.\n4. Check: The area is checked.\n"
        "5. Dressing: A pad is applied.\n6. Transfer: You go to recovery.\n"
        "7. Anesthesia: Most biopsies use a local nerve block; some centers use sedation."
    )
    chosen = select_items(section, f"{question} {topic_words(question)}", s.PROCEDURE)
    assert any("Anesthesia" in item for item in chosen)


def test_radiation_leans_towards_risks():
    assert section_intents("how much radiation is a chest x-ray")[s.RISKS] > 0


@pytest.mark.parametrize(
    ("question", "asking"),
    [
        ("is it risky", {"risky"}),
        ("what is dry socket", set()),  # the summary pattern ends inside "dry": "dry" stays
        ("the nurse is giving me a b12 shot, does it hurt", {"nurse", "hurt"}),
    ],
)
def test_asking_terms_are_the_words_that_say_what_is_asked(question, asking):
    assert asking_terms(question) == asking


def test_after_leans_towards_recovery_without_deciding():
    """The section classifier weighs "after" in context; the rule only leans."""
    eat_after = section_intents("can i eat after")
    assert max(eat_after, key=eat_after.get) == s.RECOVERY
    assert eat_after[s.RECOVERY] < STRONG
    assert section_intents("can the boil come back after they drain it").get(s.RECOVERY, 0) < STRONG


@pytest.mark.parametrize(
    ("question", "asks"),
    [
        ("my tsh came back high what does that mean", True),
        ("my ldl came back 162 on my lipid panel is that bad", True),
        ("what does birads 4 mean on my mammogram report", True),
        ("my emg was normal but my feet still burn", True),
        ("whats a normal inr if im on coumadin", True),
        ("when will my blood sugar results come back", False),  # timing, not a result
        ("the boil came back after they drained it", False),  # a recurrence
        ("dr says i need an ablation what does that mean", False),
        ("my son is 16, does he need the shot", False),
    ],
)
def test_questions_about_a_result_are_told_apart(question, asks):
    assert asks_for_results(question) is asks
