"""Synthetic procedure pages in the seed format, for corpus sizes the samples cannot reach.

Page `i` depends only on (seed, i), never on N, so the 1,000-page corpus is exactly the first
1,000 pages of the 10,000-page one: vectors embedded for real at the small size can be reused
at the large one (see embedders.py), and a figure at one size is comparable with the next.

Pages vary the way the published ones do (DESIGN.md): two renderings (blank-line blocks with
`  • ` bullets and numbered steps, or single line breaks with `- ` bullets), optional header
lines, alternative section headings, optional sections, long step lists that the chunker must
split, and a tail of rare words. Sizes mirror the samples: ~14 chunks a page, ~70 words each.
"""

from __future__ import annotations

import json
import random
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from assistant.sections import CANONICAL_SECTIONS
from benchmarks import vocab as v
from benchmarks.quality_bench import QUESTION_SETS

SEED = 20261125
HCPCS_LETTERS = "ACGJLV"
# Every page folder of the evaluation sets (the sample content first).
SAMPLE_DIRS = tuple(dict.fromkeys(f for _, folders in QUESTION_SETS.values() for f in folders))
_HEADING_ALIASES = {
    "Summary": ("Overview", "Description"),
    "Purpose": ("Purpose of the Procedure", "Why It Is Done"),
    "Preparation": ("How to Prepare", "Before the Procedure"),
    "Procedure Description": ("How It Is Done", "Procedure Steps"),
    "Duration": ("How Long It Takes",),
    "Setting": ("Location", "Where It Is Done"),
    "Personnel": ("Care Team", "Who Performs It"),
    "Risks and Complications": ("Risks", "Complications", "Possible Complications"),
    "Recovery": ("Aftercare", "Recovery and Aftercare"),
    "Alternatives": ("Other Options",),
    "Patient Experience": ("What to Expect",),
}
_STAYS = ("the same day", "after one night", "within 2 days")
_OPTIONAL = frozenset(
    {"Personnel", "Risks and Complications", "Benefits", "Alternatives", "Patient Experience"}
)


@dataclass(frozen=True)
class SyntheticPage:
    index: int
    code: str
    code_system: str
    title: str
    filename: str
    text: str


def reserved_codes(root: Path) -> frozenset[str]:
    """Codes of the bundled and held-out pages: a synthetic page must never take one, because
    sync refuses a second page for a code (exact code lookup needs one page per code)."""
    from ingest.parse import read_page

    codes: set[str] = set()
    for folder in SAMPLE_DIRS:
        for path in sorted((root / folder).glob("*")):
            try:
                codes.add(read_page(path).code)
            except (OSError, ValueError):
                continue
    return frozenset(codes)


def page_code(index: int, reserved: frozenset[str]) -> tuple[str, str]:
    """(system, code) of page `index`: CPT4 1xxxx upwards, every tenth page HCPCS, none of
    them reserved. Depends on the index only, so every corpus size agrees on it."""
    if index % 10 == 9:
        j = index // 10
        return "HCPCS", f"{HCPCS_LETTERS[j % 6]}{5000 + j // 6:04d}"
    number = 10000 + index - (index + 1) // 10
    for taken in sorted(int(c) for c in reserved if c.isdigit() and len(c) == 5):
        if taken <= number:
            number += 1
    return "CPT4", f"{number:05d}"


def _fill(template: str, rng: random.Random) -> str:
    days, weeks = rng.randint(2, 14), rng.randint(1, 6)
    return template.format(days=days, weeks=weeks, weeks2=weeks + rng.randint(2, 6), hours=8)


def _article(phrase: str) -> str:
    return f"{'an' if phrase[:1].lower() in 'aeiou' else 'a'} {phrase}"


def _clause(text: str, rng: random.Random, p: float = 0.85) -> str:
    """A bullet with, often, a second half: real bullets run to a sentence or two."""
    if rng.random() >= p:
        return text
    return f"{text.rstrip('.')}, {rng.choice(v.CLAUSES)}."


def _title(rng: random.Random) -> tuple[str, str, str]:
    proc, what = rng.choice(v.PROCEDURES)
    part = rng.choice(v.BODY_PARTS)
    title = f"{proc}, {part}"
    if rng.random() < 0.6:
        title += f"; {rng.choice(v.APPROACHES)}"
    if rng.random() < 0.5:
        title += f", {rng.choice(v.QUALIFIERS)}"
    return title, f"{proc.lower()} of the {part}", what


