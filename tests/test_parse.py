"""Behaviour of `ingest.parse` on the page variations seen on real procedure pages."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from assistant.sections import renamed_section
from ingest.page import IngestError, ProcedurePage
from ingest.parse import SUPPORTED_SUFFIXES, parse, read_page

FIXTURES = Path(__file__).parent / "fixtures" / "pages"
SEED = FIXTURES / "seed_00632.txt"

SEED_SECTIONS = [
    "Summary",
    "Purpose",
    "Indications",
    "Preparation",
    "Procedure Description",
    "Duration",
    "Setting",
    "Personnel",
    "Risks and Complications",
    "Benefits",
    "Recovery",
    "Alternatives",
    "Patient Experience",
]


def section(page: ProcedurePage, canonical: str) -> str:
    """The text of the page's section with this canonical name."""
    matches = [s.text for s in page.sections if s.canonical == canonical]
    assert matches, f"no {canonical!r} in {[s.canonical for s in page.sections]}"
    return matches[0]


def text_page(*blocks: str) -> str:
    """A page in the blank-line rendering: blocks separated by one empty line."""
    return "\n\n".join(blocks) + "\n"


def lumbar_page(*body: str) -> str:
    """The classic template's header followed by the given blocks."""
    return text_page(
        "Search all medical codes",
        "Anesthesia for procedures in lumbar region; lumbar sympathectomy",
        "CPT4 code",
        "Name of the Procedure:",
        "Lumbar Sympathectomy",
        *body,
    )


NEW_TEMPLATE = text_page(
    "Codes / HCPCS / A4253",
    "A4253 - Blood glucose test or reagent strips for home blood glucose monitor, per 50 strips",
    "HCPCSDMEPOS",
    "HCPCS code",
    "Diabetic testing supplies",
    "Name of the Procedure",
    "Blood Glucose Test Strips",
    "Summary",
    "Blood glucose test strips are small, single-use strips that work with a home meter.",
    "Duration",
    "Each test takes less than a minute.",
)

MARKDOWN = """\
# Esophagogastroduodenoscopy, flexible, transoral; with biopsy

Common name(s): Upper endoscopy, EGD

## Summary:

An **upper endoscopy** is a look inside the food pipe with a thin, flexible camera.

## Indications

* Heartburn that continues despite medicine
* Difficulty swallowing

## Procedure Description

1. The nurse places an IV line.
2. You lie on your **left side**.

### Tools used

- Endoscope
- Biopsy forceps

## Aftercare Tips

- Do not drive for the rest of the day.

## Similar Codes

- 43235: EGD, diagnostic
"""

HTML = """\
<!DOCTYPE html>
<html lang="en">
<head>
<title>Laparoscopy, surgical; cholecystectomy | Procedure Guide</title>
<meta name="code" content="47562">
<meta name="code_system" content="CPT4">
<link rel="canonical" href="https://example.org/code/cpt4/47562-lap-chole">
<style>body { font-family: Georgia, serif; }</style>
<script>function track(evt) { window.dataLayer.push({event: evt}); }</script>
</head>
<body>
<header><a href="/">Procedure Guide</a></header>
<nav><a href="/codes/">Search all medical codes</a> <a href="/about">About &amp; Contact</a></nav>
<main>
<h1>Laparoscopy, surgical; cholecystectomy</h1>
<p>CPT4 code</p>
<p>Common name: Laparoscopic gallbladder removal (&ldquo;lap chole&rdquo;)</p>
<h2>Summary</h2>
<p>Keyhole surgery to remove the gallbladder &amp; its stones.<br>It is the standard
   operation for painful gallstones.</p>
<h2>Preparation</h2>
<p>Patients should:</p>
<ul>
<li>Stop eating solid food 8 hours before surgery.</li>
<li>Ask about blood thinners:<ul><li>aspirin</li>
<li>warfarin<ul><li>check INR</li></ul></li></ul></li>
</ul>
<h2>Procedure Description</h2>
<ol>
<li>General anesthesia is given.</li>
<li>The surgeon makes a <b>small</b> cut at the belly button.</li>
</ol>
<h3>Anesthesia</h3>
<p>General anesthesia with a breathing tube.</p>
</main>
<footer>&copy; Procedure Guide. Recovery tips in our newsletter.</footer>
</body>
</html>
"""


# --- the seed page ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed() -> ProcedurePage:
    return read_page(SEED)


def test_seed_page_has_thirteen_sections_in_order(seed: ProcedurePage) -> None:
    assert [s.canonical for s in seed.sections] == SEED_SECTIONS
    assert [s.heading for s in seed.sections] == SEED_SECTIONS


