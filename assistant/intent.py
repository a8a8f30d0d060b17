"""Which sections a question is probably about, from the way patients phrase questions.

The result is a boost for retrieval, never a filter: a question can match several sections
and the dense and keyword scores still decide between close candidates.
"""

from __future__ import annotations

import functools
import re

from assistant import sections as s
from assistant.text import fold, terms

STRONG, CUE = 1.0, 0.4
# What follows "where" when the question asks where on the body, not where to go.
_ON_THE_BODY = (
    r" (do|does|will|would|did) (they|you|the \w+|he|she) (usually )?"
    r"(give|inject|put|insert|place|cut|stick|make the|take the sample)"
)

# (pattern, section, weight) on fold()ed text (lower case, no apostrophes). STRONG patterns are
# phrasings that name what is asked ("what could go wrong"); CUE patterns are words that only
# lean towards a section ("infection", "hospital").
_RULES: tuple[tuple[str, str, float], ...] = (
    # "how long does the relief last" asks about benefits, "how long do tubes stay in" about
    # recovery, "the usual reasons people get one" about indications.
    (r"\bhow long (does|do|will|did|would) .*\blasts?\b", s.BENEFITS, STRONG),
    (r"\bhow long (does|do|will|did|would) .*\bstay in\b", s.RECOVERY, STRONG),
    (r"\breasons? (for|to|why|people|ppl|someone|somebody|you)\b", s.INDICATIONS, STRONG),
    (r"\breasons?\b", s.PURPOSE, CUE),
    # Recovery before duration: "how long until i can drive" asks about recovery.
    (
        r"\b(recover\w*|heal\w*|downtime|time off|back to (normal|work|school|the gym)|"
        r"return(ing)? to (work|normal|activit\w*|school)|off work|bed ?rest|drive|driving|"
        r"how soon can|when (can|could) (i|he|she|they|we|u)|when will (i|he|she|they|we) be able|"
        r"how long (until|till|before|til) (i|he|she|they|we)|"
        r"miss(ing)? (school|work|class)|(school|work|class)\b.{0,25}\bmiss|get(ting)? used to|"
        r"adjust(ing)? to)\b",
        s.RECOVERY,
        STRONG,
    ),
    (
        r"\b(lift\w*|shower\w*|bath(e|ing)?|swim\w*|exercis\w*|work ?out|gym|sex|fly|flying|"
        r"travel\w*|go(ing)? home|same day|stay overnight|ride|after\W*$)\b",
        s.RECOVERY,
        CUE,
    ),
    (
        r"\bhow (long|much time|many (minutes|hours|days|weeks|months))\b"
        r"(?!.*\b(until|till|til|before i|recover\w*|heal\w*|off|last|lasts|stay in|used to|"
        r"adjust\w*)\b)|\bhow (fast|quick|quickly|soon) (do|does|is|are|will)\b",
        s.DURATION,
        STRONG,
    ),
    (r"\b(duration|take long|takes long|minutes?|hours?|quick|length of)\b", s.DURATION, CUE),
    (
        r"\b(prepare|preparation|prep|get ready|(?<!how )fast|fasting|empty stomach|"
        r"(eat|drink|food|take)\w* (anything |the (days?|night) )?before|before (the|my|this|it|i|"
        r"surgery|procedure|test|scan|exam)|beforehand|ahead of time|bowel prep|"
        r"(night|days?) before)\b",
        s.PREPARATION,
        STRONG,
    ),
    (
        r"\b(eat\w*|ate|food|drink\w*|bring|wear|laxative|stop (taking|my)|blood thinners?|"
        r"medications?|meds|pills?|insulin|aspirin|appointment)\b",
        s.PREPARATION,
        CUE,
    ),
    (
        r"\b(awake|asleep|knocked out|put (me )?under|conscious|hurts?|hurting|painful|"
        r"what.*(be|is it|feel) like|(feel|notice) (it|anything|pain)|uncomfortable|sedat\w*)\b",
        s.EXPERIENCE,
        STRONG,
    ),
    (
        r"\b(pain|feel\w*|felt|discomfort|sore|scar(y|ed)|nervous|anxious|claustrophob\w*|"
        r"noisy|loud|noise|sensation|sting\w*|numb\w*|sleep|anesthe\w*|anaesthe\w*)\b",
        s.EXPERIENCE,
        CUE,
    ),
    (
        r"\b(risk\w*|go wrong|goes wrong|side ?effects?|complications?|dangerous|danger|safe|"
        r"safety|what could happen|chances? of|(move[sd]?|slip\w*|shift\w*) out of place|"
        r"come[s]? (loose|out)|fall[s]? out|dislodg\w*|wear[s]? out|"
        r"(is|are) (it|that|this|these|an?|the|my|some)\b[\w ]{0,30}\bnormal)\b",
        s.RISKS,
        STRONG,
    ),
    (
        r"\b(harm\w*|bad things|problems?|infection|bleed\w*|allerg\w*|damage|tear|radiation)\b",
        s.RISKS,
        CUE,
    ),
    (
        r"\b(alternatives?|other (options?|ways?|choices?|treatments?)|instead|something else|"
        r"without (surgery|an? |the )|skip|avoid (the|this|it)|what else)\b",
        s.ALTERNATIVES,
        STRONG,
    ),
    (
        r"\b(who (will |would |is going to )?(do|does|doing|perform\w*|carr\w*|be (there|in))|"
        r"what (kind|type) of (doctor|specialist|provider))\b|^\W*who\b",
        s.PERSONNEL,
        STRONG,
    ),
    (
        r"\b(doctors?|surgeons?|nurses?|specialists?|staff|team|technician|tech|dentist|"
        r"radiologist|anesthesiologist)\b",
        s.PERSONNEL,
        CUE,
    ),
    # "where do they give the shot" asks where on the body, "where do they do it" where to go.
    (rf"\bwhere{_ON_THE_BODY}|\bwhere on (the|my|your|his|her) body\b", s.PROCEDURE, STRONG),
    (rf"\bwhere\b(?!{_ON_THE_BODY}| on (the|my|your|his|her) body\b)", s.SETTING, STRONG),
    (
        r"\b(hospital|clinic|office|outpatient|inpatient|surgery center|surgical center|at home|"
        r"location|facility|lab)\b",
        s.SETTING,
        CUE,
    ),
    (
        r"\b(why (would|do|does|is|should|did|might)|purpose|what (is it|its|is this) for|"
        r"what does (it|this|that) (do|treat|fix|check|show|test|look for|measure|help)|"
        r"goal|point of|used for|needed for)\b|\bfor\W*$",
        s.PURPOSE,
        STRONG,
    ),
    (
        r"\b(who (needs|should (get|have)|gets|qualifies|is it for)|candidate|eligible|"
        r"when (is it|would|do you|should)|do i (really )?need (an?|the|this|it|one)\b|"
        r"need (one|this|it))\b",
        s.INDICATIONS,
        STRONG,
    ),
    (r"\b(why|conditions?|symptoms?|indicat\w*|recommended)\b", s.INDICATIONS, CUE),
    (
        r"\b(benefits?|advantages?|worth it|will it help|pros|will (it|this|that|my|his|her|their"
        r"|the) (\w+ ){0,2}(get better|improve))\b",
        s.BENEFITS,
        STRONG,
    ),
    (r"\b(help (me|with)|good for|improve\w*|results?|success|effective|last)\b", s.BENEFITS, CUE),
    (
        r"\b(how (is|does|do) (it|they|the|this|you)\b.*\b(done|work|performed|do it|happen)|"
        r"what happens|steps?|what do they do|what will they do|process|involve\w*)\b",
        s.PROCEDURE,
        STRONG,
    ),
    (r"\b(during (the|my|it)|cut|incision|stitches|needle|camera|scope|tube)\b", s.PROCEDURE, CUE),
    (
        r"^\s*(what\s+(is|are)|whats)\s+(an?\s+|the\s+)?\w|\b(what (is|are)|whats) (it|that|this)"
        r"( exactly| even)?\W*$|\b(tell me about|explain|"
        r"meaning|what does .*\bmean\W*$|define|definition|overview|in simple terms)\b",
        s.SUMMARY,
        0.8,
    ),
    (
        r"\b(similar|related|other) (codes?|procedures?)\b|\b((different|another|other|separate|"
        r"same|new) (billing )?code|is there a (billing )?code|(what|which|whats the|what is the) "
        r"(billing )?code|code (for|if|when))\b",
        s.SIMILAR,
        STRONG,
    ),
)