def _section_body(name: str, rng: random.Random, ctx: dict[str, str]) -> list[tuple[str, str]]:
    """(kind, text) lines of one section: kind is 'p' (paragraph), 'b' (bullet) or 's' (step)."""
    plain, what, cond, rare, part = (
        ctx["plain"],
        ctx["what"],
        ctx["condition"],
        ctx["rare"],
        ctx["part"],
    )

    def pick(pool: Sequence[str], lo: int, hi: int) -> list[str]:
        return rng.sample(pool, min(len(pool), rng.randint(lo, hi)))

    def bullets(items: Sequence[str]) -> list[tuple[str, str]]:
        return [("b", _clause(_fill(item, rng), rng)) for item in items]

    if name == "Summary":
        lines = [
            f"{_article(plain).capitalize()} is {what} used to treat or diagnose {cond}.",
            f"It is usually done with {rng.choice(v.TOOLS)} as {_article(rng.choice(v.APPROACHES))}"
            " procedure, and the doctor explains each step beforehand.",
            f"Some centers use the {rare} technique, which aims to shorten recovery and reduce "
            f"scarring around the {part}.",
            f"Most people go home {rng.choice(_STAYS)}, {rng.choice(v.CLAUSES)}.",
            f"It is one of several options for {rng.choice(v.CONDITIONS)} of the {part}.",
        ]
        return [("p", " ".join(lines[: rng.randint(3, 5)]))]
    if name == "Purpose":
        text = (
            f"The goal is to relieve {cond} and to restore normal function of the {part}. "
            f"It can also confirm a diagnosis when scans leave doubt, and it may prevent "
            f"{rng.choice(v.CONDITIONS)} later on."
        )
        if rng.random() < 0.6:
            text += f" For many patients the main aim is {rng.choice(v.BENEFITS)}."
        return [("p", text)]
    if name == "Indications":
        return bullets([c.capitalize() for c in pick(v.CONDITIONS, 3, 7)])
    if name == "Preparation":
        return bullets(pick(v.PREP, 3, 6))
    if name == "Procedure Description":
        steps = [
            f"Anesthesia: {rng.choice(['general', 'local', 'regional', 'sedation with local'])}"
            " anesthesia is given so that you stay comfortable.",
            f"Positioning: you lie {rng.choice(['on your back', 'on your side', 'face down'])} "
            f"and the skin over the {part} is cleaned with antiseptic.",
            f"Access: the doctor reaches the {part} using {rng.choice(v.TOOLS)}.",
            f"Main step: {what} is carried out, checking progress with {rng.choice(v.TOOLS)}.",
            f"Checks: the area is inspected for bleeding and {rng.choice(v.TOOLS)} may be left.",
            "Closure: the opening is closed and a sterile dressing is applied.",
        ]
        extra = [
            f"Step detail {k}: the {rare} method adds {rng.choice(v.TOOLS)} to protect "
            f"nearby tissue of the {rng.choice(v.BODY_PARTS)} while {what} continues carefully."
            for k in range(rng.choice([0, 0, 1, 3, 6, 10]))
        ]
        return [("s", _clause(t, rng, 0.4)) for t in [*steps[:3], *extra, *steps[3:]]]
    if name == "Duration":
        text = f"The procedure usually takes {rng.choice(v.DURATIONS)}."
        if rng.random() < 0.7:
            text += (
                f" Including check-in and recovery, plan to spend {rng.randint(2, 6)} hours at"
                f" the center, {rng.choice(v.CLAUSES)}."
            )
        return [("p", text)]
    if name == "Setting":
        stay = rng.choice(["Most people go home the same day.", "An overnight stay may be needed."])
        return [("p", f"It is performed in {rng.choice(v.SETTINGS)}. {stay}")]
    if name == "Personnel":
        return bullets([f"{r}: {d}." for r, d in rng.sample(v.ROLES, rng.randint(2, 4))])
    if name == "Risks and Complications":
        return bullets([r.capitalize() for r in pick(v.RISKS, 3, 7)])
    if name == "Benefits":
        return bullets([b.capitalize() for b in pick(v.BENEFITS, 3, 5)])
    if name == "Recovery":
        return bullets(pick(v.RECOVERY, 3, 6))
    if name == "Alternatives":
        return bullets(pick(v.ALTERNATIVES, 2, 4))
    if name == "Patient Experience":
        return bullets(pick(v.EXPERIENCE, 2, 4))
    return [("b", line) for line in ctx["similar"].splitlines()]


