"""Which procedure a message names: by code, or by words of its title and common names."""

from __future__ import annotations

import bisect
import difflib
import itertools
import math
import re
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass

from assistant.anatomy import BODY_PART, PART_TERMS
from assistant.corpus import PageInfo
from assistant.intent import INTENT_WORDS
from assistant.text import STOPWORDS, fold, stem, terms, words

# "with"/"without" tell "MRI without contrast" from "MRI without and with contrast".
_KEPT_STOPWORDS = frozenset({"with", "without"})
# Words in many procedure names that alone never say which procedure is meant.
GENERIC_TERMS = (
    frozenset(
        terms(
            "procedure test exam examination scan surgery surgical treatment operation therapy "
            "service care routine one thing year years patient machine device"
        )
    )
    | _KEPT_STOPWORDS
)
BODY_PART_REACH = 2  # "hip replacement", "hip joint replacement"
WHOLE_NAME_TERMS = 2  # a name this long said in full names its page ("rolling walker")
CLOSE_CUTOFF = 0.84  # "colonscopy" -> "colonoscopy", not "biopsy" -> "biopsies" noise
MAX_GUESSES = 50_000  # bounds the memo against floods of made-up words
ABBREVIATION_SHARE = 0.5  # of the pages using a word whose names hold what it abbreviates
_INFLECTION = re.compile(r"e?s|e?d|ing|e?ments?|(iz)?ations?|ions?|al|age|e?rs?")
_AMPERSAND = re.compile(r"(?<![A-Za-z0-9])([A-Za-z]) ?& ?([A-Za-z])(?![A-Za-z0-9])")
_CODE = re.compile(r"(?<![a-z0-9])(\d{5}|\d{4}[ftu]|[a-v]\d{4})(?![a-z0-9])")
# "with no dye", "non-contrast", "they aren't taking any biopsies": the word is excluded.
_NEGATION = re.compile(
    r"\b(?:with\s+)?"
    r"(?:no|without|w/o|non|(?:(?:not|never|arent|isnt|wont|dont|doesnt|didnt)"
    r"(?:\s+(?:[a-z]+ing|need|have|get|want|do))?))"
    r"[\s-]+(?:any\s+|an?\s+)?([a-z0-9]+)"
)


# "with and without contrast" asks for both, like a name's "without and with contrast".
_BOTH = re.compile(r"\b(?:with|w) ?(?:and|&|or|/) ?(?:without|w/?o)\b")


def find_codes(text: str) -> list[str]:
    """Code-shaped tokens in the text, upper-cased, in order ('cpt 00632', 'g0121?')."""
    return [m.upper() for m in _CODE.findall(fold(text))]


def name_terms(text: str) -> list[str]:
    """Terms of a procedure name or a message as the matcher compares them; "T&A" and "D&C"
    stay one word ("ta", "dc")."""
    return [
        stem(w)
        for w in words(_AMPERSAND.sub(r"\1\2", text))
        if (w not in STOPWORDS or w in _KEPT_STOPWORDS) and w not in INTENT_WORDS
    ]


def split_negated(text: str) -> tuple[str, set[str]]:
    """The text with its negated words taken out (the negation kept as "without", the word
    page names use), and the name terms of those words."""
    negated: set[str] = set()

    def take(match: re.Match[str]) -> str:
        found = name_terms(match.group(1))
        negated.update(found)
        return " without " if found else match.group(0)  # "don't the ..." negates nothing

    both = _BOTH.sub("without and with", fold(text))  # as CPT names put it; negates nothing
    return _NEGATION.sub(take, both), negated


@dataclass(frozen=True)
class Mention:
    code: str
    score: float  # share of the message's name words (by rarity) that this page's names hold
    specific: bool  # at least one shared word is not a generic one like "surgery"
    whole_name: bool = False  # the message holds every word of one of the page's names


