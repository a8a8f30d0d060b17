"""Messages that are only a greeting or a thank-you get a friendly word, not a refusal.

Only the whole message counts: "hi, how long does a colonoscopy take" is a question.
"""

from __future__ import annotations

import re

from assistant.text import fold

_OPENERS = r"(hi+|hello|hey+|hiya|good (morning|afternoon|evening)|greetings)"
_THANKS = r"(thanks?|thank (you|u)|thx|ty|much appreciated|cheers)"
_OKAY = r"(ok(ay)?|k|great|cool|perfect|got it|alright|all right|understood|sounds good)"
_BYE = r"(bye|goodbye|good bye|see (you|ya)|take care)"
_TAIL = r"(\s+(so|very) much|\s+(a lot|again|there|everyone|all))?"
_GREETING = re.compile(rf"{_OPENERS}(\s+there)?")
_THANKS_ONLY = re.compile(
    rf"({_OKAY}\W+)?({_THANKS}|{_OKAY}|{_BYE}){_TAIL}(\W+({_THANKS}|{_BYE}){_TAIL})*"
)


def courtesy(message: str) -> str | None:
    """The fixed prompt answering a message that is only courtesy ("greeting", "thanks")."""
    text = re.sub(r"[^\w\s]+", " ", fold(message)).strip()
    text = re.sub(r"\s+", " ", text)
    if _GREETING.fullmatch(text):
        return "greeting"
    if _THANKS_ONLY.fullmatch(text):
        return "thanks"
    return None
