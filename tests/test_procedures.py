"""Which procedure a message names: typos and abbreviations count, ordinary words do not."""

from __future__ import annotations

from assistant.corpus import PageInfo
from assistant.procedures import ProcedureMatcher, find_codes, name_terms
from assistant.text import terms

PAGES = [
    PageInfo("G0008", "HCPCS", "Flu Shot Administration", ("flu vaccine",), "g.txt"),
    PageInfo("20610", "CPT4", "Joint Aspiration of a Major Joint", ("joint drainage",), "a.txt"),
    PageInfo("27447", "CPT4", "Total Knee Replacement", (), "k.txt"),
    PageInfo("45378", "CPT4", "Colonoscopy, diagnostic", (), "c.txt"),
    PageInfo("93458", "CPT4", "Left Heart Catheterization", (), "h.txt"),
    PageInfo("19083", "CPT4", "Breast Biopsy with Needle Guidance", (), "b.txt"),
    PageInfo("42820", "CPT4", "Tonsillectomy and adenoidectomy", ("Tonsils out (T&A)",), "t.txt"),
]
# Which pages' text uses a word, as the keyword index answers it.
TEXTS = {
    "G0008": "a short wait; you may need a plaster",
    "20610": "we drain fluid from the joint; you may need ice",
    "27447": "replacing the joint; you may need a walker",
    "93458": "the heart cath lab; you may need to lie flat",
}


KNOWN = {term for text in TEXTS.values() for term in terms(text)}


def pages_using(term: str) -> set[str]:
    return {code for code, text in TEXTS.items() if term in terms(text)}


def named(matcher: ProcedureMatcher, message: str) -> list[str]:
    return [m.code for m in matcher.mentions(message)]


def test_typos_and_abbreviations_name_their_page() -> None:
    matcher = ProcedureMatcher(PAGES, KNOWN, pages_using)
    assert named(matcher, "colonscopy prep")[:1] == ["45378"]
    assert named(matcher, "cath recovery")[:1] == ["93458"]  # the cath page says "cath"
    assert "colonoscopy" in matcher.corrected("how long is a colonscopy")
    assert named(matcher, "overnight stay after T&A surgery")[:1] == ["42820"]


def test_words_of_the_pages_text_are_not_read_as_other_names() -> None:
    matcher = ProcedureMatcher(PAGES, KNOWN, pages_using)
    assert named(matcher, "draining fluid from my knee")[:1] == ["20610"]  # fluid is not flu
    assert "19083" not in named(matcher, "mammograms needing more tests")  # not needle
    assert named(matcher, "replacing my knee")[:1] == ["27447"]  # another form of the name


def test_a_word_split_in_two_is_read_as_the_word_the_pages_use() -> None:
    eardrum = PageInfo("69631", "CPT4", "Tympanoplasty", ("eardrum repair",), "e.txt")
    matcher = ProcedureMatcher([*PAGES, eardrum], {*KNOWN, "eardrum"}, pages_using)
    assert matcher.compounds("how do i shower after ear drum surgery") == {
        "eardrum": ("ear", "drum")
    }
    assert named(matcher, "how do i shower after ear drum surgery")[:1] == ["69631"]
    assert "eardrum" in matcher.corrected("my ear drum")
    assert matcher.compounds("how is the knee after") == {}  # "theknee" is no word


def test_codes_and_name_terms() -> None:
    assert find_codes("what is cpt 45378? and g0008") == ["45378", "G0008"]
    assert "without" in name_terms("MRI without contrast")


NEAR_TWINS = [
    PageInfo("70551", "CPT4", "Brain MRI Without Contrast", ("non-contrast brain MRI",), "1"),
    PageInfo("70553", "CPT4", "MRI of the Brain Without and With Contrast", ("MRI with dye",), "3"),
    PageInfo("43235", "CPT4", "Diagnostic Upper Endoscopy (EGD without biopsy)", (), "5"),
    PageInfo("43239", "CPT4", "Upper endoscopy with biopsy", (), "9"),
]