def test_seed_page_title_is_the_name_of_the_procedure(seed: ProcedurePage) -> None:
    assert seed.title == "Anesthesia for procedures in lumbar region; Lumbar Sympathectomy"
    assert (seed.code, seed.code_system, seed.url) == ("00632", "CPT4", "")
    assert seed.source == str(SEED)


def test_seed_page_keeps_its_five_numbered_steps(seed: ProcedurePage) -> None:
    steps = section(seed, "Procedure Description").splitlines()
    assert [line.split(".")[0] for line in steps] == ["1", "2", "3", "4", "5"]
    assert steps[0].startswith("1. Anesthesia Administration: The procedure begins")


def test_seed_page_bullets_and_paragraphs_are_plain_lines(seed: ProcedurePage) -> None:
    indications = section(seed, "Indications").splitlines()
    assert indications[0] == "- Chronic pain in the lower extremities"
    assert len(indications) == 5
    assert section(seed, "Duration") == "The procedure typically takes about 1 to 2 hours."


def test_curly_apostrophes_become_straight(seed: ProcedurePage) -> None:
    assert "the patient's vital signs" in section(seed, "Personnel")
    assert all("\u2019" not in s.text for s in seed.sections)


def test_original_seed_file_has_no_code_in_its_hash_name() -> None:
    original = Path("/work/shared/seeds/000_276240e88cb2b8c1.txt")
    if not original.exists():
        pytest.skip("shared seed not available")
    with pytest.raises(IngestError, match="no procedure code found"):
        read_page(original)


# --- headings --------------------------------------------------------------------------------


def test_trailing_colon_headings_are_sections() -> None:
    page = parse(
        lumbar_page("Summary:", "A short text.", "Risks:", "  • Bleeding"), "cpt4_00632.txt"
    )
    assert [(s.heading, s.canonical) for s in page.sections] == [
        ("Summary", "Summary"),
        ("Risks", "Risks and Complications"),
    ]


def test_headings_without_colon_are_sections() -> None:
    page = parse(lumbar_page("Summary", "A short text.", "Setting", "A hospital."), "x/00632.txt")
    assert [s.heading for s in page.sections] == ["Summary", "Setting"]
    assert section(page, "Setting") == "A hospital."


@pytest.mark.parametrize("heading", ["Risks", "Complications", "Risks & Complications"])
def test_renamed_risk_headings_map_to_the_canonical_section(heading: str) -> None:
    page = parse(lumbar_page(heading, "  • Infection"), "cpt4_00632.txt")
    assert [(s.heading, s.canonical) for s in page.sections] == [
        (heading, "Risks and Complications")
    ]


def test_plain_text_renamed_sections_are_found_by_their_shape() -> None:
    """Real .txt pages rename sections ("After the Test") with nothing but a line of their own."""
    page = parse(
        lumbar_page(
            "Procedure Description",
            "Blood Draw:",
            "  1. A needle is placed in a vein.",
            "Complications",
            "  • A small bruise",
            "Understanding Your Results",
            "  • A high level usually means an underactive thyroid.",
            "After the Test",
            "  • You can eat right away.",
            "Things to Avoid While Wearing the Monitor",
            "  • Do not shower.",
        ),
        "cpt4_84443.txt",
    )
    assert [(s.heading, s.canonical) for s in page.sections] == [
        ("Procedure Description", "Procedure Description"),
        ("Complications", "Risks and Complications"),
        ("Understanding Your Results", "Understanding Your Results"),
        ("After the Test", "Recovery"),
        ("Things to Avoid While Wearing the Monitor", "Things to Avoid While Wearing the Monitor"),
    ]
    assert section(page, "Procedure Description").startswith("Blood Draw:\n1. A needle")


def test_plain_text_capitalised_lines_that_are_not_headings_stay_inside() -> None:
    page = parse(
        lumbar_page(
            "Indications",
            "Patient Criteria",  # right under the heading: the section's own sub-label
            "  • Unable to walk safely",
            "Setting",
            "An outpatient clinic.",
            "Outpatient Surgery Center",  # its words name the section it is in
            "Risks",
            "  • Falls",
            "Call Your Doctor If You Have a Fever or Chills Tonight",  # too long for a heading
            "A Sentence That Ends Like One.",
        ),
        "cpt4_00632.txt",
    )
    assert [s.canonical for s in page.sections] == [
        "Indications",
        "Setting",
        "Risks and Complications",
    ]
    assert section(page, "Indications").startswith("Patient Criteria\n- Unable")
    assert section(page, "Setting") == "An outpatient clinic.\nOutpatient Surgery Center"


def test_missing_sections_are_fine() -> None:
    page = parse(lumbar_page("Duration", "About 1 hour."), "cpt4_00632.txt")
    assert [s.canonical for s in page.sections] == ["Duration"]


