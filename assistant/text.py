"""Word-level text helpers shared by the keyword index, intent detection and the composer."""

from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"[a-z0-9]+")

STOPWORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "me",
        "more",
        "most",
        "my",
        "myself",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "with",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "would",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "im",
        "ive",
        "id",
        "ill",
        "dont",
        "doesnt",
        "isnt",
        "wont",
        "cant",
        "u",
        "ur",
        "pls",
        "please",
        "hi",
        "hello",
        "thanks",
        "thank",
        "get",
        "gets",
        "got",
        "go",
        "going",
        "really",
        "also",
        "may",
        "might",
        "must",
        "shall",
        "s",
        "t",
    ]
)


def fold(text: str) -> str:
    """Lower-case ASCII-folded text, so 'Café' matches 'cafe' and curly quotes don't matter."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return text.lower().replace("\u2019", "'").replace("'", "")


def stem(word: str) -> str:
    """A deliberately light suffix stripper: enough to match 'injections'/'injection',
    'bleeding'/'bleed', without a stemming dependency that changes results between versions."""
    for suffix, keep in (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            if suffix == "s" and word.endswith("ss"):
                return word
            if suffix == "es" and not word.endswith(("ches", "shes", "sses", "xes", "zes")):
                continue
            return word[: -len(suffix)] + keep
    return word


def words(text: str) -> list[str]:
    """All lower-case word tokens, stopwords included."""
    return _WORD.findall(fold(text))


def terms(text: str) -> list[str]:
    """Content terms for keyword search: words without stopwords, lightly stemmed."""
    return [stem(w) for w in words(text) if w not in STOPWORDS]