_COMPILED = tuple((re.compile(p), section, w) for p, section, w in _RULES)
_WORD = re.compile(r"[a-z0-9]+")

# Plain words for a topic -> the words pages use for it. Pages keep such a topic in different
# sections ("Anesthesia:" under the procedure on one page, "you are awake" under the
# experience on another), so these go to the keyword search, not to the section boost.
_TOPICS: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(
            r"\b(awake|asleep|put (me |him |her |you |them )?under|knocked out|sedat\w*|"
            r"anesthe\w*|anaesthe\w*|go(ing)? to sleep|numb(ed|ing)? (me|it|the area))\b"
        ),
        "anesthesia anesthetic sedation sedative awake asleep general local",
    ),
)


# A result to read: a value, a finding or a verdict ("my inr was 4.1, what does that mean",
# "came back positive", "whats a normal inr"). No canonical section holds these: pages that
# answer them give results a heading of their own ("Results", "Understanding Your Results").
_RESULT = re.compile(
    r"\b(results?|came back (at |as )?(\d+|normal|abnormal|high|low|positive|negative|elevated"
    r"|borderline|clear|fine|ok)|report (says|said|shows?|showed)|normal (range|levels?|values?)"
    r"|what( i|)s (a )?normal"
    r"|(was|were|is|came out) (normal|abnormal|high|low|positive|negative|elevated|borderline)"
    r"|what (does|do) \w+ \d+\w* mean)\b"
    r"|\d.*\bwhat (does|do) (that|it|this|those|these) mean\b"
)