def test_trailing_empty_similar_codes_is_dropped() -> None:
    page = parse(lumbar_page("Summary", "Text.", "Similar Codes"), "cpt4_00632.txt")
    assert [s.canonical for s in page.sections] == ["Summary"]


def test_similar_codes_with_a_list_is_a_normal_section() -> None:
    page = parse(
        lumbar_page("Summary", "Text.", "Similar Codes", "  • 00630: Anesthesia, lumbar region"),
        "cpt4_00632.txt",
    )
    assert section(page, "Similar Codes") == "- 00630: Anesthesia, lumbar region"


def test_page_without_section_headings_is_rejected() -> None:
    text = text_page("Search all medical codes", "Some procedure", "It helps a lot.")
    with pytest.raises(IngestError) as error:
        parse(text, "pages/cpt4_00632.txt")
    message = str(error.value)
    assert message.startswith("pages/cpt4_00632.txt: no section headings found")
    assert "'## Summary'" in message


def test_page_whose_headings_were_blanked_keeps_text_under_the_remaining_ones() -> None:
    page = parse(
        lumbar_page("Summary", "What it is.", "", "It relieves pain.", "Duration", "1 hour."),
        "cpt4_00632.txt",
    )
    assert section(page, "Summary") == "What it is.\nIt relieves pain."


def test_page_cut_off_mid_section_keeps_what_it_has() -> None:
    text = lumbar_page("Summary", "Text.", "Recovery", "  • Rest for a day", "  • Avoid lift")
    page = parse(text, "cpt4_00632.txt")
    assert section(page, "Recovery") == "- Rest for a day\n- Avoid lift"


def test_sentence_that_reads_like_a_heading_is_not_one() -> None:
    page = parse(
        lumbar_page("Purpose", "Pain relief.", "Why it is done.", "Recovery."), "x/00632.txt"
    )
    assert section(page, "Purpose") == "Pain relief.\nWhy it is done.\nRecovery."


def test_repeated_section_heading_stays_inside_the_current_section() -> None:
    page = parse(
        lumbar_page(
            "Recovery",
            "  • Rest for a day",
            "Patient Experience",
            "During the procedure: you feel pressure.",
            "After the procedure:",
            "  • Mild soreness",
        ),
        "cpt4_00632.txt",
    )
    assert [s.canonical for s in page.sections] == ["Recovery", "Patient Experience"]
    assert section(page, "Patient Experience").splitlines()[1:] == [
        "After the procedure:",
        "- Mild soreness",
    ]


def test_labelled_sub_blocks_stay_inside_their_section() -> None:
    labels = [
        "Tools used:",
        "Anesthesia:",
        "Patient Criteria:",
        "Goals or Expected Outcomes:",
        "Pre-Procedure Instructions:",
        "Step-by-Step Explanation:",
        "CT Scan:",
        "Blood Draw:",
    ]
    blocks = [block for label in labels for block in (label, "  • Detail")]
    page = parse(
        lumbar_page("Procedure Description", *blocks, "  - Step 1: Check in"), "cpt4_00632.txt"
    )
    expected = [line for label in labels for line in (label, "- Detail")]
    assert [s.canonical for s in page.sections] == ["Procedure Description"]
    assert section(page, "Procedure Description").splitlines() == [*expected, "- Step 1: Check in"]


# --- header ----------------------------------------------------------------------------------


def test_header_chrome_is_dropped() -> None:
    page = parse(NEW_TEMPLATE, "pages/blood-strips.txt")
    assert (page.code, page.code_system) == ("A4253", "HCPCS")
    assert page.title == "Blood Glucose Test Strips"
    assert [s.canonical for s in page.sections] == ["Summary", "Duration"]
    everything = " ".join(s.text for s in page.sections)
    for chrome in ("Codes /", "HCPCSDMEPOS", "HCPCS code", "Diabetic testing", "Name of"):
        assert chrome not in everything


def test_search_line_may_be_absent_and_name_label_may_carry_the_title() -> None:
    text = text_page(
        "Colonoscopy, flexible; diagnostic",
        "CPT4 code",
        "Name of the Procedure: Diagnostic Colonoscopy",
        "Summary",
        "A look inside the colon.",
    )
    page = parse(text, "cpt4_45378.txt")
    assert page.title == "Diagnostic Colonoscopy"


def test_code_prefix_is_stripped_from_the_title() -> None:
    text = text_page("Codes / HCPCS / A4253", "A4253 Blood glucose test strips", "Summary", "S.")
    page = parse(text, "strips.txt")
    assert (page.title, page.code) == ("Blood glucose test strips", "A4253")


def test_title_cut_at_250_characters_is_kept_as_is() -> None:
    long_title = ("Echocardiography, transthoracic, real-time with image documentation " * 4)[:250]
    page = parse(text_page(long_title, "Summary", "An ultrasound."), "cpt4_93306.txt")
    assert page.title == long_title.strip()