class ProcedureMatcher:
    """Scores pages by the title and common-name words a message uses, weighted by rarity, so
    'screening colonoscopy' prefers the screening page while 'colonoscopy' fits both."""

    def __init__(
        self,
        pages: Iterable[PageInfo],
        known: Collection[str] = (),
        pages_using: Callable[[str], set[str]] = lambda term: set(),
    ) -> None:
        """`known`: the terms the pages' text uses; `pages_using(term)`: which pages use one.
        A word the pages use is a word in its own right, not a typo ("fluid" is not "flu"),
        and stands for a name word only as another form of it or where the pages using it
        carry that name ("cath" on the cath page)."""
        self._known = known
        self._pages_using = pages_using
        self._terms_of: dict[str, set[str]] = {}
        self._negated_of: dict[str, set[str]] = {}  # "EGD without biopsy": {"biopsy"}
        self._names_of: dict[str, list[frozenset[str]]] = {}  # each name's specific terms
        pages_with: dict[str, set[str]] = defaultdict(set)
        for page in pages:
            names = " ".join([page.title, *page.common_names])
            positive, negated = split_negated(names)
            page_terms = {t for t in name_terms(positive) if not t.isdigit()}
            self._negated_of[page.code] = negated - page_terms
            page_terms |= negated
            self._terms_of[page.code] = page_terms
            self._names_of[page.code] = [
                name
                for text in (page.title, *page.common_names)
                if len(name := frozenset(name_terms(text)) - GENERIC_TERMS) >= WHOLE_NAME_TERMS
            ]
            for term in page_terms:
                pages_with[term].add(page.code)
        n = max(len(self._terms_of), 1)
        self._pages_with = dict(pages_with)
        self._idf = {
            t: math.log(1 + n / len(codes)) * (0.5 if t in GENERIC_TERMS else 1.0)
            for t, codes in pages_with.items()
        }
        self._vocab = sorted(self._idf)
        self._by_length: dict[int, list[str]] = defaultdict(list)
        for word in self._vocab:
            self._by_length[len(word)].append(word)
        self._guesses: dict[str, str | None] = {}

    def name_term(self, term: str) -> str | None:
        """The name word a message word stands for: itself, a unique abbreviation ("cath"),
        or the closest spelling ("colonscopy"). Memoised: the vocabulary is fixed for the
        matcher's life and the same words come back in every message."""
        if term in self._idf:
            return term
        if term not in self._guesses:
            if len(self._guesses) > MAX_GUESSES:
                self._guesses.clear()
            self._guesses[term] = self._guess(term)
        return self._guesses[term]

    def _guess(self, term: str) -> str | None:
        if len(term) >= 4 and term in self._known:
            forms = self._completions(term, 2)
            if len(forms) != 1:
                return None
            (form,) = forms
            if _INFLECTION.fullmatch(form[len(term) :]):
                return form
            users = self._pages_using(term)
            local = len(users & self._pages_with[form]) >= ABBREVIATION_SHARE * len(users)
            return form if local else None  # "need" is not "needle"
        if len(term) >= 4:
            longer = self._completions(term, 2)
            shorter = [term[:k] for k in range(3, len(term)) if term[:k] in self._idf]
            if len(longer) == 1:
                return longer[0]  # "cath" for "catheterization"
            if len(shorter) == 1 and len(term) - len(shorter[0]) <= 4:
                return shorter[0]  # "eyeball" for "eye"
        if len(term) >= 5:
            # Only words whose length lets difflib's ratio reach the cutoff at all.
            candidates = [
                word
                for length, group in self._by_length.items()
                if 2 * min(len(term), length) / (len(term) + length) >= CLOSE_CUTOFF
                for word in group
            ]
            close = difflib.get_close_matches(term, candidates, n=1, cutoff=CLOSE_CUTOFF)
            if close:
                return close[0]
        return None

    def _completions(self, term: str, limit: int) -> list[str]:
        """Up to `limit` name words that start with `term` and are longer."""
        at = bisect.bisect_right(self._vocab, term)
        after = (self._vocab[i] for i in range(at, len(self._vocab)))  # no copy of the tail
        following = itertools.takewhile(lambda t: t.startswith(term), after)
        return list(itertools.islice(following, limit))

    def _query_terms(self, text: str) -> list[str]:
        found = (self.name_term(term) for term in [*name_terms(text), *self.compounds(text)])
        return list(dict.fromkeys(t for t in found if t))

    def compounds(self, text: str) -> dict[str, tuple[str, str]]:
        """Words the pages use that the message splits in two ("ear drum" for "eardrum",
        "wheel chair"), with the terms of the two halves."""
        found = {}
        for a, b in itertools.pairwise(words(text)):
            if a in STOPWORDS or b in STOPWORDS or len(a) < 2 or len(b) < 2:
                continue
            whole = stem(a + b)
            if whole in self._known:
                found[whole] = (stem(a), stem(b))
        return found

    def corrected(self, text: str) -> str:
        """The message plus the name words its typos stand for and the words it splits in
        two, for keyword search and the embedding."""
        said = set(terms(text))
        extra = [t for t in [*self._query_terms(text), *self.compounds(text)] if t not in said]
        return f"{text} {' '.join(dict.fromkeys(extra))}" if extra else text

    def without_name_of(self, code: str, text: str) -> str:
        """The message minus the words of one page's name: what is asked about it."""
        names = self._terms_of.get(code, set())
        kept = [w for w in words(text) if w in STOPWORDS or self.name_term(stem(w)) not in names]
        return " ".join(kept)

    def _split(self, text: str) -> tuple[str, set[str]]:
        """The message without its negated words, and the name words those stand for."""
        positive, negated_words = split_negated(text)
        return positive, {t for t in map(self.name_term, negated_words) if t}

    def rejects(self, code: str, text: str) -> bool:
        """The message negates a word this page's name holds: "and the one without biopsy"
        turns away from "EGD with biopsy"."""
        _, negated = self._split(text)
        named = self._terms_of.get(code, set()) - self._negated_of.get(code, set())
        return bool(negated & named)

    def _says_whole_name(self, code: str, said: set[str]) -> bool:
        """Whether the message's name words hold every specific word of one of the page's names."""
        return any(name <= said for name in self._names_of.get(code, []))

    def echoes(self, active: str, other: str, text: str) -> bool:
        """Whether the message names `other`, a page unrelated to `active`, only by words the
        `active` page uses too: "what kind of anesthesia do they use for it" after meniscus
        repair asks about that surgery, not about an anesthesia code. Sibling pages (names
        sharing a word: "diagnostic mammogram" after the screening one) and a whole name of
        `other` still switch."""
        active_name = self._terms_of.get(active, set()) - GENERIC_TERMS
        other_name = self._terms_of.get(other, set()) - GENERIC_TERMS
        if active_name & other_name:
            return False
        said = set(self._query_terms(self._split(text)[0]))
        if self._says_whole_name(other, said):
            return False
        shared = said & other_name
        return bool(shared) and all(active in self._pages_using(t) for t in shared)

    def other_body_part(self, code: str, text: str) -> str | None:
        """A body part the message puts before a word of this page's name while the page
        names another part and never mentions this one: "hip replacement" is not the
        "total knee replacement" page."""
        name = self._terms_of.get(code, set())
        parts = {BODY_PART[t] for t in name if t in BODY_PART}
        message = [stem(w) for w in words(text)]
        if not parts or parts & {BODY_PART.get(term) for term in message}:
            return None  # a page for no part in particular, or the message names its part too
        for at, term in enumerate(message):
            part = BODY_PART.get(term)
            if part is None:
                continue
            following = message[at + 1 : at + 1 + BODY_PART_REACH]
            if not any(self.name_term(t) in name - GENERIC_TERMS for t in following):
                continue
            if not any(code in self._pages_using(t) for t in PART_TERMS[part]):
                return term
        return None

    def mentions(self, text: str) -> list[Mention]:
        """Pages whose names share words with the message, best first. A word the message
        negates counts for the pages whose names negate it too and against those that
        name it ("brain mri with no dye" is not "MRI with contrast dye")."""
        positive, negated = self._split(text)
        query = self._query_terms(positive)
        negated -= set(query)
        total = sum(self._idf[t] for t in [*query, *negated])
        if not total:
            return []
        scores: dict[str, float] = defaultdict(float)
        specific: set[str] = set()
        for term in [*query, *negated]:
            for code in self._pages_with[term]:
                agrees = (term in negated) == (term in self._negated_of[code])
                scores[code] += (1 if agrees else -1) * self._idf[term] / total
                if agrees and term not in GENERIC_TERMS:
                    specific.add(code)
        said = set(query)
        if "with" in said and "without" not in said:  # "with contrast" is not "without and with"
            for code in self._pages_with.get("without", ()):
                if code in scores:
                    scores[code] -= self._idf["without"] / total
        return sorted(
            (
                Mention(code, score, code in specific, self._says_whole_name(code, said))
                for code, score in scores.items()
                if score > 0
            ),
            key=lambda m: m.score,
            reverse=True,
        )