def test_a_negated_word_points_away_from_the_pages_named_with_it() -> None:
    matcher = ProcedureMatcher(NEAR_TWINS)
    assert named(matcher, "can i drive after a brain mri with no dye")[:1] == ["70551"]
    assert named(matcher, "brain mri without contrast")[:1] == ["70551"]
    assert named(matcher, "brain mri with contrast")[:1] == ["70553"]
    assert named(matcher, "they aren't taking any biopsies during my endoscopy")[:1] == ["43235"]
    assert named(matcher, "upper endoscopy with biopsies")[:1] == ["43239"]
    # A negation that negates no name word changes nothing.
    assert named(matcher, "doesn't the upper endoscopy with biopsy hurt")[:1] == ["43239"]


def test_with_is_not_without_and_with() -> None:
    contrast = PageInfo("70552", "CPT4", "MRI of the Brain With Contrast", (), "2")
    matcher = ProcedureMatcher([*NEAR_TWINS, contrast])
    assert named(matcher, "brain mri with contrast")[:1] == ["70552"]
    assert named(matcher, "brain mri with and without contrast")[:1] == ["70553"]
    assert named(matcher, "brain mri without contrast")[:1] == ["70551"]


def test_a_name_said_in_full_is_marked_however_long_the_message() -> None:
    pages = [*PAGES, PageInfo("E0143", "HCPCS", "Folding Wheeled Walker", ("rolling walker",), "w")]
    matcher = ProcedureMatcher(pages, KNOWN, pages_using)
    message = "my mom is coming home with a rolling walker after her hip replacement"
    mentions = {m.code: m for m in matcher.mentions(message)}
    assert mentions["E0143"].whole_name
    assert not mentions["27447"].whole_name  # "replacement" alone is not "total knee replacement"


def test_another_body_part_before_a_name_word_is_another_procedure() -> None:
    matcher = ProcedureMatcher(PAGES, KNOWN, pages_using)
    assert matcher.other_body_part("27447", "recovery after a hip replacement") == "hip"
    assert matcher.other_body_part("27447", "my whole knee replacement") is None
    assert matcher.other_body_part("27447", "hip and knee replacement") is None
    assert matcher.other_body_part("27447", "my hip hurts, when is the replacement") is None
    # The joint page names no body part: it covers them all.
    assert matcher.other_body_part("20610", "hip joint injection") is None


def test_chat_shorthand_is_not_a_content_word():
    """An unknown word makes a message look like it names something the pages lack; "ppl",
    "w/" and "lol" name nothing."""
    assert terms("how much weight do ppl lose w/ the sleeve lol") == [
        "much",
        "weight",
        "lose",
        "sleeve",
    ]


def test_machine_alone_does_not_name_a_device_page() -> None:
    """ "How long will I be in the machine" after an MRI question is not about the CPM machine."""
    pages = [*PAGES, PageInfo("E0935", "HCPCS", "Continuous Passive Motion Machine", (), "m.txt")]
    matcher = ProcedureMatcher(pages, KNOWN, pages_using)
    assert not any(m.specific for m in matcher.mentions("how long will i be in the machine"))
    assert named(matcher, "continuous passive motion machine for my knee")[:1] == ["E0935"]


def test_a_word_the_active_page_uses_does_not_switch_to_an_unrelated_page() -> None:
    pages = [
        *PAGES,
        PageInfo("00790", "CPT4", "Anesthesia for upper abdominal procedures", (), "n.txt"),
        PageInfo("G0121", "HCPCS", "Colonoscopy, screening", (), "s.txt"),
    ]
    texts = {**TEXTS, "27447": "general or spinal anesthesia; a walker", "45378": "screening"}

    def using(term: str) -> set[str]:
        return {code for code, text in texts.items() if term in terms(text)}

    matcher = ProcedureMatcher(pages, KNOWN, using)
    # After the knee replacement, "anesthesia" is that surgery's, not the anesthesia code's.
    assert matcher.echoes("27447", "00790", "what kind of anesthesia do they use for it")
    # Sibling pages share a name word: the screening colonoscopy is a real switch.
    assert not matcher.echoes("45378", "G0121", "and what about a screening one")
    # A page's whole name switches whatever the active page says.
    assert not matcher.echoes(
        "27447", "00790", "anesthesia for upper abdominal procedures, what is it"
    )