def test_page_without_a_title_is_named_by_its_code() -> None:
    assert parse(BODY, "hcpcs_G0121.txt").title == "HCPCS G0121"


def test_text_before_the_first_heading_becomes_the_summary_when_missing() -> None:
    page = parse(
        lumbar_page("A lumbar sympathectomy interrupts nerves.", "Purpose", "Pain."),
        "cpt4_00632.txt",
    )
    assert [(s.heading, s.canonical) for s in page.sections] == [
        ("Summary", "Summary"),
        ("Purpose", "Purpose"),
    ]
    assert section(page, "Summary") == "A lumbar sympathectomy interrupts nerves."


def test_text_before_the_first_heading_is_dropped_when_there_is_a_summary() -> None:
    page = parse(lumbar_page("Stray intro.", "Summary", "The real summary."), "cpt4_00632.txt")
    assert section(page, "Summary") == "The real summary."


# --- alternate names -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lines", "names"),
    [
        (["Common name: Teeth cleaning"], ("Teeth cleaning",)),
        (["Common name(s): Upper endoscopy, EGD"], ("Upper endoscopy", "EGD")),
        (["Technical/Medical term(s): Core needle biopsy"], ("Core needle biopsy",)),
        (["Commonly known as eye injection"], ("eye injection",)),
        (["also known as: lap chole"], ("lap chole",)),
        (["Common name: Safety lens (HCPCS Code: V2784)"], ("Safety lens",)),
        (["Common name(s):\n  • Carpal tunnel release\n  • CTR"], ("Carpal tunnel release", "CTR")),
    ],
)
def test_common_names_are_collected_in_all_forms(lines: list[str], names: tuple[str, ...]) -> None:
    page = parse(lumbar_page(*lines, "Summary", "Text."), "cpt4_00632.txt")
    assert page.common_names == names
    assert section(page, "Summary") == "Text."


def test_common_names_in_title_parentheses_are_taken_out_of_the_title() -> None:
    text = text_page(
        "Lens, polycarbonate or equal, any index, per lens",
        "HCPCS code",
        "Name of the Procedure:",
        "Polycarbonate Eyeglass Lens (also known as: safety lens; HCPCS Code: V2784)",
        "Summary",
        "An impact-resistant lens.",
    )
    page = parse(text, "lens.txt")
    assert page.title == "Polycarbonate Eyeglass Lens"
    assert page.common_names == ("safety lens",)
    assert (page.code, page.code_system) == ("V2784", "HCPCS")


def test_code_reference_line_is_neither_title_nor_name() -> None:
    text = text_page(
        "Search all medical codes",
        "Lens, polycarbonate or equal, any index, per lens",
        "(HCPCS Code: V2784)",
        "HCPCS code",
        "Name of the Procedure:",
        "Polycarbonate Eyeglass Lens (impact-resistant lens, per lens)",
        "Summary",
        "A lens.",
    )
    page = parse(text, "hcpcs_V2784.txt")
    assert page.title == "Polycarbonate Eyeglass Lens (impact-resistant lens, per lens)"
    assert page.common_names == ()


def test_common_names_are_deduplicated_in_order() -> None:
    text = text_page(
        "Total knee arthroplasty (also known as total knee replacement)",
        "CPT4 code",
        "Name of the Procedure:",
        "Total Knee Arthroplasty",
        "Common name(s): Total knee replacement, knee replacement, TKR",
        "Summary",
        "New knee.",
    )
    page = parse(text, "cpt4_27447.txt")
    assert page.common_names == ("total knee replacement", "knee replacement", "TKR")


def test_common_name_headings_never_become_sections() -> None:
    text = "# Echocardiogram\n\n## Summary\n\nAn ultrasound.\n\n## Common names\n\n- Echo\n- TTE\n"
    page = parse(text, "cpt4_93306.md")
    assert [s.canonical for s in page.sections] == ["Summary"]
    assert page.common_names == ("Echo", "TTE")


# --- text normalisation ----------------------------------------------------------------------


def test_intro_line_before_bullets_is_kept() -> None:
    page = parse(
        lumbar_page("Preparation", "Patients should:", "  • Fast for 8 hours", "  • Bring a list"),
        "cpt4_00632.txt",
    )
    assert section(page, "Preparation") == "Patients should:\n- Fast for 8 hours\n- Bring a list"


@pytest.mark.parametrize("marker", ["\u2022", "-", "*", "+", "\u25e6", "\u2013"])
def test_every_bullet_kind_becomes_a_dash(marker: str) -> None:
    page = parse(lumbar_page("Benefits", f"  {marker} Pain relief"), "cpt4_00632.txt")
    assert section(page, "Benefits") == "- Pain relief"


