"""Hybrid retrieval: exact code lookup + title words + dense (Chroma) + BM25, fused.

Two steps, because patients ask two things at once: which procedure (decided by an explicit
code, the procedure's name, the conversation's active procedure, or failing those a clear
retrieval winner) and which section of its page (dense similarity and keywords within the
page, boosted by the section the phrasing asks for).
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever

from assistant import sections as s
from assistant.corpus import Corpus, PageInfo
from assistant.embedder import Embedder
from assistant.index import Chunk
from assistant.intent import (
    CUE,
    INTENT_WORDS,
    asking_terms,
    asks_for_results,
    section_intents,
    topic_words,
)
from assistant.procedures import GENERIC_TERMS, Mention, ProcedureMatcher, find_codes
from assistant.section_model import FINGERPRINT_TEXT, SectionModel
from assistant.section_reader import SectionReader, section_side
from assistant.text import STOPWORDS, stem, terms, words

log = logging.getLogger(__name__)

CANDIDATE_K = 30  # chunks taken from each of dense and keyword search before fusion
MENTION_MIN = 0.5  # share of a message's title words a page must hold to count as named
NAMED_MIN_SIMILARITY = 0.2  # a name match on an unrelated question ("super bowl") is chance
CONFIDENT_SIMILARITY = 0.55  # a chunk this similar identifies the procedure without its name
CONFIDENT_MARGIN = 0.05  # ... if no other page comes as close (generic questions fit many)
SWITCH_SIMILARITY = 0.45  # a follow-up naming another procedure must fit it this well
FOLLOW_UP_MARGIN = 0.05  # ... and better than the active procedure by this much
W_PAGE_DENSE, W_PAGE_KEYWORD = 2.0, 0.3
TOPICAL_CHUNKS = 6  # a page's fit to a question: the mean similarity of its best chunks
CODE_SUMMARY_BOOST = 1.25  # "27447?" asks what the code is
RESULTS_BOOST = 0.1  # a results heading, for a question about a result (held-out 5 +1, training +4)
SIMILAR_PENALTY = 0.75  # the similar-codes list names other procedures: only when asked
OWN_WORD_MAX_ROWS = 40  # a word in more chunks than this is not looked up as one page's own
ELLIPSIS_MAX_WORDS = 8  # a message this short that asks nothing new keeps the last aspect
# Section ranking: the phrasing rules, the learned classifier, dense and keyword fit. Fitted
# as a conditional logit (softmax over the chosen page's sections) on 1,121 questions whose
# page was found: the golden set, held-out sets 1-6 and three training sets written for it
# (refitted on seven training sets in session 7: 0.05, 0.20, 1.0, 0.13, no better left out).
# Leave-one-set-out section accuracy 0.810 -> 0.835 against the earlier 0.3, 0.7, 1.0, 0.5
# (fitted on the golden set alone): the question's fit to the section's own text deserves far
# more weight than what its phrasing says in general. Held-out sets 7-11 were not used.
W_INTENT, W_CLASSIFIER, W_DENSE, W_KEYWORD = 0.05, 0.22, 1.0, 0.13
# The section reader (a cross-encoder) re-scores the best READ_TOP sections of those scores.
# Both chosen on the sets it never trained on (golden, held-out 7 and 10-20): re-scoring 3, 4
# or 8 sections, or weights of 0.02-0.1, were no better than 2 and 0.03.
READ_TOP, W_READER = 2, 0.03
# A lead this large over the runner-up was never overturned by the reader on 1,060 questions
# of those sets, so it is not consulted then: a third of the questions skip its ~50 ms.
READ_WITHIN = 0.3
# How a message reports what someone said or wants: no page needs these words, and their
# absence from the pages says nothing about the topic ("dentist said the root is close").
_FRAMING = frozenset(
    terms("said says say told tell tells mentioned asked wants wanted recommended suggested")
)
_TURNS_TO = re.compile(r"\W*(?:and |ok |okay |so |now )?(?:what|how) about\b", re.IGNORECASE)


@dataclass(frozen=True)
class PageScore:
    code: str
    score: float
    named: bool  # the message uses enough of this page's name words
    similarity: float  # best dense similarity of any of its chunks
    keyword: float  # best keyword score of any of its chunks, relative to the best page's


@dataclass(frozen=True)
class Hit:
    chunk: Chunk
    score: float
    similarity: float  # cosine similarity of question and chunk
    keyword: float = 0.0  # BM25 score relative to the page's best section
    reading: float = 0.0  # the section reader's score, when it read this section


@dataclass
class Retrieval:
    """Everything the conversation and the answerers need to decide and to cite."""

    code: str | None  # the procedure the question is about, if one could be decided
    how: str  # "code", "name", "active", "retrieval" or "none"
    hits: list[Hit]  # the chosen page's chunks, best first
    candidates: list[PageInfo]  # likely procedures, best first (for a clarifying question)
    intents: dict[str, float]  # the sections the message's own phrasing asks for
    top_similarity: float  # best dense similarity anywhere in the corpus
    named: list[str] = field(default_factory=list)  # codes the message names, best first
    unknown_terms: list[str] = field(default_factory=list)  # words no page contains
    aspect: dict[str, float] = field(default_factory=dict)  # section boosts that ranked them
    topic: str = ""  # page words for what the message asks in plain words ("put me under")


class Engine:
    """The retrieval engine over one corpus; thread-safe for concurrent chats."""

    def __init__(
        self,
        corpus: Corpus,
        embedder: Embedder,
        section_model: SectionModel | None = None,
        reader: SectionReader | None = None,
    ) -> None:
        self.corpus = corpus
        self.embedder = embedder
        self.section_model = section_model or SectionModel.load()
        self.reader = reader
        self._embedding_fits: bool | None = None
        self._matcher_generation = -1
        self._matcher = ProcedureMatcher([])

    @property
    def matcher(self) -> ProcedureMatcher:
        if self._matcher_generation != self.corpus.generation:
            corpus = self.corpus
            self._matcher = ProcedureMatcher(
                corpus.pages.values(), corpus.keyword.vocabulary, corpus.pages_using
            )
            self._matcher_generation = self.corpus.generation
        return self._matcher

    def search(
        self,
        question: str,
        active_code: str | None = None,
        k: int = 3,
        previous_aspect: dict[str, float] | None = None,
    ) -> Retrieval:
        """`previous_aspect`: what the chat's last question asked about, kept by a short
        message that asks nothing of its own ("how long does a colonoscopy take" ... "and an
        upper endoscopy?")."""
        corpus = self.corpus
        intents = section_intents(question)
        if corpus.empty:
            return Retrieval(None, "none", [], [], intents, 0.0)
        query = self.matcher.corrected(question)
        vector = self.embedder.encode_query(query)
        aspect = self._section_boosts(question, vector, intents)
        if not intents and previous_aspect and len(words(question)) <= ELLIPSIS_MAX_WORDS:
            aspect = previous_aspect
        dense = corpus.dense(vector, CANDIDATE_K)
        topic = topic_words(question)
        keyword_scores = corpus.keyword.scores(f"{query} {topic}")
        pages = self._score_pages(question, vector, dense, keyword_scores)
        top_similarity = dense[0][1] if dense else 0.0

        code, how, named = self._decide_page(question, active_code, pages, vector)
        ranking = aspect
        if how == "code" and not any(w >= 0.9 for w in intents.values()):
            ranking = {**aspect, s.SUMMARY: CODE_SUMMARY_BOOST}
        ranked = sorted(pages.values(), key=lambda p: p.score, reverse=True)
        candidates = [corpus.pages[p.code] for p in ranked if p.named or not named][:4]
        halves = {half for pair in self.matcher.compounds(question).values() for half in pair}
        unknown = [
            term
            for term in corpus.keyword.unknown_terms(query, ignore=INTENT_WORDS | _FRAMING | halves)
            if not self.matcher.name_term(term)  # a typo of a name ("colonoscopie") is known
        ]
        hits = []
        if code:
            # Within a page, its own name words only add noise ("cath" matches "cath lab").
            unnamed = self.matcher.without_name_of(code, question)
            if unnamed != question and unnamed.strip():
                keyword_scores = corpus.keyword.scores(f"{unnamed} {topic}")
            results = asks_for_results(question)
            hits = self._rank_sections(code, vector, keyword_scores, ranking, results)
            hits = self._read(question, hits)[:k]
        return Retrieval(
            code, how, hits, candidates, intents, top_similarity, named, unknown, aspect, topic
        )

    def _section_boosts(
        self, question: str, vector: np.ndarray, intents: dict[str, float]
    ) -> dict[str, float]:
        """Score added to each section: the rules' intents plus the classifier's probability."""
        if self._embedding_fits is None:
            fingerprint = self.embedder.encode_query(FINGERPRINT_TEXT)
            self._embedding_fits = self.section_model.fits(fingerprint)
            if not self._embedding_fits:
                log.warning(
                    "the section model was trained on another embedding model; using its word "
                    "weights only (retrain: python -m training.train_section_model)"
                )
        probabilities = self.section_model.probabilities(
            question, vector if self._embedding_fits else None
        )
        return {
            section: W_INTENT * intents.get(section, 0.0) + W_CLASSIFIER * p
            for section, p in probabilities.items()
        }

    def _score_pages(
        self,
        question: str,
        vector: np.ndarray,
        dense: list[tuple[int, float]],
        keyword_scores: np.ndarray,
    ) -> dict[str, PageScore]:
        """Each page's evidence: its name in the message, how well its chunks fit the
        question and its best chunk by keywords. Pages with no evidence at all are left out.

        The fit is the mean of the page's best few chunks, not its single best one: the page
        a question is about fits it in several sections, while a sibling page ("front tooth"
        vs "back tooth" root canal) often wins one section by chance. Taken from the dense
        candidates alone: fetching the pages' vectors cost p95 490 ms at 10,000 pages."""
        chunks = self.corpus.chunks
        dense_of: dict[str, list[float]] = defaultdict(list)  # best first, as Chroma returns
        for row, similarity in dense:
            dense_of[chunks[row].code].append(similarity)
        floor = dense[-1][1] if dense else 0.0
        best_keyword: dict[str, float] = {}
        top_keyword = float(keyword_scores.max()) if len(keyword_scores) else 0.0
        if top_keyword > 0:
            top = min(CANDIDATE_K, len(keyword_scores))
            for row in np.argpartition(-keyword_scores, top - 1)[:top]:
                if keyword_scores[row] > 0:
                    code = chunks[row].code
                    score = float(keyword_scores[row]) / top_keyword
                    best_keyword[code] = max(best_keyword.get(code, 0.0), score)
        mentions = {m.code: m for m in self.matcher.mentions(question)}
        own_words = self._own_words(question)
        pages = {}
        for code in {*dense_of, *best_keyword, *mentions, *own_words}:
            mention = mentions.get(code)
            share = mention.score if mention else 0.0
            if mention and mention.whole_name:  # however much else the message says
                share = max(share, MENTION_MIN)
            if code in own_words:  # "b12" names its page as much as half its name would,
                share = min(1.0, share + MENTION_MIN)  # on top of the name words it shares
                mention = mention or Mention(code, share, True)
            similarity = dense_of[code][0] if code in dense_of else 0.0
            if code not in dense_of and (code in own_words or (mention and mention.whole_name)):
                # A page named by a word of its own or its whole name can miss the dense
                # candidates when the rest of the message fits other pages better ("my vision
                # got blurry after 25 hbot sessions"). Everyday name words ("doctor") do not
                # earn the look: they name a page by chance.
                similarity = self._best_similarity(code, vector)
            keyword = best_keyword.get(code, 0.0)
            fit = self._fit(code, dense_of.get(code, []), floor)
            score = share + W_PAGE_DENSE * fit + W_PAGE_KEYWORD * keyword
            named = bool(
                mention
                and mention.specific
                and share >= MENTION_MIN
                and similarity >= NAMED_MIN_SIMILARITY
            )
            pages[code] = PageScore(code, score, named, similarity, keyword)
        return pages

    def _best_similarity(self, code: str, vector: np.ndarray) -> float:
        """The question's similarity to a page's best chunk, from its stored vectors."""
        rows = self.corpus.rows_by_code[code]
        return float((self.corpus.vectors(rows) @ vector).max())

    def _fit(self, code: str, similarities: list[float], floor: float) -> float:
        """Mean similarity of the page's best TOPICAL_CHUNKS chunks; those not among the dense
        candidates count as the last candidate's similarity, which bounds theirs."""
        wanted = min(TOPICAL_CHUNKS, len(self.corpus.rows_by_code[code]))
        best = similarities[:wanted]
        return (sum(best) + floor * (wanted - len(best))) / wanted

    def _own_words(self, question: str) -> set[str]:
        """Pages holding a word of the message that no other page holds ("b12"). Only words
        the model spells in pieces: in a small collection everyday words ("took") are on one
        page by chance."""
        everyday = self.embedder.whole_words
        candidates = {
            term for word, term in _naming_words(question).items() if word not in everyday
        }
        found = set()
        for term in candidates:
            if not term.isdigit():
                code = self.corpus.only_page_using(term, OWN_WORD_MAX_ROWS)
                if code:
                    found.add(code)
        return found

    def _decide_page(
        self,
        question: str,
        active_code: str | None,
        pages: dict[str, PageScore],
        vector: np.ndarray,
    ) -> tuple[str | None, str, list[str]]:
        codes = [c for c in find_codes(question) if c in self.corpus.pages]
        if codes:
            return codes[0], "code", codes
        ranked = sorted(pages.values(), key=lambda p: p.score, reverse=True)
        named = [p.code for p in ranked if p.named]
        best = ranked[0] if ranked else None
        # Words of its own ("crown", "root canal") let a message point at a page by content;
        # "when can i drive" fits every page's recovery section equally.
        specific = any(t not in INTENT_WORDS | GENERIC_TERMS for t in terms(question))
        if active_code in self.corpus.pages:
            if best is None or best.code == active_code:
                return active_code, "active", named
            # A follow-up keeps its procedure unless the message clearly turns to another one:
            # a name alone is not enough ("is it done with mesh"), the page must fit better too.
            active = self._best_similarity(active_code, vector)
            if best.named and self.matcher.rejects(active_code, question):
                return best.code, "name", named
            # Words of an unrelated page's name that the active page uses itself ("what kind
            # of anesthesia do they use for it") ask about the active page, unless the message
            # turns to them ("and what about the crutches").
            if not _TURNS_TO.match(question) and self.matcher.echoes(
                active_code, best.code, question
            ):
                return active_code, "active", named
            if best.named and best.similarity >= max(active + FOLLOW_UP_MARGIN, SWITCH_SIMILARITY):
                return best.code, "name", named
            if (
                specific
                and best.keyword > 0
                and best.similarity >= max(active + 3 * FOLLOW_UP_MARGIN, CONFIDENT_SIMILARITY)
            ):
                return best.code, "retrieval", named
            return active_code, "active", named
        runner_up = max((p.similarity for p in ranked[1:]), default=0.0)
        # Close runners-up mean a generic question ("who does the procedure") unless the
        # message has its own words that the best page contains.
        clear = (
            specific  # "what are the risks of the procedure" fits one page best by chance
            and best is not None
            and best.similarity >= CONFIDENT_SIMILARITY
            and (best.similarity >= runner_up + CONFIDENT_MARGIN or best.keyword > 0)
        )
        if best and (best.named or clear):
            return best.code, "name" if best.named else "retrieval", named
        if named:
            return named[0], "name", named
        only = self._only_page_with_all_terms(question)
        if only:
            return only, "keyword", named
        return None, "none", named

    def _only_page_with_all_terms(self, question: str) -> str | None:
        """A rare term combination found on one page only ("what is dry socket") names it. A
        single everyday word does not: "want" may be on one page by chance."""
        naming = _naming_words(question)
        if len(set(naming.values())) == 1 and naming.keys() <= self.embedder.whole_words:
            return None
        rows = self.corpus.keyword.rows_with_all(question, ignore=_not_naming(question))
        if rows is None or not len(rows):
            return None
        codes = {self.corpus.chunks[row].code for row in rows}
        return codes.pop() if len(codes) == 1 else None

    def _rank_sections(
        self,
        code: str,
        vector: np.ndarray,
        keyword_scores: np.ndarray,
        boosts: dict[str, float],
        results: bool = False,
    ) -> list[Hit]:
        rows = self.corpus.rows_by_code[code]
        similarity = self.corpus.vectors(rows) @ vector
        keyword = keyword_scores[rows]
        keyword = keyword / keyword.max() if keyword.max() > 0 else keyword
        hits = []
        for row, sim, kw in zip(rows, similarity, keyword, strict=True):
            chunk = self.corpus.chunks[row]
            boost = boosts.get(chunk.canonical_section, 0.0)
            if chunk.canonical_section == s.SIMILAR and boost < W_INTENT * CUE:
                boost -= SIMILAR_PENALTY
            if results and "result" in chunk.section.lower():
                boost += RESULTS_BOOST
            score = boost + W_DENSE * float(sim) + W_KEYWORD * float(kw)
            hits.append(Hit(chunk, score, float(sim), float(kw)))
        return sorted(hits, key=lambda h: h.score, reverse=True)

    def _read(self, question: str, hits: list[Hit]) -> list[Hit]:
        """The best READ_TOP sections re-scored with the reader's score, ahead of the rest,
        unless the best already leads by READ_WITHIN."""
        if self.reader is None or not hits:
            return hits
        if len(hits) > 1 and hits[0].score - hits[1].score >= READ_WITHIN:
            return hits
        top = hits[:READ_TOP]
        readings = self.reader.scores(
            question, [section_side(h.chunk.section, h.chunk.text) for h in top]
        )
        read = [
            replace(h, score=h.score + W_READER * float(r), reading=float(r))
            for h, r in zip(top, readings, strict=True)
        ]
        return sorted(read, key=lambda h: h.score, reverse=True) + hits[READ_TOP:]


def _not_naming(question: str) -> frozenset[str]:
    """Terms that never point at a page: what is asked ("is it risky"), and generic words."""
    return INTENT_WORDS | GENERIC_TERMS | asking_terms(question)


def _naming_words(question: str) -> dict[str, str]:
    """The message's words that may point at a page, with their terms."""
    ignore = _not_naming(question)
    terms_of = {word: stem(word) for word in words(question) if word not in STOPWORDS}
    return {word: term for word, term in terms_of.items() if term not in ignore}


class HybridRetriever(BaseRetriever):
    """LangChain face of the engine, for chains and tools that expect a retriever."""

    engine: Any
    active_code: str | None = None
    k: int = 3

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[Document]:
        result = self.engine.search(query, self.active_code, self.k)
        return [
            Document(
                page_content=hit.chunk.text,
                id=hit.chunk.id,
                metadata={**hit.chunk.metadata(), "score": hit.score},
            )
            for hit in result.hits
        ]
