"""Rule-based first safety pass, run on every message before retrieval.

Rules rather than a model because this pass must be fast (well under a millisecond), give the
same answer every time, and be readable by a clinician reviewing why a message was stopped.
It errs towards EMERGENCY: a needless "call emergency services" costs a patient one extra
message, a missed one can cost far more.

Everything is matched on a "plain" form of the message: accents, case and apostrophes folded
away ("Can't" -> "cant"), punctuation turned into single spaces, split into sentences. The
patterns below are written against that form, so they only ever see ``[a-z0-9 ]``.

How EMERGENCY is decided, per symptom found (chest pain, can't breathe, heavy bleeding, ...):

1. Suicidal intent or self-harm is always an emergency, whatever the framing.
2. Any symptom plus an urgency cue anywhere ("right now", "help me", "911") is an emergency.
3. Past history ("10 years ago", "as a child") or a negation ("no chest pain") rules a symptom
   out; a first-hand report right before it ("i have", "my husband is having") rules it in.
4. Risk-topic framing ("risk", "side effect", "chance", "anyone") rules it out; so, for the
   self-reporting phrases ("passed out", "can't breathe"), does a conditional before them.
5. Otherwise a symptom counts when the sentence has a personal or timing cue ("my", "she",
   "since", "after my surgery") and no hypothetical or general framing ("what if", "could",
   "is it normal", "what are").
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from enum import StrEnum
from itertools import accumulate

from assistant.text import fold


class Concern(StrEnum):
    EMERGENCY = "emergency"  # an emergency happening now: urge emergency services
    MEDICAL_ADVICE = "medical_advice"  # personal diagnosis, prescription or dose: refer to care
    # prices, insurance, billing, booking, finding a provider: only a signal, the caller
    # checks the pages
    COST = "cost"


@dataclass(frozen=True)
class Screening:
    concern: Concern | None
    reason: str  # short label of what matched, for logs and tests, e.g. "chest pain"
    injection: bool  # tries to instruct the assistant: treat the message as data only


@dataclass(frozen=True)
class _Rule:
    label: str
    pattern: re.Pattern[str]


@dataclass(frozen=True)
class _Symptom:
    label: str
    pattern: re.Pattern[str]
    stated: bool = False  # the phrase itself reports an event ("passed out", "cant breathe")


def _words(*alternatives: str) -> re.Pattern[str]:
    """One pattern from readable alternatives, matched only where a word starts.

    Screened text is ``[a-z0-9 ]`` with a space before every word, so a leading literal space
    marks word starts. Unlike ``\\b`` it lets `re` jump from space to space, which keeps a
    2,000-character message well under a millisecond."""
    return re.compile(" (?:" + "|".join(alternatives) + r")\b")


# --- Cleaning -----------------------------------------------------------------------------------

_EMOJI = r"[\U0001F000-\U0001FAFF\u2600-\u27BF\uFE0F]"
# Zero-width and direction-override characters hide text from reviewers and split trigger words
# ("ig\u200bnore"). A zero-width joiner between two emoji is part of the emoji, so it stays.
_INVISIBLE = re.compile(
    "[\u00ad\u180e\u200b\u200c\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
    f"|\u200d(?!(?<={_EMOJI}\u200d){_EMOJI})"
)
_NEWLINES = re.compile("\r\n?|[\x85\u2028\u2029]")
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]")
_SPACES = re.compile(r"[^\S\n]+")
_SPACE_AROUND_NEWLINE = re.compile(r" ?\n ?")
_BLANK_LINES = re.compile(r"\n{3,}")


def clean_message(message: str, limit: int = 2000) -> tuple[str, bool]:
    """Normalise what the patient typed and cap its length; returns (text, was_truncated).

    Invisible characters are removed so what gets screened, logged and answered is exactly what
    a reviewer sees; line breaks survive because patients use them to separate questions."""
    if limit < 1:
        raise ValueError(f"limit must be at least 1, got {limit}")
    text = _NEWLINES.sub("\n", message)
    text = _INVISIBLE.sub("", _CONTROL.sub("", text))
    text = unicodedata.normalize("NFC", text)
    text = _SPACE_AROUND_NEWLINE.sub("\n", _SPACES.sub(" ", text))
    return _truncate(_BLANK_LINES.sub("\n\n", text).strip(), limit)


def _truncate(text: str, limit: int) -> tuple[str, bool]:
    """Cut at the last word break within `limit`; a break in the first half is not used, so one
    giant token (a pasted link) cannot shrink the message to almost nothing."""
    if len(text) <= limit:
        return text, False
    last_break = max(text.rfind(" ", 0, limit + 1), text.rfind("\n", 0, limit + 1))
    cut = last_break if last_break >= limit // 2 else limit
    return text[:cut].rstrip(), True


# --- Shared vocabulary --------------------------------------------------------------------------

_PERSON = (
    r"(?:baby|babys|infant|toddler|child|kid|son|daughter|husband|hubby|wife|partner|boyfriend"
    r"|girlfriend|fiance|fiancee|mom|mum|mother|dad|father|grandma|grandmother|granny|nan|grandpa"
    r"|grandfather|brother|sister|friend|roommate|neighbou?r|aunt|uncle)s?"
)
_MED = (
    r"(?:meds?|medications?|medicines?|pills?|tablets?|capsules?|doses?|dosage|insulin"
    r"|prescriptions?|blood thinners?|thinners?|antibiotics?|pain ?killers?|pain relievers?"
    r"|inhalers?|steroids?|opioids?|narcotics?|supplements?|vitamins?|warfarin|coumadin|eliquis"
    r"|apixaban|xarelto|rivaroxaban|plavix|clopidogrel|brilinta|ticagrelor|pradaxa|dabigatran"
    r"|heparin|lovenox|enoxaparin|aspirin|ibuprofen|advil|motrin|tylenol|acetaminophen"
    r"|paracetamol|naproxen|aleve|nsaids?|metformin|ozempic|semaglutide|wegovy|mounjaro"
    r"|tirzepatide|glipizide|jardiance|prednisone|prednisolone|methylprednisolone|dexamethasone"
    r"|lisinopril|losartan|amlodipine|metoprolol|atenolol|statins?|atorvastatin|lipitor"
    r"|levothyroxine|synthroid|oxycodone|hydrocodone|percocet|vicodin|norco|tramadol|morphine"
    r"|codeine|dilaudid|gabapentin|lyrica|amoxicillin|augmentin|cipro|keflex|doxycycline|xanax"
    r"|ativan|valium|lorazepam|diazepam|benadryl|zofran|ondansetron|ambien|melatonin|omeprazole"
    r"|prilosec|nexium|lasix|furosemide|diuretics?|water pills?)"
)
_UNIT = (
    r"(?:mg|mgs|milligrams?|mcg|micrograms?|ml|mls|milliliters?|cc|units|iu|grams?|puffs?|drops?"
    r"|doses?|tablets?|pills?|capsules?|tabs?)"
)

# --- Emergency ----------------------------------------------------------------------------------

_ALWAYS = (
    _Rule(
        "suicidal thoughts",
        _words(
            r"su[a-z]{0,2}c[a-z]?d(?:e|es|al|ial)",
            r"kill(?:ing)? (?:my|him|her|them)sel(?:f|ves)",
            r"end(?:ing)? (?:my|his|her|their) (?:own )?li(?:fe|ves)",
            r"take (?:my|his|her|their) own li(?:fe|ves)",
            r"end it all|better off dead|no reason to (?:live|go on)",
            r"(?:dont|do not|doesnt|does not) want to (?:live|be alive|go on|exist)",
            r"(?<!dont )(?<!do not )(?<!doesnt )(?<!not )"
            r"(?:want|wants|wanna|wanting|wish) (?:to )?die",
            r"wish (?:i|he|she) (?:was|were) dead",
            r"(?:going to|gonna|about to|want to|wanna|plan to|planning to) (?:take|swallow)"
            r" (?:them|these|those|it) all",
            r"(?:going to|gonna|about to|want to|wanna|plan to|planning to) (?:take|swallow) all"
            r" (?:of )?(?:my |the |these |those |them )?(?:pills|meds|tablets|medications?)",
            r"done (?:with )?living|done with (?:my )?life",
        ),
    ),
    _Rule(
        "self-harm",
        _words(
            r"self ?harm\w*",
            r"(?:want|wants|wanna|going|gonna|urges?|thinking (?:about|of)|thoughts? (?:about|of)"
            r"|planning|keep|tried|trying) (?:to )?(?:hurt|harm|cut|hurting|harming|cutting)"
            r" (?:my|him|her|them)sel(?:f|ves)",
        ),
    ),
)

# "blood" that is about a test or a medicine rather than bleeding
_NOT_LAB = r"(?! (?:tests?|draws?|work|pressure|sugars?|thinners?|type|counts?|levels?))"
_BLEED = rf"(?:bleed|bleeding|bleedin|bleding|blood){_NOT_LAB}"
# "coughing up a little blood" after a bronchoscopy is expected, not an emergency
_NOT_MILD = r"(?!(?:a little|a bit|some|small|tiny|streaks?|specks?|flecks?|traces?|spots?) )"
_FEVER = (
    r"(?:fevers?|feverish|febrile"
    r"|temp(?:erature)? (?:of |is |at |over |above )?(?:10[1-6]|39|40|41))"
)


def _fever_of(degrees: str) -> str:
    """A stated fever or temperature of `degrees` ("fever of 102", "temp is 39 5": screened
    text has no dots)."""
    return rf"(?:fever|temp(?:erature)?) (?:of |is |at |over |above )?(?:{degrees})"


# 101 F / 38.5 C and up: with chills or a hot, red, swollen site, an infection to see today
_FEVER_OVER_101 = _fever_of(r"10[1-6]|38 [5-9]|39|4[0-2]")
_VOMITING = r"(?:vomit\w*|throw\w* up|puk\w*)"
_VOMITING_OR_FAST_BREATHING = (
    rf"(?:{_VOMITING}|breathing (?:really |very |so )?(?:fast|hard|heavy))"
)
_SEVERE_PAIN = (
    r"(?:(?:severe|terrible|horrible|unbearable|excruciating|extreme|intense|awful|agonizing|worst"
    r"|really bad|very bad|so bad)(?: \w+)? (?:pain|cramps|cramping)"
    r"|pain is (?:severe|unbearable|excruciating|terrible|horrible|awful)"
    r"|(?:pain|cramps|cramping) (?:that )?(?:wont|will not|doesnt|does not) (?:stop|go away|ease))"
)

_SYMPTOMS = (
    _Symptom(
        "chest pain",
        _words(
            r"chest (?:is |feels |feeling |getting |so |really |very )*(?:pains?|pian|pane|pressure"
            r"|tightness|tight|heaviness|heavy|hurts?|hurting|discomfort|squeezing|crushing)",
            r"(?:pain|pressure|tightness|heaviness|squeezing) in (?:my|his|her|their|the) chest",
            r"(?:tight|heavy|crushing) chest",
        ),
    ),
    _Symptom("heart attack", _words(r"(?:heart|hart) ?at?tack")),
    _Symptom(
        "can't breathe",
        _words(
            r"(?:cant|cannot|can not|unable to|not able to) (?:breathe?|breth|brethe"
            r"|catch (?:my|his|her|their|a) breath|get (?:enough |any )?(?:air|a breath)"
            r"|take a (?:deep )?breath)",
            r"(?:not|stopped|isnt|wasnt|quit) breathing",
        ),
        stated=True,
    ),
    _Symptom(
        "trouble breathing",
        _words(
            r"(?:trouble|difficulty|difficult|hard|struggling|struggle|problems?|hard time)"
            r" (?:to )?(?:breathing|breathe|breath|brething|breathin)",
            r"short(?:ness)? (?:of|o) (?:breath|breth)",
            r"breathing (?:is |feels |getting )*(?:hard|difficult|labou?red|shallow)",
            r"gasping(?: for (?:air|breath))?",
            r"(?:can|could) (?:barely|hardly) (?:\w+ (?:or|and) )?(?:breathe?|breth|get air)",
            r"barely breathing",
        ),
    ),
    _Symptom("choking", _words(r"chok(?:ing|ed)")),
    _Symptom(
        "turning blue",
        _words(
            r"(?:lips|face|skin|fingers|fingertips|nails|mouth)(?: \w+){0,2}?"
            r" (?:turn(?:ing|ed|s)?|going|gone|went) (?:blue|purple|gr[ae]y)",
            rf"(?:he|she|hes|shes|they|im|{_PERSON})(?: is| are)? (?:turning|turned|going|gone"
            r"|went) (?:blue|purple|gr[ae]y)",
            r"(?:lips|face|skin|fingers|fingertips) (?:are |is |look |looks )?(?:blue|purple)",
        ),
        stated=True,
    ),
    _Symptom(
        "heavy bleeding",
        _words(
            r"(?:heavy|heavily|heavey|lots of|lot of|alot of|so much|too much|excessive|severe"
            r"|profuse|massive|uncontrolled|uncontrollable|gushing|pouring|spurting|nonstop"
            rf"|non stop|constant) (?:(?:bright|dark|fresh) )?(?:red )?{_BLEED}",
            r"(?:bleed|bleeding|bleding|bleedin) (?:really |very |so )?(?:heavily|heavy|a lot"
            r"|alot|so much|profusely|badly|like crazy|everywhere|nonstop|non stop)",
            r"(?:blood|bleeding) (?:is )?(?:gushing|pouring|spurting|everywhere|all over)",
            r"(?:lots of|a lot of|alot of|so much|large amounts? of|clots of) blood in"
            r" (?:my |his |her |the )?(?:stools?|poop|toilet|bowel movements?|urine|pee|diaper)",
            r"blood in (?:my |his |her |the )?(?:stools?|poop|toilet|bowel movements?)"
            r"(?: \w+){0,2}? (?:a lot|alot|lots|so much|everywhere)",
            r"(?:toilet|bowl) (?:is )?(?:full of|filled with) blood",
            r"passing (?:large |big )?(?:blood )?clots",
            r"passing (?:lots of |a lot of |so much )?(?:(?:bright|dark|fresh) )?(?:red )?blood"
            r" and clots",
        ),
    ),
    _Symptom(
        "bleeding that won't stop",
        _words(
            rf"{_BLEED}(?: \w+){{0,3}}? (?:wont|will not|doesnt|does not|isnt|is not|cant|not"
            r"|hasnt|has not|havent|never) stop(?:ping|ped|s)?",
            r"(?:wont|cant|can not|cannot|doesnt|does not|will not) stop bleed(?:ing)?",
            r"(?:cant|cannot|can not|unable to) (?:get (?:the |it )?(?:bleeding )?to stop"
            r"|stop the bleed(?:ing)?)",
        ),
        stated=True,
    ),
    _Symptom(
        "soaking through dressings",
        _words(
            r"soak(?:ing|ed|s)? (?:through|thru)(?: \w+){0,3}? (?:bandages?|gauze|dressings?|pads?"
            r"|towels?|shirt|clothes|sheets)",
            r"(?:bandages?|gauze|dressings?|pads?) (?:is |are )?(?:soaked|soaking|drenched"
            r"|full of blood)",
            r"blood soaked",
        ),
        stated=True,
    ),
    _Symptom(
        "vomiting blood",
        _words(
            r"(?:vomit(?:ing)?|throw(?:ing)? up|throwin up|puk(?:e|ing)|cough(?:ing)? up"
            rf"|spit(?:ting)? up) {_NOT_MILD}(?:\w+ ){{0,6}}?blood{_NOT_LAB}",
            r"(?:blood|bloody) (?:in (?:my |his |her )?)?(?:vomit|throw up|puke)",
        ),
    ),
    _Symptom(
        "vomiting blood",
        _words(
            rf"(?:vomited|threw up|puked|coughed up|spat up) {_NOT_MILD}(?:\w+ ){{0,6}}?"
            rf"blood{_NOT_LAB}",
        ),
        stated=True,
    ),
    _Symptom(
        "fainting",
        _words(
            r"fainted|fanted|feinted|passed out|past out|blacked out|collapsed(?! lung)"
            r"|lost consciousness|(?:fell|went) unconscious|keeled over",
        ),
        stated=True,
    ),
    _Symptom(
        "fainting",
        _words(
            r"faint(?:ing|s)?|feel(?:ing)? faint|pass(?:ing)? out|black(?:ing)? out"
            r"|collaps(?:e|ing)|unconscious|unconcious|unconsious",
        ),
    ),
    _Symptom(
        "unresponsive",
        _words(
            r"unresponsive|(?:not|isnt|is not|stopped) responding(?! to)",
            r"(?:wont|will not) wake(?: up)?|(?:not|isnt) waking up",
            r"(?:cant|cannot|can not) wake (?:him|her|them|\w+ up)",
        ),
        stated=True,
    ),
    _Symptom(
        "stroke signs",
        _words(
            r"(?:face|mouth|smile|lip) (?:is |are |has |looks |started |starting |seems )?"
            r"(?:drooping|droopy|drooped|droops|sagging|saggy|crooked|lopsided)",
            r"droop(?:ing|y) (?:face|mouth|smile)",
            r"slurr(?:ed|ing|s)? (?:speech|words|talking|speaking)",
            r"(?:speech|talking|words|speaking) (?:is |are |sounds? |seems? )?slurr\w*",
            r"slurring",
            r"(?:weak|weakness|numb|numbness|paraly[sz]\w*|limp|cant (?:move|feel|lift))"
            r"(?: \w+){0,6}? (?:one|left|right) side",
            r"(?:one|left|right) side(?: \w+){0,6}? (?:weak|weakness|numb|numbness|paraly[sz]\w*"
            r"|limp|droop\w*|dead)",
            r"sudden(?:ly)?(?: \w+){0,3}? (?:confus\w*|weak\w*|numb\w*|slurr\w*"
            r"|cant (?:talk|speak|see|walk|move|understand))",
            r"confus\w*(?: \w+){0,2}? (?:all of a sudden|suddenly|out of nowhere)",
            r"(?:having|just had) (?:a |another )?(?:stroke|mini stroke|tia)",
            r"stroke (?:signs|symptoms)|(?:signs|symptoms) of (?:a )?stroke|stroking out",
        ),
    ),
    _Symptom(
        "sudden vision loss",
        _words(
            r"(?:dark )?(?:curtain|shadow|veil)(?: \w+){0,4}? (?:over|across|covering|blocking)"
            r"(?: \w+){0,2}? (?:vision|sight|eye)",
            r"(?:vision|sight)(?: \w+){0,5}? (?:went|going|gone|turned) (?:dark|black|blurry)",
            r"(?:shower|burst|tons|lots|loads) of (?:new )?floaters",
            r"(?:cant|cannot|can not|unable to) see (?:out of|with|from|anything out of) (?:it|my"
            r"|his|her|the|that|this|one)",
            r"(?:lost|losing|lose) (?:all )?(?:my |his |her |the )?(?:vision|sight)(?! (?:test"
            r"|insurance|plan))",
            r"(?:went|gone|going) blind",
        ),
    ),
    _Symptom("worst headache", _words(r"worst head ?ache|worst migraine|thunderclap head ?ache")),
    _Symptom(
        "seizure",
        _words(
            r"s(?:ei|ie|e|i)z(?:ure|er)(?! (?:disorder|meds?|medications?|medicines?|history"
            r"|threshold|precautions?|activity))",
            r"(?:having|keeps? having) s(?:ei|ie|e)z(?:ure|er)s",
            r"seizing|siezing|convuls\w*",
            r"(?:shaking|jerking|twitching) (?:uncontrollab\w*|all over)",
        ),
    ),
    _Symptom(
        "severe allergic reaction",
        _words(
            r"(?:having|going into|gone into|went into|in) (?:an? )?(?:severe |bad |serious "
            r"|major |really bad )?(?:allergic reaction|anaphyla\w*|anaphalax\w*|anafalax\w*"
            r"|anafilax\w*)",
            r"(?:anaphyla|anaphala|anafala|anafila)\w*(?! to| history)",
            r"(?:severe|bad|serious|major|huge|massive|really bad) allergic reaction(?! to)",
            r"allergic reaction (?:right )?now|anaphylactic shock",
            r"(?:hives|welts)(?: \w+){0,8}? (?:swell\w*|swollen|tight\w*|wheez\w*)",
            r"(?:swell\w*|swollen|tight\w*|wheez\w*)(?: \w+){0,8}? (?:hives|welts)",
        ),
    ),
    _Symptom(
        "throat swelling",
        _words(
            r"throat (?:is |feels |feeling |getting |keeps |seems |like |its |it is |so |really )*"
            r"(?:swelling|swollen shut|closing|tight\w*)",
            r"(?:swelling|swollen|closing) throat",
            r"(?:tongue|lips) (?:is |are |feels |feel |getting |keeps |keep )*(?:swelling|swollen)",
            r"swelling (?:up )?(?:of|in) (?:my|his|her|the) (?:throat|tongue)",
        ),
    ),
    _Symptom(
        "weak or numb legs",  # after spinal and epidural procedures: a bleed pressing the cord
        _words(
            # Getting worse, or both at once: a leg weak from a nerve block is expected.
            r"(?:legs|both legs|both feet) (?:are |is |keep |have |has )?"
            r"(?:getting|going|gone|went)(?: so| really| very| all)* (?:weak|weaker|numb|limp|dead)"
            r"(?:(?: and| or)(?: \w+){0,2}? (?:weak|weaker|numb|limp|dead))?",
            r"(?:legs|both legs|both feet)(?: \w+){0,3}? (?:weak and numb|numb and weak)",
            r"(?:cant|cannot|can not|unable to) (?:move|feel|lift|stand on) (?:my|his|her|their"
            r"|both|either) (?:legs|feet)",
            r"(?:lost|losing|cant control|cannot control|no control (?:of|over)) (?:my |his |her )?"
            r"(?:bladder|bowels?)",
        ),
    ),
    _Symptom(
        "confusion with vomiting or fast breathing",
        _words(
            rf"confus\w*(?: \w+){{0,8}}? {_VOMITING_OR_FAST_BREATHING}",
            rf"{_VOMITING_OR_FAST_BREATHING}(?: \w+){{0,8}}? confus\w*",
        ),
    ),
    _Symptom(
        "head injury",
        _words(
            r"(?:hit|hitting|banged|bumped|struck) (?:my|his|her|their|the) head(?: \w+){0,10}?"
            rf" (?:confus\w*|disoriented|{_VOMITING}|passed out|blacked out|wont wake|drowsy"
            r"|slurr\w*)",
        ),
    ),
    _Symptom(
        "fever with stiff neck",
        _words(rf"{_FEVER}(?: \w+){{0,8}}? stiff neck", rf"stiff neck(?: \w+){{0,8}}? {_FEVER}"),
    ),
    _Symptom(
        "fever with confusion or chills",
        _words(
            rf"{_FEVER}(?: \w+){{0,8}}? (?:confus\w*|disoriented|delirious|shaking chills|rigors)",
            rf"(?:confus\w*|disoriented|delirious|shaking chills|rigors)(?: \w+){{0,8}}? {_FEVER}",
        ),
    ),
    _Symptom(
        "high fever",
        _words(_fever_of(r"10[3-6]|39 [5-9]|4[0-2]")),
    ),
    _Symptom(
        "fever with signs of infection",
        _words(
            rf"(?:hot|red|swollen|pus|oozing|chills)(?: \w+){{0,8}}? {_FEVER_OVER_101}",
            rf"{_FEVER_OVER_101}(?: \w+){{0,8}}? (?:chills|pus|oozing)",
        ),
    ),
    _Symptom(
        "rigid belly",
        _words(
            r"(?:belly|stomach|abdomen|tummy) (?:is |feels |feel |getting |has gone |went |gone )*"
            r"(?:really |very |so |rock )?(?:hard|rigid|board like|boardlike)(?! to)",
        ),
    ),
    _Symptom(
        "severe pain with fever",
        _words(
            rf"{_SEVERE_PAIN}(?: \w+){{0,10}}? {_FEVER}",
            rf"{_FEVER}(?: \w+){{0,10}}? {_SEVERE_PAIN}",
        ),
    ),
    _Symptom(
        "overdose",
        _words(
            r"overdos(?:ed|ing)|took (?:an? )?overdose|took (?:way )?too many",
            rf"took (?:way )?too much(?: of)?(?: (?:my|his|her|the))?(?: \w+)? {_MED}",
            r"swallowed (?:a |the )?(?:whole )?bottle",
        ),
        stated=True,
    ),
    _Symptom("overdose", _words(r"overdose")),
)

# Urgency in any sentence makes any symptom in the message an emergency. Searched sentence by
# sentence so "help" opening a sentence counts ("Chest pain. Help!") but "will it help" does not.
_URGENCY = _words(
    r"right now|at the moment|as we speak|this (?:very )?(?:second|minute)",
    r"currently(?! (?:taking|on|using|prescribed|scheduled|booked|waiting|pregnant|breastfeeding"
    r"|nursing))",
    r"(?:im|i am|hes|he is|shes|she is|its|it is|theyre|they are)(?: \w+){0,3}? now",
    r"911|call (?:999|112|000)|ambulance|paramedics?|emergency (?:room|services|number)",
    r"go (?:to )?(?:the )?(?:er|hospital|emergency)",
    r"help (?:me|us)(?! (?:understand|know|figure|find|decide|prepare|learn|plan|choose|with))",
    r"help (?:please|pls|plz|now|asap|quick|quickly|fast)",
    r"(?:please|pls|plz|someone|somebody|need|get|send) help|(?<=^ )help",
    r"hurry|asap|urgent(?:ly)?|getting worse|worse and worse",
    r"(?<!if )it (?:wont|will not|doesnt|does not|isnt|is not) stop",
)
# A first-hand report ends right where the symptom starts: a subject, then only filler words.
_SUBJECT = (
    r"(?:i|im|ive|id|he|hes|she|shes|they|theyre|we|(?:ive|hes|shes|weve|theyve) had"
    rf"|(?:my|his|her|our|their)(?: \w+)?|(?:the |a |our )?{_PERSON})"
)
_FILLER = (
    r"(?:have had|has had|might be|may be|could be|kind of|sort of|am|is|are|was|were|be|been"
    r"|being|have|has|having|got|gotten|getting|feel|feels|feeling|felt|like|just|now"
    r"|still|really|so|very|too|also|again|suddenly|sudden|started|starting|start|starts|keep"
    r"|keeps|kept|think|thinks|showing|going|gonna|about|to|a|an|the|some|this|such|bad|severe"
    r"|terrible|horrible|awful|extreme|intense|sharp|crushing|major|massive|constant|new|more"
    r"|worse|of|lot|lots|alot|and|kinda|literally|actually|definitely|probably)"
)
_REPORT = re.compile(rf"(?:^| )(?:{_SUBJECT})(?: {_FILLER})*$")
_REPORT_WORDS = 10  # longest subject-and-filler run looked for; keeps long messages fast
# A report introduced by one of these is a question or a condition: "will i have", "for her to".
_REPORT_BLOCKERS = frozenset(
    {"will", "would", "could", "might", "may", "should", "can", "do", "does", "did"}
    | {"for", "of", "to", "when", "what"}
)
# Any of these before a report makes it hypothetical ("is it bad if my blood pressure drops and
# i faint"), however far back.
_IF = _words(r"if|whether|unless|in case")
# "no chest pain", "dont have chest pain": one of these within two words before the symptom.
_NEGATIONS = frozenset(
    {"no", "not", "never", "without", "nor", "denies"}
    | {"dont", "doesnt", "didnt", "isnt", "arent", "wasnt", "havent", "hasnt"}
)
# Long past or long-standing: "years ago", "as a child", "when i climb stairs".
_HISTORY = _words(
    r"(?:years?|yrs?|months?|a while|long|ages) ago",
    r"last (?:time|week|month|year|summer|winter|spring|fall|autumn)",
    r"(?:my|his|her|the) (?:last|previous|prior) (?!night\b|hour\b|few\b|couple\b)\w+",
    r"years? back|in (?:the past|19\d\d|20\d\d)|history of|used to|previously|once had",
    r"as a (?:kid|child|baby|teen\w*)|when (?:i|he|she) was (?:a |younger|young|little)",
    r"(?:had|have had|ive had|hes had|shes had) (?:\w+ ){0,4}?before",
    r"sometimes|occasionally|chronic\w*|all the time|every (?:day|night|morning|time)",
    r"at night|for (?:years|months)|on exertion|(?:walking|climbing|going) up (?:the )?stairs",
    # the reason for a planned test: "a loop recorder bc i keep passing out"
    r"(?:because|bc|cuz|coz) (?:i|he|she|they|we|my \w+|his \w+|her \w+) keeps?",
    r"when (?:i|he|she|they) (?:exercise|walk|climb|run|exert|lie down|sleep)",
)
# "last week ... and now i'm ...": the past names the procedure, the symptom is happening now.
_NOW = _words(r"(?:and|but) now|now (?:i|im|ive|he|hes|she|shes|they|theyre|my|his|her|its|there)")
# Before a self-reporting phrase ("what if i cant breathe", "could i have passed out").
_CONDITIONAL = _words(
    r"if|whether|unless|in case|could|would|might|may|will|can|does|did|should|what happens"
)
# Asks about the procedure's risks or other people, anywhere in the sentence.
_TOPIC = _words(
    r"risks?|risky|side ?effects?|chances?|odds|complications?|likel(?:y|ihood)|possib(?:le|ility)",
    r"common(?:ly)?|rare(?:ly)?|often|frequent(?:ly)?|cause[sd]?|causing|lead to|result in",
    r"signs? of|symptoms? of|warning signs?|anyone|anybody|people|patients|someone who",
    r"somebody who|percent(?:age)?|dangers?|dangerous|safe|safety",
)
# Hypothetical, reassurance-seeking or textbook questions.
_GENERAL = _words(
    r"if|whether|could|would|might|may|does|can",
    r"will (?:i|it|you|he|she|they|we|my|the|this|that|there)",
    r"normal(?:ly)?|usual(?:ly)?|typical(?:ly)?|expect\w*|supposed to",
    r"worr(?:y|ied|ies)|afraid|scared|nervous|anxious|concerned|fear\w*",
    r"what (?:is|are|does|causes|happens|would|will)|whats",
    r"how (?:common|often|long|likely|much|many|do|does|is|are|can|soon|serious|bad|would|will)",
    r"define|definition|meaning|mean|explain|difference|during|prevent\w*|avoid\w*|treat\w*",
    r"before (?:the|a|an|my|your) (?:procedure|test|surgery|scan|exam|operation)",
    r"tell me about|learn about|info(?:rmation)? (?:about|on)|read (?:about|that)",
    r"heard (?:about|that)|know (?:about|if|whether)|questions?|wondering|curious|asking",
)
# Someone in particular, lately: what turns a bare symptom into a report.
_CONTEXT = _words(
    r"i|im|ive|id|me|my|myself|we|our|us|he|hes|him|his|himself|she|shes|her|herself",
    rf"they|theyre|them|their|{_PERSON}",
    r"since|today|tonight|yesterday|still|again|keeps?|kept|suddenly|sudden",
    r"this (?:morning|afternoon|evening)|all (?:day|night|morning)",
    r"for (?:\d+|a few|an?|several|two|three|four|five|the (?:last|past))(?: \w+)?"
    r" (?:minutes?|mins?|hours?|hrs?|days?)",
    r"after (?:my|his|her|their|the|surgery|procedure|op|operation|biopsy)",
)

# --- Medical advice -----------------------------------------------------------------------------

_DIAGNOSIS = (
    r"(?:cancer\w*|malignan\w*|tumou?rs?|infections?|diabetes|\w+itis|\w+oma|covid|sepsis"
    r"|blood clots?|clots?|hernias?|ulcers?|polyps?|an? std|hiv|something (?:serious|wrong)"
    r"|(?:heart|kidney|liver|lung|thyroid) (?:disease|problems?|failure))"
)
_FINDING = (
    r"(?:lump|mole|spot|mass|growth|rash|bump|swelling|cyst|nodule|polyp|lesion|wound|incision"
    r"|cut|redness|discharge|results?|biopsy|thing|cough|bleeding)"
)
_MED_KIND = (
    r"(?:medicine|medication|meds|drug|pill|painkiller|pain killer|antibiotic|cream|ointment"
    r"|remedy|tablet|treatment)s?"
)
_ADVICE = (
    _Rule(
        "diagnosis",
        _words(
            r"(?:do|does|could|might|may|would) (?:i|he|she|my \w+|you think (?:i|he|she|my \w+))"
            rf" (?:have|has|got) (?:a |an |any )?(?:\w+ )?{_DIAGNOSIS}",
            rf"is (?:this|it|that|my|the) (?:{_FINDING} )?(?:an? )?(?:{_DIAGNOSIS}|cancerous"
            r"|malignant|benign|infected)",
            r"do you think (?:this|that|it|its|my \w+|the \w+|i)(?: \w+){0,3}? (?:cancer\w*"
            r"|malignant|infected|a tumou?r|serious)",
            r"whats? (?:is )?wrong with (?:me|my|him|her)|something wrong with me",
            r"what (?:do|does) (?:i|he|she|my \w+) have(?! to)",
            r"(?:can|could|will|would) you (?:please )?diagnos\w*",
            r"diagnos(?:e|ing) (?:me|my|him|her|this|what)|(?:give|tell) me (?:a|my) diagnosis",
            r"what (?:condition|disease|illness|infection) do (?:i|you think i) have",
            r"(?:tell me|let me know|say) (?:if|whether) (?:this|that|it|my) (?:\w+ ){0,4}?"
            rf"(?:is|looks?(?: like)?|could be|might be) (?:an? )?(?:{_DIAGNOSIS}|cancerous"
            r"|malignant|benign|infected|serious|normal)",
        ),
    ),
    _Rule(
        "personal decision",
        _words(
            r"what would you do",
            r"(?:what|which) (?:one )?(?:would|do) you (?:recommend|suggest|choose|pick) for me",
            r"(?:should|do you think) (?:i|he|she|we|my \w+) (?:get|have|do|go with|choose|pick"
            r"|try) (?:the |a |an )?(?:\w+ ){1,4}?or (?:keep|just|stay|the|a|an|\w+ing)\b",
        ),
    ),
    _Rule(
        "personal reading",
        _words(
            r"my (?:blood pressure|bp|blood sugar|sugar|glucose|a1c|temperature|temp|heart rate"
            r"|pulse|oxygen|o2|sats?|inr|potassium|hemoglobin|platelets?)(?: \w+){0,3}? (?:is|was"
            r"|are|were|of|at|reads?|came back)(?: \w+){0,2}? \d+(?:.{0,80}) (?:safe|ok|okay|fine"
            r"|normal|too high|too low|still|cancel|postpone|worry|worried|dangerous|bad)\b",
        ),
    ),
    _Rule(
        "results interpretation",
        _words(
            r"(?:what do|what does|can you (?:read|interpret|explain|look at|check)"
            r"|please (?:read|interpret|explain)|interpret|read) my (?:\w+ ){0,2}?(?:results?"
            r"|labs?|bloodwork|blood work|scans?|biopsy|pathology|report|numbers|levels?|mri|ct"
            r"|x ?rays?|ecg|ekg)",
            r"my (?:\w+ ){0,2}?(?:results?|labs?|bloodwork|biopsy|pathology|report|levels?)"
            r" (?:mean|show|say)",
        ),
    ),
    _Rule(
        "prescription",
        _words(
            r"(?:can|could|will|would) you (?:please )?prescribe",
            r"(?:can|could|will|would) you (?:please )?(?:give|write|send|call in|refill)"
            r"(?: me| him| her)? (?:a |an |my |some |the )?(?:new )?(?:\w+ )?(?:prescriptions?"
            r"|scripts?|refills?|meds|medications?|medicine|pills|antibiotics?|painkillers?)",
            r"prescribe (?:me|him|her|something|anything|some)",
            r"(?<!they )(?<!he )(?<!she )(?<!doctor )(?<!nurse )(?:give|write|send) me"
            r" (?:a |an )?(?:new )?(?:\w+ )?(?:prescription|script|refill)",
            r"(?<!will )(?<!would )(?<!do )(?<!if )i (?:need|want) (?:a |an )?(?:new )?"
            r"(?:prescription|script|refill)",
        ),
    ),
    _Rule(
        "dose",
        _words(
            r"how (?:much|many)(?: (?:of )?(?:(?:my|the|his|her|this|that|these|it|them) )?"
            rf"(?:\w+ )?(?:{_MED}|{_UNIT}|it|this|that|them|these)(?: of \w+(?: \w+)?)?)?"
            r" (?:should|can|could|do|may|must|shall) (?:i|he|she|we|you|my \w+) (?:safely )?"
            r"(?:take|give|use|have)(?! off)",
            # "how many doses does he need" asks the vaccine's schedule, the page's to answer
            rf"how (?:much|many) (?!doses?\b){_UNIT}",
            r"what(?:s| is)? (?:the |my |a )?(?:right |correct |safe |max\w* |recommended |usual "
            r"|normal |best |proper |starting )?(?:dose|dosage|dosing)(?! of (?:radiation"
            r"|contrast|sedation|anesthesia|dye))",
            r"(?:double|triple|halve|split) (?:up )?(?:on )?(?:my|his|her|the|a|this) (?:\w+ )?"
            r"(?:dose|dosage|meds?|medications?|medicine|pills?|tablets?|insulin)",
            r"double (?:dose|up)",
            r"(?:take|taking|give) (?:a |an )?(?:double|extra|second|another) (?:dose|pill|tablet"
            r"|capsule)s?",
            r"(?:missed|forgot|skipped) (?:to take )?(?:my|a|his|her) (?:\w+ )?dose",
            r"how (?:often|frequently) (?:should|can|do) (?:i|he|she) (?:take|give|use)",
        ),
    ),
    _Rule(
        "medication change",
        _words(
            r"should (?:i|he|she|we|my \w+) (?:\w+ )?(?:stop|start|quit|keep|continue|skip"
            r"|restart|resume|hold|increase|decrease|lower|raise|change|adjust|switch|go off"
            rf"|come off|take|use|give|try)(?: \w+){{0,3}}? {_MED}"
            # "...before my knee replacement" asks for the page's preparation advice.
            r"(?!.*\b(?:before|prior to|ahead of|the day of|morning of)\b)",
        ),
    ),
    _Rule(
        "medication choice",
        _words(
            rf"what (?:\w+ )?{_MED_KIND} (?:should|do you recommend|would you recommend|is best"
            r"|works best|do you suggest)",
            r"what (?:should|can|could) (?:i|he|she|we) (?:take|use|give (?:him|her|them)) for",
            r"(?:recommend|suggest) (?:me )?(?:a |an |some |any )?(?:\w+ )?(?:medicine|medication"
            r"|meds|drug|pill|painkiller|pain killer|antibiotic|dose|dosage)s?",
            rf"which (?:\w+ )?{_MED_KIND} (?:should|is best|would you)",
        ),
    ),
)

# --- Cost and booking ---------------------------------------------------------------------------

_COST = (
    _Rule(
        "cost",
        _words(
            r"cost(?:s|ing|ly)?|prices?|pricing|priced|expensive"
            r"|cheap(?:er|est)?(?! (?:options?|alternatives?|ways?|choices?|kinds?|types?))"
            r"|afford(?:able|ability)?|fees?|money|dollars?",
            r"how much (?:is|are|would|will) (?:it|this|that|a|an|the)(?!.*\b(?:hurt\w*|pain\w*"
            r"|blood|bleed\w*|time|sedat\w*|anesthe\w*|anaesthe\w*|radiation|dye|contrast|fluid"
            r"|water|prep|recover\w*|rest|weight|swelling|too much|take)\b)",
            r"how much (?:do|does|did|will|would) (?:they|you|it|this|insurance|medicare)"
            r" (?:\w+ )?(?:charge|cost|pay)",
        ),
    ),
    _Rule(
        "insurance",
        _words(
            r"insur\w*|medicare|medicaid|medi cal|tricare|obamacare|coverage|copays?|co pays?"
            r"|copayments?|co payments?|coinsurance|co insurance|deductibles?|out of pocket"
            r"|pre ?(?:authori[sz]ation|auth)|prior auth\w*|reimburs\w*|in network"
            r"|out of network|hsa|fsa",
            r"covered by (?!(?:a |the )?(?:bandage|dressing|gauze|drape|sheet|cloth|plaster|tape"
            r"|cast|skin|scar|hair))",
            r"(?:is|are|will|would) (?:it|this|that|they|this procedure|the procedure|the test"
            r"|the surgery|the scan|this test|this surgery) (?:be )?(?:fully |partly |partially )?"
            r"covered(?! (?:with|in|up))",
            r"(?:does|will|would|do) (?:my |the |your )?(?:plan|policy|nhs|provider|employer)"
            r" (?:\w+ )?cover",
        ),
    ),
    _Rule(
        "billing",
        _words(
            r"bill(?:s|ed|ing)?(?! codes?)|invoices?|receipts?|financing",
            r"financial (?:aid|assistance)",
            r"pay(?:s|ing|ment|ments)?(?! attention)|paid",
            r"(?<!in )(?<!free of )charge[sd]?",
        ),
    ),
    _Rule(
        "appointment",
        _words(
            r"(?:book|make|get|set up|setup|schedule|reschedule|cancel|change|move|request"
            r"|arrange|confirm) (?:\w+ ){0,2}?(?:appointments?|appts?|consultations?|consults?"
            r"|slots?)",
            r"(?:can|could|would|will) (?:you|u|ya) (?:please |pls )?(?:book|schedule|reschedule"
            r"|cancel)",
            r"how (?:do|can|should) i (?:book|schedule|reschedule|cancel)",
            r"(?:book|schedule|reschedule) (?:me|it|this|the procedure|the surgery|the test)"
            r"(?! in for)",
            r"(?:can|could|may) i (?:please )?(?:book|schedule|reschedule) (?:my|an?|the|it)",
            r"waiting list|wait ?list|wait times?|next available",
        ),
    ),
    _Rule(
        "opening hours",
        _words(
            r"(?:opening|office|business|clinic|visiting) hours",
            r"what time (?:does|do|is|will) (?:\w+ ){1,4}(?:open|close)",
            r"(?:open|closed) (?:on )?(?:weekends?|saturdays?|sundays?|holidays?|late|tonight"
            r"|today|tomorrow)",
        ),
    ),
    _Rule(
        "provider",
        _words(
            r"near me|nearby|closest to me|in my area|around here",
            r"(?:the )?(?:best|top|cheapest|nearest|closest) (?:\w+ )?(?:hospitals?|clinics?"
            r"|doctors?|surgeons?|specialists?|dentists?|centers?|centres?)",
            r"recommend (?:me )?(?:a|an|any|some) (?:good )?(?:\w+ )?(?:hospital|clinic|doctor"
            r"|surgeon|specialist|dentist|center|centre)s?",
            r"(?:dr|doctor|surgeon|specialist|dentist|clinic|hospital)(?: \w+){0,6} any good",
            r"(?:online |patient |good |bad )reviews",
            r"reviews (?:of|for|on) (?:dr|doctor|the (?:\w+ )?(?:doctor|surgeon|clinic|hospital))",
        ),
    ),
)

# --- Prompt injection ---------------------------------------------------------------------------

_INJECTION_WORDS = _words(
    r"(?:ignore|disregard|forget|override|bypass)(?: (?:all|any|every|the|your|my|these|those"
    r"|this|of|previous|prior|above|earlier|preceding|original|initial|system|safety"
    r"|everything))* (?:instructions?|rules?|prompts?|directions?|guidelines?|guardrails?"
    r"|programming|constraints?|restrictions?|policies|policy|messages?|context|training"
    r"|previous|prior|above|everything (?:above|before|you were told))",
    r"you are now|youre now|from now on (?:you|act|pretend|respond|answer)",
    r"(?:you (?:to |will |must |should |can |could |shall )?|please |(?<=^ ))act as",
    r"pretend (?:you are|youre|that you)|(?:you |please |(?<=^ ))pretend to be|role ?play as",
    r"system (?:prompt|message|instructions?)",
    r"(?:reveal|show|print|repeat|display|output|leak|dump|tell me|give me|what (?:is|are|were)"
    r"|whats) (?:me )?(?:your|the) (?:\w+ )?(?:prompt|hidden instructions|initial instructions"
    r"|original instructions|instructions you were given|configuration)",
    r"new instructions|developer mode|jailbreak\w*|do anything now|dan mode",
)
# Chat-template role markers, matched on the folded text before punctuation is dropped; the
# text gets a leading newline so a role label on the first line is at a line start too.
_INJECTION_MARKUP = re.compile(
    r"<\|\s*(?:system|assistant|user|im_start|im_end|endoftext)\s*\|>"
    r"|<\s*/?\s*(?:system|sys|instructions?|assistant)\s*>"
    r"|\[/?\s*(?:inst|sys|system)\s*\]|<<\s*/?\s*sys\s*>>"
    r"|#{2,}\s*(?:system|instructions?|assistant|user)\b"
    r"|\n[ \t]*(?:system|assistant|developer)[ \t]*:"
)

# --- Screening ----------------------------------------------------------------------------------

_APOSTROPHES = re.compile("[\u2018\u02bc`\u00b4]")
_SENTENCE_END = re.compile(r"[.!?;]+(?=\s|$)")
_NON_ALNUM = re.compile(r"[^a-z0-9\n]+")  # newlines survive: they end sentences too


def screen(message: str) -> Screening:
    """Classify one message before retrieval; emergency outranks advice, advice outranks cost."""
    folded = fold(_APOSTROPHES.sub("'", _INVISIBLE.sub("", message)))
    sentences = _sentences(folded)
    plain = "".join(sentences)
    injection = _INJECTION_MARKUP.search(f"\n{folded}") is not None or any(
        _INJECTION_WORDS.search(sentence) for sentence in sentences
    )
    if (label := _emergency(sentences, plain)) is not None:
        return Screening(Concern.EMERGENCY, label, injection)
    if (label := _first_label(_ADVICE, plain)) is not None:
        return Screening(Concern.MEDICAL_ADVICE, label, injection)
    if (label := _first_label(_COST, plain)) is not None:
        return Screening(Concern.COST, label, injection)
    return Screening(None, "", injection)


def _sentences(folded: str) -> list[str]:
    """Sentences as ``[a-z0-9 ]`` text with a space before every word (see `_words`), split so
    framing in one sentence cannot excuse a symptom in another."""
    lines = _NON_ALNUM.sub(" ", _SENTENCE_END.sub("\n", folded)).split("\n")
    return [f" {sentence}" for line in lines if (sentence := line.strip())]


def _first_label(rules: tuple[_Rule, ...], text: str) -> str | None:
    return next((rule.label for rule in rules if rule.pattern.search(text)), None)


@dataclass(frozen=True)
class _Framing:
    """What a sentence says about its symptoms, worked out once per sentence."""

    history: bool  # "10 years ago", "as a child": a memory, not an event
    topic: bool  # "risk", "side effect", "anyone": asks about the procedure, not the patient
    general: bool  # "what if", "is it normal", "what are": hypothetical or textbook question
    personal: bool  # "my", "she", "since", "after my surgery": about someone, lately

    @classmethod
    def of(cls, sentence: str) -> _Framing:
        return cls(
            _HISTORY.search(sentence) is not None and _NOW.search(sentence) is None,
            _TOPIC.search(sentence) is not None,
            _GENERAL.search(sentence) is not None,
            _CONTEXT.search(sentence) is not None,
        )


def _emergency(sentences: list[str], plain: str) -> str | None:
    if (label := _first_label(_ALWAYS, plain)) is not None:
        return label
    mentions = sorted(
        ((symptom, match) for symptom in _SYMPTOMS for match in symptom.pattern.finditer(plain)),
        key=lambda mention: mention[1].start(),
    )
    if not mentions:
        return None
    if any(_URGENCY.search(sentence) for sentence in sentences):
        return mentions[0][0].label
    starts = list(accumulate((len(s) for s in sentences[:-1]), initial=0))
    framings: dict[int, _Framing] = {}
    for symptom, match in mentions:
        index = bisect_right(starts, match.start()) - 1
        if index not in framings:
            framings[index] = _Framing.of(sentences[index])
        if _is_current(framings[index], symptom, plain[starts[index] : match.start()]):
            return symptom.label
    return None


def _is_current(framing: _Framing, symptom: _Symptom, prefix: str) -> bool:
    """Whether a symptom mention, with `prefix` the words before it, describes something
    happening rather than a risk, a hypothetical or a memory."""
    if framing.history or _NEGATIONS.intersection(prefix.split()[-2:]):
        return False
    if _reported(prefix):
        return True
    if framing.topic:
        return False
    if symptom.stated:
        return _CONDITIONAL.search(prefix) is None
    return framing.personal and not framing.general


def _reported(prefix: str) -> bool:
    """A subject and filler words leading straight into the symptom ("my husband is having"),
    not introduced by a conditional ("if i have", "will i have", "for her to")."""
    if _IF.search(prefix):
        return False
    words = prefix.split()
    report = _REPORT.search(" ".join(words[-_REPORT_WORDS:]))
    if report is None:
        return False
    lead = len(words) - len(report.group().split())
    return lead == 0 or words[lead - 1] not in _REPORT_BLOCKERS