def test_single_line_break_rendering_with_dash_bullets() -> None:
    text = "\n".join(
        [
            "Search all medical codes",
            "Colonoscopy, flexible; diagnostic",
            "CPT4 code",
            "Name of the Procedure:",
            "Colonoscopy, flexible; diagnostic",
            "Summary",
            "A look inside the large bowel.",
            "Procedure Description",
            "Check-in: A nurse places an IV line.",
            "Sedation: Medicine is given through the IV.",
            "Indications",
            "- Blood in the stool",
            "- Anemia",
        ]
    )
    page = parse(text, "cpt4_45378.txt")
    assert [s.canonical for s in page.sections] == [
        "Summary",
        "Procedure Description",
        "Indications",
    ]
    assert section(page, "Procedure Description").count("\n") == 1
    assert section(page, "Indications") == "- Blood in the stool\n- Anemia"


def test_nested_bullets_indent_two_spaces_per_level_up_to_three_levels() -> None:
    page = parse(
        lumbar_page(
            "Summary",
            "  • The 14 tests are grouped as:\n"
            "    • Sugar: glucose\n"
            "      • Fasting glucose\n"
            "        • Too deep to matter\n"
            "    • Kidney tests\n"
            "  • Results in a day",
        ),
        "cpt4_80053.txt",
    )
    assert section(page, "Summary").splitlines() == [
        "- The 14 tests are grouped as:",
        "  - Sugar: glucose",
        "    - Fasting glucose",
        "    - Too deep to matter",
        "  - Kidney tests",
        "- Results in a day",
    ]


def test_steps_with_nested_bullets_keep_their_numbers() -> None:
    page = parse(
        lumbar_page("Procedure Description", "  1. Positioning\n    • Face down\n  2. Incision"),
        "cpt4_00632.txt",
    )
    assert section(page, "Procedure Description") == "1. Positioning\n  - Face down\n2. Incision"


def test_continuation_lines_are_joined_to_their_bullet() -> None:
    page = parse(
        lumbar_page(
            "Risks and Complications",
            "  • Common Risks: Pain, infection,\n    and bruising at the incision site.\n"
            "  • Rare Risks: Nerve damage.",
        ),
        "cpt4_00632.txt",
    )
    assert section(page, "Risks and Complications") == (
        "- Common Risks: Pain, infection, and bruising at the incision site.\n"
        "- Rare Risks: Nerve damage."
    )


def test_stray_hashes_glued_to_a_bullet_are_removed() -> None:
    page = parse(
        lumbar_page("Recovery", "  • Rest for a day#####\n#####  • Walk gently\n#####"),
        "cpt4_00632.txt",
    )
    assert section(page, "Recovery") == "- Rest for a day\n- Walk gently"


def test_blank_line_noise_is_removed() -> None:
    page = parse(
        lumbar_page("Summary\n\n\n\nFirst paragraph.\n\n\n\nSecond paragraph.\n\n\n"),
        "cpt4_00632.txt",
    )
    assert section(page, "Summary") == "First paragraph.\nSecond paragraph."


def test_unicode_is_composed_and_non_breaking_spaces_are_plain() -> None:
    decomposed = (
        "Cafe\u0301-au-lait spots and \u201cn\u00e6vus\u201d\u00a0checks\u2019 r\u00e9sum\u00e9"
    )
    page = parse(lumbar_page("Summary", decomposed), "cpt4_00632.txt")
    assert (
        section(page, "Summary")
        == 'Caf\u00e9-au-lait spots and "n\u00e6vus" checks\' r\u00e9sum\u00e9'
    )


# --- Markdown --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def markdown() -> ProcedurePage:
    return parse(MARKDOWN, "docs/43239-upper-gi-endoscopy-with-biopsy.md")


def test_markdown_headings_bold_and_lists_are_read(markdown: ProcedurePage) -> None:
    assert markdown.title == "Esophagogastroduodenoscopy, flexible, transoral; with biopsy"
    assert (markdown.code, markdown.code_system) == ("43239", "CPT4")
    assert markdown.common_names == ("Upper endoscopy", "EGD")
    assert section(markdown, "Summary") == (
        "An upper endoscopy is a look inside the food pipe with a thin, flexible camera."
    )
    assert section(markdown, "Indications").startswith("- Heartburn that continues")


def test_markdown_deeper_unknown_heading_stays_inside(markdown: ProcedurePage) -> None:
    assert section(markdown, "Procedure Description") == (
        "1. The nurse places an IV line.\n2. You lie on your left side.\n"
        "Tools used\n- Endoscope\n- Biopsy forceps"
    )


def test_markdown_unknown_heading_at_section_level_is_a_renamed_section(
    markdown: ProcedurePage,
) -> None:
    assert [(s.heading, s.canonical) for s in markdown.sections][3:] == [
        ("Aftercare Tips", "Recovery"),  # its words say what it renames
        ("Similar Codes", "Similar Codes"),
    ]


