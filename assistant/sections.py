"""The canonical section vocabulary shared by ingest, retrieval and evaluation.

Pages name their sections in many ways ("Risks", "Complications", "What to expect"); everything
downstream compares canonical names, while the page's own heading is kept for display.
"""

from __future__ import annotations

import re

SUMMARY = "Summary"
PURPOSE = "Purpose"
INDICATIONS = "Indications"
PREPARATION = "Preparation"
PROCEDURE = "Procedure Description"
DURATION = "Duration"
SETTING = "Setting"
PERSONNEL = "Personnel"
RISKS = "Risks and Complications"
BENEFITS = "Benefits"
RECOVERY = "Recovery"
ALTERNATIVES = "Alternatives"
EXPERIENCE = "Patient Experience"
SIMILAR = "Similar Codes"

CANONICAL_SECTIONS: tuple[str, ...] = (
    SUMMARY,
    PURPOSE,
    INDICATIONS,
    PREPARATION,
    PROCEDURE,
    DURATION,
    SETTING,
    PERSONNEL,
    RISKS,
    BENEFITS,
    RECOVERY,
    ALTERNATIVES,
    EXPERIENCE,
    SIMILAR,
)

# Alternative headings seen on real pages, normalised (lower case, letters and spaces only).
_ALIASES: dict[str, str] = {
    "summary": SUMMARY,
    "overview": SUMMARY,
    "description": SUMMARY,
    "what is it": SUMMARY,
    "about the procedure": SUMMARY,
    "purpose": PURPOSE,
    "purpose of the procedure": PURPOSE,
    "why it is done": PURPOSE,
    "why its done": PURPOSE,
    "goals": PURPOSE,
    "indications": INDICATIONS,
    "indication": INDICATIONS,
    "who needs it": INDICATIONS,
    "when it is used": INDICATIONS,
    "preparation": PREPARATION,
    "preparations": PREPARATION,
    "how to prepare": PREPARATION,
    "before the procedure": PREPARATION,
    "pre procedure preparation": PREPARATION,
    "patient preparation": PREPARATION,
    "procedure description": PROCEDURE,
    "procedure": PROCEDURE,
    "description of the procedure": PROCEDURE,
    "procedure details": PROCEDURE,
    "procedure steps": PROCEDURE,
    "how it is done": PROCEDURE,
    "how its done": PROCEDURE,
    "what happens during the procedure": PROCEDURE,
    "duration": DURATION,
    "how long it takes": DURATION,
    "length of procedure": DURATION,
    "procedure duration": DURATION,
    "time required": DURATION,
    "setting": SETTING,
    "location": SETTING,
    "where it is done": SETTING,
    "where its done": SETTING,
    "place of service": SETTING,
    "personnel": PERSONNEL,
    "staff": PERSONNEL,
    "care team": PERSONNEL,
    "who performs it": PERSONNEL,
    "who performs the procedure": PERSONNEL,
    "personnel involved": PERSONNEL,
    "risks and complications": RISKS,
    "risks": RISKS,
    "complications": RISKS,
    "risks and side effects": RISKS,
    "side effects": RISKS,
    "possible complications": RISKS,
    "potential risks": RISKS,
    "benefits": BENEFITS,
    "expected benefits": BENEFITS,
    "advantages": BENEFITS,
    "recovery": RECOVERY,
    "aftercare": RECOVERY,
    "after the procedure": RECOVERY,
    "post procedure care": RECOVERY,
    "recovery and aftercare": RECOVERY,
    "alternatives": ALTERNATIVES,
    "alternative treatments": ALTERNATIVES,
    "alternative options": ALTERNATIVES,
    "other options": ALTERNATIVES,
    "patient experience": EXPERIENCE,
    "what to expect": EXPERIENCE,
    "what you will feel": EXPERIENCE,
    "patient comfort": EXPERIENCE,
    "similar codes": SIMILAR,
    "related codes": SIMILAR,
    "similar procedures": SIMILAR,
}


def normalise_heading(heading: str) -> str:
    """Reduce a heading to lower-case words so that punctuation and case never matter."""
    text = heading.lower().replace("\u2019", "'").replace("'", "")
    text = text.replace("&", " and ")
    return " ".join(re.findall(r"[a-z]+", text))


def canonical_section(heading: str) -> str | None:
    """The canonical name for a page heading, or None when the heading is not a known section."""
    return _ALIASES.get(normalise_heading(heading))


# What a renamed heading's words say it holds ("After the Test", "How the Scan Is Done"), tried
# in order; a heading none of them fits keeps its own name and gets no section boost.
_RENAMED: tuple[tuple[str, str], ...] = (
    (r"\bcodes?\b", SIMILAR),
    (r"\balternatives?\b|\bother (\w+ )?options\b|\binstead\b", ALTERNATIVES),
    (r"\brisks?\b|\bcomplications?\b|\bside effects?\b|\bsafety\b|\bwarnings?\b", RISKS),
    (r"\bbenefits?\b|\badvantages?\b", BENEFITS),
    (r"\bbefore\b|\bprepar\w*|\bgetting ready\b", PREPARATION),
    (r"\bafter\b|\baftercare\b|\brecover\w*|\bhome care\b|\bat home\b|\bfollow ?up\b", RECOVERY),
    (r"\bhow long\b|\bduration\b|\blength\b", DURATION),
    (
        r"\bhow (it|its|this|the \w+|an? \w+) (is |are )?(done|performed|given|used|placed)\b"
        r"|\bduring\b|\bsteps?\b|\bhow to use\b|\bwhat happens\b"
        r"|\bhow (it|the \w+|this|an? \w+) works?\b|\bset ?up\b|^the procedure$",
        PROCEDURE,
    ),
    (r"\bwhat (to|you can|you will) expect\b|\bwhat it feels\b|\bexperience\b", EXPERIENCE),
    (r"\bwho\b.*\b(performs?|does|leads?|involved)\b|\bwhos involved\b|\bteam\b", PERSONNEL),
    (r"\bwhere\b", SETTING),
    (
        r"\bcandidates?\b|\beligib\w*|\bcriteria\b|\bqualif\w*|\bwho (needs|should)\b"
        r"|\bwho (it|this) helps\b|\breasons?\b",
        INDICATIONS,
    ),
    (r"\bwhy\b|\bgoals?\b|\bpurpose\b|\bwhat (its|it is) for\b", PURPOSE),
    (r"\boverview\b|\bwhat is\b", SUMMARY),
)


def renamed_section(heading: str) -> str | None:
    """The canonical section a heading that is not a known alias most likely renames."""
    text = normalise_heading(heading)
    return _ALIASES.get(text) or next(
        (section for pattern, section in _RENAMED if re.search(pattern, text)), None
    )


def same_section(a: str, b: str) -> bool:
    """Compare two section names the way evaluation does: by canonical name, else case-blind."""
    ca, cb = canonical_section(a), canonical_section(b)
    if ca and cb:
        return ca == cb
    return normalise_heading(a) == normalise_heading(b)