_WHEN = re.compile(r"\b(when|how (long|soon|fast|quickly))\b")


def asks_for_results(question: str) -> bool:
    """Whether the question asks what a result is or means. "When will the results come
    back" asks about timing, which pages keep with the duration as often as with results."""
    text = fold(question)
    match = _RESULT.search(text)
    if match is None:
        return False
    return not (match.group(1) in ("result", "results") and _WHEN.search(text))


def topic_words(question: str) -> str:
    """The page words for the topics a question asks about in plain words, or ""."""
    text = fold(question)
    return " ".join(page_words for pattern, page_words in _TOPICS if pattern.search(text))


@functools.lru_cache(maxsize=256)  # asked twice per search: the page words, the rare terms
def asking_terms(question: str) -> frozenset[str]:
    """Terms of the words with which a question says what it asks ("is it risky"): they never
    point at one page, even when only one page happens to use them."""
    text = fold(question)
    spans = [m.span() for pattern, _, _ in _COMPILED for m in pattern.finditer(text)]
    inside = [
        word.group()
        for word in _WORD.finditer(text)
        if any(a <= word.start() and word.end() <= b for a, b in spans)  # "what is d" keeps "dry"
    ]
    return frozenset(terms(" ".join(inside)))


def section_intents(question: str) -> dict[str, float]:
    """Canonical section → boost in [0, 1]; empty when the phrasing names no section."""
    text = fold(question)
    weights: dict[str, float] = {}
    for pattern, section, weight in _COMPILED:
        if pattern.search(text):
            weights[section] = max(weights.get(section, 0.0), weight)
    if (
        re.search(r"\bafter\b", text)
        and not re.search(r"\bbefore\b", text)
        and weights.get(s.RISKS, 0.0) < STRONG
        and weights.get(s.BENEFITS, 0.0) < STRONG
    ):
        # "can i eat after" leans towards recovery, whatever the verb; "sore the day after, is
        # that normal" asks about a side effect, "will his hearing improve after" the benefit.
        # Only a lean: the section classifier weighs "after" in context ("can the boil come
        # back after they drain it" asks about a risk).
        weights[s.RECOVERY] = max(weights.get(s.RECOVERY, 0.0), CUE)
        if s.PREPARATION in weights:
            weights[s.PREPARATION] *= 0.3
    if s.SUMMARY in weights and any(w >= 0.9 for k, w in weights.items() if k != s.SUMMARY):
        # "what are the risks" names its section; "what is" alone asks for the summary.
        weights[s.SUMMARY] = 0.3
    return weights


# Words that say which section is asked about; they never identify a procedure.
INTENT_WORDS = frozenset(
    [
        "long",
        "time",
        "take",
        "takes",
        "last",
        "minutes",
        "hours",
        "eat",
        "drink",
        "fast",
        "fasting",
        "prepare",
        "preparation",
        "before",
        "after",
        "awake",
        "asleep",
        "hurt",
        "hurts",
        "painful",
        "pain",
        "feel",
        "risk",
        "risks",
        "wrong",
        "side",
        "effects",
        "complications",
        "safe",
        "recover",
        "recovery",
        "drive",
        "driving",
        "work",
        "alternatives",
        "options",
        "instead",
        "who",
        "where",
        "why",
        "need",
        "purpose",
        "benefit",
        "benefits",
        "help",
        "steps",
        "happens",
        "done",
    ]
)