def test_markdown_links_and_inline_html_are_reduced_to_text() -> None:
    text = "# MRI\n\n## Summary\n\nSee [the guide](https://x.org/g) <br> for *details*.\n"
    page = parse(text, "cpt4_70551.md")
    assert section(page, "Summary") == "See the guide for details."


# --- HTML ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def html_page() -> ProcedurePage:
    return parse(HTML, "pages/lap-chole.html")


def test_html_headings_paragraphs_and_lists_are_read(html_page: ProcedurePage) -> None:
    assert html_page.title == "Laparoscopy, surgical; cholecystectomy"
    assert [s.canonical for s in html_page.sections] == [
        "Summary",
        "Preparation",
        "Procedure Description",
    ]
    assert section(html_page, "Procedure Description") == (
        "1. General anesthesia is given.\n"
        "2. The surgeon makes a small cut at the belly button.\n"
        "Anesthesia\nGeneral anesthesia with a breathing tube."
    )


def test_html_nested_lists_and_intro_lines(html_page: ProcedurePage) -> None:
    assert section(html_page, "Preparation").splitlines() == [
        "Patients should:",
        "- Stop eating solid food 8 hours before surgery.",
        "- Ask about blood thinners:",
        "  - aspirin",
        "  - warfarin",
        "    - check INR",
    ]


def test_html_script_style_nav_header_and_footer_are_dropped(html_page: ProcedurePage) -> None:
    everything = " ".join([html_page.title, *(s.text for s in html_page.sections)])
    for hidden in ("dataLayer", "Georgia", "About", "Procedure Guide", "newsletter"):
        assert hidden not in everything
    assert "Recovery" not in [s.canonical for s in html_page.sections]


def test_html_entities_and_line_breaks_are_decoded(html_page: ProcedurePage) -> None:
    assert section(html_page, "Summary") == (
        "Keyhole surgery to remove the gallbladder & its stones.\n"
        "It is the standard operation for painful gallstones."
    )
    assert html_page.common_names == ('Laparoscopic gallbladder removal ("lap chole")',)


def test_html_meta_gives_code_system_and_canonical_url(html_page: ProcedurePage) -> None:
    assert (html_page.code, html_page.code_system) == ("47562", "CPT4")
    assert html_page.url == "https://example.org/code/cpt4/47562-lap-chole"


def test_html_title_tag_is_the_fallback_title() -> None:
    text = (
        "<html><head><title>47562 - Cholecystectomy | Guide</title></head>"
        "<body><h2>Summary</h2><p>Gallbladder removal.</p></body></html>"
    )
    page = parse(text, "page.html")
    assert (page.title, page.code) == ("Cholecystectomy", "47562")


def test_html_is_detected_from_content_whatever_the_suffix() -> None:
    text = "<h1>Chest X-ray</h1>\n<h2>Summary</h2>\n<p>A picture of the chest.</p>"
    page = parse(text, "cpt4_71046.txt")
    assert page.title == "Chest X-ray"
    assert section(page, "Summary") == "A picture of the chest."


# --- codes -----------------------------------------------------------------------------------

FRONT_MATTER = "---\ncode: 00632\ncode_system: CPT4\n---\n"
META = '<meta name="code" content="62323"><meta name="code_system" content="cpt-4">\n'
CANONICAL = '<link rel="canonical" href="https://example.org/code/cpt4/29881-knee-scope">\n'
BREADCRUMB = "Codes / HCPCS / A4253\n\n"
TITLE_WITH_CODE = "E0601 - CPAP device\n\n"
BODY = "Summary\n\nText.\n"
HTML_BODY = "<h2>Summary</h2><p>Text.</p>\n"


@pytest.mark.parametrize(
    ("text", "source", "code"),
    [
        (FRONT_MATTER + META + CANONICAL + HTML_BODY, "hcpcs_G0121.html", "00632"),
        (META + CANONICAL + "<p>Codes / HCPCS / A4253</p>" + HTML_BODY, "G0121.html", "62323"),
        (CANONICAL + "<p>Codes / HCPCS / A4253</p>" + HTML_BODY, "G0121.html", "29881"),
        ("---\nurl: https://x.org/hcpcs/G0008\n---\n" + BREADCRUMB + BODY, "g.txt", "G0008"),
        (BREADCRUMB + TITLE_WITH_CODE + BODY, "hcpcs_G0121.txt", "A4253"),
        (TITLE_WITH_CODE + BODY, "hcpcs_G0121.txt", "E0601"),
        (BODY, "hcpcs_G0121.txt", "G0121"),
    ],
    ids=[
        "front-matter",
        "meta",
        "canonical-url",
        "front-matter-url",
        "breadcrumb",
        "title",
        "file",
    ],
)
def test_code_sources_follow_their_precedence(text: str, source: str, code: str) -> None:
    assert parse(text, source).code == code