def _render(
    sections: list[tuple[str, list[tuple[str, str]]]], header: list[str], blank: bool
) -> str:
    out = list(header)
    for heading, body in sections:
        out.append(heading)
        step = 0
        for kind, text in body:
            if kind == "p":
                out.append(text)
            elif kind == "s" and blank:
                step += 1
                out.append(f"  {step}. {text}")
            else:
                out.append(f"  • {text}" if blank else f"- {text}")
    return ("\n\n" if blank else "\n").join(out) + "\n"


def make_page(index: int, reserved: frozenset[str], seed: int = SEED) -> SyntheticPage:
    rng = random.Random(f"{seed}:{index}")
    system, code = page_code(index, reserved)
    title, plain, what = _title(rng)
    ctx = {
        "plain": plain,
        "what": what,
        "part": plain.split(" of the ", 1)[1],
        "condition": rng.choice(v.CONDITIONS),
        "rare": v.pseudo_word(rng),
        "similar": "\n".join(
            f"{page_code(j, reserved)[1]}: related procedure"
            for j in rng.sample(range(max(index, 1) * 2 + 10), rng.randint(1, 3))
        ),
    }
    header = [f"{title}", f"{system} code", "Name of the Procedure:", title]
    if rng.random() < 0.25:
        header.insert(1, f"Common name: {ctx['rare']} {plain}")
    if rng.random() < 0.8:
        header.insert(0, "Search all medical codes")
    sections = []
    for name in CANONICAL_SECTIONS:
        if name in _OPTIONAL and rng.random() < 0.1:
            continue
        heading = name
        if name in _HEADING_ALIASES and rng.random() < 0.2:
            heading = rng.choice(_HEADING_ALIASES[name])
        sections.append((heading, _section_body(name, rng, ctx)))
    text = _render(sections, header, blank=rng.random() < 0.6)
    filename = f"{system.lower()}_{code}.txt"
    return SyntheticPage(index, code, system, title, filename, text)


def write_corpus(
    folder: Path, n: int, reserved: frozenset[str], seed: int = SEED
) -> list[SyntheticPage]:
    """Write N pages into a fresh `folder` (anything there before is removed)."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    pages = [make_page(i, reserved, seed) for i in range(n)]
    for page in pages:
        (folder / page.filename).write_text(page.text, encoding="utf-8")
    return pages


def mutate(folder: Path, filenames: Sequence[str], share: float, seed: int = SEED) -> list[Path]:
    """Edit `share` of the pages in place (a sentence added at the end), as a staff update
    would, so the next sync has exactly those pages to re-chunk and re-embed."""
    rng = random.Random(f"{seed}:mutate")
    chosen = rng.sample(sorted(filenames), max(1, round(len(filenames) * share)))
    paths = []
    for name in chosen:
        path = folder / name
        with path.open("a", encoding="utf-8") as handle:
            handle.write(f"\nUpdated guidance {rng.randint(1, 10**6)}: ask your care team.\n")
        paths.append(path)
    return paths


def generated_questions(pages: Sequence[SyntheticPage], n: int, seed: int = SEED) -> list[dict]:
    """Eval cases about synthetic pages (the golden set needs the sample pages): one of each
    route the assistant takes (name, code, follow-up, out of scope), round robin."""
    rng = random.Random(f"{seed}:questions")
    cases: list[dict] = []
    for k in range(n):
        page = rng.choice(list(pages))
        name = page.title.split(";")[0].split(",")
        plain = f"{name[0].lower()} of the {name[1].strip()}" if len(name) > 1 else name[0]
        kind = k % 4
        case: dict = {"id": f"synthetic-{k:04d}", "expected_code": page.code}
        if kind == 0:
            case |= {
                "question": f"how long does {_article(plain)} take",
                "expected_section": "Duration",
            }
        elif kind == 1:
            case |= {"question": f"what is {page.code}?", "expected_section": "Summary"}
        elif kind == 2:
            case |= {
                "question": "where is it done?",
                "history": [f"I need {_article(plain)}"],
                "expected_section": "Setting",
            }
        else:
            case = {
                "id": f"synthetic-{k:04d}",
                "question": "who won the football match yesterday",
                "expected_outcome": "out_of_scope",
            }
        cases.append(case)
    return cases


def write_questions(path: Path, cases: Sequence[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(c) + "\n" for c in cases), encoding="utf-8")
    return path