@pytest.mark.parametrize(
    ("source", "code", "system"),
    [
        ("data/cpt4_00632.txt", "00632", "CPT4"),
        ("data/hcpcs_G0121.md", "G0121", "HCPCS"),
        ("data/00632-anesthesia-for-lumbar.txt", "00632", "CPT4"),
        ("data/G0121.htm", "G0121", "HCPCS"),
        ("data/g0121.txt", "G0121", "HCPCS"),
        ("C:\\pages\\cpt4_0528F.txt", "0528F", "CPT4"),
        ("https://example.org/code/hcpcs/J1030-steroid-shot", "J1030", "HCPCS"),
    ],
)
def test_code_from_the_file_name_or_url(source: str, code: str, system: str) -> None:
    page = parse(HTML_BODY if source.endswith(".htm") else BODY, source)
    assert (page.code, page.code_system) == (code, system)


def test_open_graph_url_is_used_without_a_canonical_link() -> None:
    text = '<meta property="og:url" content="https://x.org/code/cpt4/93000-ecg">' + HTML_BODY
    page = parse(text, "ecg.html")
    assert (page.code, page.url) == ("93000", "https://x.org/code/cpt4/93000-ecg")


def test_source_url_becomes_the_page_url() -> None:
    source = "https://example.org/code/cpt4/00632-lumbar-sympathectomy"
    assert parse(BODY, source).url == source


def test_hex_hash_file_name_gives_no_code() -> None:
    with pytest.raises(IngestError) as error:
        parse(lumbar_page("Summary", "Text."), "seeds/000_276240e88cb2b8c1.txt")
    message = str(error.value)
    assert message.startswith("seeds/000_276240e88cb2b8c1.txt: no procedure code found;")
    assert "code_system: CPT4" in message and "cpt4_00632.txt" in message


def test_bad_front_matter_code_is_rejected_naming_the_field() -> None:
    with pytest.raises(IngestError) as error:
        parse("---\ncode: XYZ\n---\n" + BODY, "cpt4_00632.txt")
    assert str(error.value) == (
        "cpt4_00632.txt: front matter 'code' value 'XYZ' is not a CPT/HCPCS code; "
        "expected e.g. 00632, 0528F or G0121"
    )


def test_front_matter_tolerates_quotes_and_sets_title_and_url() -> None:
    text = (
        '---\ncode: \'g0121\'\ncode_system: "hcpcs"\ntitle: "Screening colonoscopy"\n'
        "url: https://example.org/code/hcpcs/G0121\n---\n" + BODY
    )
    page = parse(text, "anything.txt")
    assert (page.code, page.code_system, page.title) == ("G0121", "HCPCS", "Screening colonoscopy")
    assert page.url == "https://example.org/code/hcpcs/G0121"


@pytest.mark.parametrize(
    ("declared", "system"),
    [
        ("cpt", "CPT4"),
        ("CPT4", "CPT4"),
        ("cpt-4", "CPT4"),
        ("CPT\u00ae", "CPT4"),
        ("hcpcs", "HCPCS"),
        ("HCPCS Level II", "HCPCS"),
    ],
)
def test_declared_code_system_is_normalised(declared: str, system: str) -> None:
    page = parse(f"---\ncode: 00632\ncode_system: {declared}\n---\n" + BODY, "x.txt")
    assert page.code_system == system


def test_unknown_declared_code_system_is_rejected() -> None:
    with pytest.raises(IngestError, match="front matter 'code_system' value 'ICD10'"):
        parse("---\ncode: 00632\ncode_system: ICD10\n---\n" + BODY, "x.txt")


def test_code_system_line_outranks_the_code_shape() -> None:
    page = parse(text_page("Some device", "HCPCS code", "Summary", "Text."), "00632-device.txt")
    assert page.code_system == "HCPCS"


@pytest.mark.parametrize(
    ("code", "system"), [("0528F", "CPT4"), ("0042T", "CPT4"), ("D1110", "HCPCS")]
)
def test_code_system_is_inferred_from_the_code_shape(code: str, system: str) -> None:
    assert parse(BODY, f"{code}.txt").code_system == system


# --- output is plain text --------------------------------------------------------------------


def test_output_never_keeps_markup() -> None:
    text = (
        "<h1>Test</h1><h2>Summary</h2><p>Safe <b>bold</b> &lt;script&gt;alert(1)&lt;/script&gt;"
        "<script>alert(2)</script></p>"
    )
    page = parse(text, "cpt4_00632.html")
    assert section(page, "Summary") == "Safe bold alert(1)"


# --- files -----------------------------------------------------------------------------------


def test_supported_suffixes() -> None:
    assert frozenset({".txt", ".md", ".markdown", ".html", ".htm"}) == SUPPORTED_SUFFIXES


def test_read_page_rejects_unsupported_suffix(tmp_path: Path) -> None:
    path = tmp_path / "cpt4_00632.pdf"
    path.write_bytes(b"%PDF-1.7")
    with pytest.raises(IngestError, match=r"cpt4_00632\.pdf: unsupported file type '\.pdf'"):
        read_page(path)


@pytest.mark.parametrize("content", [b"", b"  \n\t\r\n  "])
def test_read_page_rejects_empty_files(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "cpt4_00632.txt"
    path.write_bytes(content)
    with pytest.raises(IngestError, match=r"cpt4_00632\.txt: file is empty"):
        read_page(path)


def test_read_page_rejects_binary_files(tmp_path: Path) -> None:
    path = tmp_path / "cpt4_00632.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(IngestError, match=r"cpt4_00632\.txt: looks like a binary file"):
        read_page(path)


def test_read_page_reports_unreadable_files(tmp_path: Path) -> None:
    path = tmp_path / "cpt4_00632.txt"
    path.mkdir()
    with pytest.raises(IngestError, match=r"cpt4_00632\.txt: cannot be read"):
        read_page(path)


def test_read_page_decodes_legacy_cp1252(tmp_path: Path) -> None:
    path = tmp_path / "cpt4_00632.txt"
    path.write_bytes(lumbar_page("Summary", "The patient\u2019s caf\u00e9 visit.").encode("cp1252"))
    assert section(read_page(path), "Summary") == "The patient's caf\u00e9 visit."


def test_read_page_decodes_utf8_with_bom_and_utf16(tmp_path: Path) -> None:
    text = lumbar_page("Summary", "R\u00e9sum\u00e9 of the visit.")
    with_bom = tmp_path / "cpt4_00632.txt"
    with_bom.write_bytes(codecs.BOM_UTF8 + text.encode())
    utf16 = tmp_path / "cpt4_00632.md"
    utf16.write_bytes(text.encode("utf-16"))
    for path in (with_bom, utf16):
        page = read_page(path)
        assert page.title == "Lumbar Sympathectomy"
        assert section(page, "Summary") == "R\u00e9sum\u00e9 of the visit."


def test_page_whose_sections_are_all_empty_is_an_error():
    with pytest.raises(IngestError, match="every section is empty"):
        parse("# T\n## Summary\n## Duration\n", "10016-empty.md")


@pytest.mark.parametrize(
    ("heading", "canonical"),
    [
        ("After the Test", "Recovery"),
        ("After Your Session", "Recovery"),
        ("How the Test Is Done", "Procedure Description"),
        ("Before Your Visit", "Preparation"),
        ("Possible Side Effects", "Risks and Complications"),
        ("Who Performs the Scan", "Personnel"),
        ("Other Options", "Alternatives"),
        ("How a Session Works", "Procedure Description"),
        ("Setup and Use", "Procedure Description"),
        ("How It's Given", "Procedure Description"),
        ("What Happens in a Session", "Procedure Description"),
        ("Care at Home", "Recovery"),
        ("Other Treatment Options", "Alternatives"),
        ("Who Qualifies", "Indications"),
        ("Reasons for Removal", "Indications"),
        ("Your Surgical Team", "Personnel"),
        ("Who's Involved", "Personnel"),
        ("What It's For", "Purpose"),
        ("Understanding Your Results", None),
        ("Getting Fitted", None),
    ],
)
def test_renamed_headings_map_by_their_words(heading: str, canonical: str | None) -> None:
    assert renamed_section(heading) == canonical


def test_header_names_in_a_bullet_and_under_a_front_matter_title_are_common_names():
    page = parse(
        "---\ncode: J1050\nsystem: HCPCS\ntitle: Injection, medroxyprogesterone acetate, 1 mg\n"
        "---\n\n# Injection, medroxyprogesterone acetate, 1 mg\n\n"
        "Name of the Procedure: Medroxyprogesterone Injection (Depo-Provera)\n\n"
        "- Commonly known as: the birth control shot, Depo shot\n"
        "- Billed per 1 mg.\n\n"
        "## Summary\n\nA contraceptive shot given every 13 weeks.\n\n"
        "## Duration\n\n- Also known as the quick part: a few seconds.\n",
        "hcpcs_J1050.md",
    )
    assert page.title == "Injection, medroxyprogesterone acetate, 1 mg"
    assert page.common_names == (
        "Medroxyprogesterone Injection (Depo-Provera)",
        "the birth control shot",
        "Depo shot",
    )
    assert "Also known as the quick part" in page.sections[-1].text  # a bullet in a section
