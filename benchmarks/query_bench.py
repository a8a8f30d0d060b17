"""Query latency of `ask` (extractive answerer, model loaded) against the floor, per corpus size.

The floor is what any dense retriever over this index must pay per question: one query encode
plus one raw Chroma query with the k the engine asks for (CANDIDATE_K). It is measured right
before each timed `ask`, question by question, so both share the machine's state; the target
is a ratio of the two.

Three passes over the same questions, so that no instrument distorts the headline numbers:
1. uninstrumented: floor, then `ask` (history replayed first, untimed, as `eval` does);
2. instrumented: the same asks with per-stage timers (inclusive times; stages nest);
3. isolated components: BM25 scoring, exact code lookup, and a page's vectors from Chroma.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from benchmarks.measure import summary_ms, timed

WARM_UP_QUESTIONS = ("what is it", "how long does a knee arthroscopy take")


def query_targets(assistant: Any) -> dict[str, tuple[Any, str]]:
    """The stages of one `ask`, by the names its modules look them up under."""
    import assistant.conversation as conversation_module
    from assistant.corpus import Corpus
    from assistant.keyword import KeywordIndex
    from assistant.procedures import ProcedureMatcher
    from assistant.retrieval import Engine

    return {
        "safety screen": (conversation_module, "screen"),
        "engine.search (all retrieval)": (Engine, "search"),
        "query encode": (assistant.embedder, "encode_query"),
        "chroma dense query": (Corpus, "dense"),
        "BM25 scores": (KeywordIndex, "scores"),
        "BM25 unknown terms": (KeywordIndex, "unknown_terms"),
        "BM25 rows with all terms": (KeywordIndex, "rows_with_all"),
        "name matcher: typo correction": (ProcedureMatcher, "corrected"),
        "name matcher: mentions": (ProcedureMatcher, "mentions"),
        "name matcher: strip page name": (ProcedureMatcher, "without_name_of"),
        "score pages": (Engine, "_score_pages"),
        "decide page": (Engine, "_decide_page"),
        "rank sections": (Engine, "_rank_sections"),
        "page vectors (chroma get)": (Corpus, "vectors"),
        "compose answer": (assistant.answerer, "stream"),
        "corpus refresh check": (Corpus, "refresh"),
    }


def categories(case: Any, codes_in_corpus: set[str]) -> list[str]:
    """The routes a question exercises; a question can take several."""
    from assistant.procedures import find_codes

    kinds = []
    if case.history:
        kinds.append("follow-up")
    if any(c in codes_in_corpus for c in find_codes(case.question)):
        kinds.append("code lookup")
    if case.expected_outcome != "answer":
        kinds.append("not answered")
    return kinds or ["named/retrieved"]


def _golden_eval(results: Sequence[Any]) -> dict[str, Any] | None:
    """Metrics over the golden questions alone (generated ones have `synthetic-` ids)."""
    from assistant.evaluation import report

    golden = [r for r in results if not r.case.id.startswith("synthetic-")]
    return {"n": len(golden), **report(golden, {})["metrics"]} if golden else None


def _replay(assistant: Any, case: Any) -> Any:
    conversation = assistant.new_conversation()
    for earlier in case.history:
        conversation.ask(earlier)
    return conversation


def measure(assistant: Any, cases: Sequence[Any], k: int) -> dict[str, Any]:
    """Passes 1-3 of the module docstring over `cases` on a constructed, warm Assistant."""
    from assistant.evaluation import CaseResult, report
    from assistant.procedures import find_codes
    from benchmarks.instrument import patched

    for question in WARM_UP_QUESTIONS:
        assistant.new_conversation().ask(question)
    corpus, embedder = assistant.corpus, assistant.embedder
    collection = corpus.collection()
    codes = set(corpus.pages)

    floors, asks, encodes, raw_queries = [], [], [], []
    by_kind: dict[str, list[float]] = defaultdict(list)
    results = []
    for case in cases:
        conversation = _replay(assistant, case)
        vector, encode_s = timed(lambda q=case.question: embedder.encode_query(q))
        _, query_s = timed(
            lambda v=vector: collection.query(
                query_embeddings=[v.tolist()], n_results=k, include=["distances"]
            )
        )
        answer, ask_s = timed(lambda c=conversation, q=case.question: c.ask(q))
        encodes.append(encode_s)
        raw_queries.append(query_s)
        floors.append(encode_s + query_s)
        asks.append(ask_s)
        for kind in categories(case, codes):
            by_kind[kind].append(ask_s)
        results.append(CaseResult(case, answer, ask_s * 1000))

    stage_sums: dict[str, float] = defaultdict(float)
    with patched(query_targets(assistant)) as stages:
        for case in cases:
            conversation = _replay(assistant, case)
            stages.seconds.clear()  # count the timed question only, not its replayed history
            conversation.ask(case.question)
            for name, seconds in stages.seconds.items():
                stage_sums[name] += seconds

    keyword_s, lookup_s, fetch_s = [], [], []
    for case in cases:
        _, seconds = timed(lambda q=case.question: corpus.keyword.scores(q))
        keyword_s.append(seconds)
        found, seconds = timed(
            lambda q=case.question: [
                (c, corpus.rows_by_code[c]) for c in find_codes(q) if c in corpus.pages
            ]
        )
        lookup_s.append(seconds)
        if found:
            ids = [corpus.chunks[row].id for row in found[0][1]]
            _, seconds = timed(lambda i=ids: collection.get(ids=i, include=["embeddings"]))
            fetch_s.append(seconds)

    ask_summary = summary_ms(asks)
    floor_summary = summary_ms(floors)
    return {
        "questions": len(cases),
        "k": k,
        "ask_ms": ask_summary,
        "floor_ms": floor_summary,
        "query_encode_ms": summary_ms(encodes),
        "chroma_query_ms": summary_ms(raw_queries),
        "ratio_p50": round(ask_summary["p50"] / floor_summary["p50"], 2),
        "ratio_p95": round(ask_summary["p95"] / floor_summary["p95"], 2),
        "ask_by_kind_ms": {kind: summary_ms(v) for kind, v in sorted(by_kind.items())},
        "stages_mean_ms": {
            name: round(total / len(cases) * 1000, 3)
            for name, total in sorted(stage_sums.items(), key=lambda kv: -kv[1])
        },
        "components_ms": {
            "BM25 scores (all chunks)": summary_ms(keyword_s),
            "exact code lookup (find_codes + rows)": summary_ms(lookup_s),
            "page vectors fetch, uncached (chroma get)": summary_ms(fetch_s),
        },
        "eval": {"n": len(results), **report(results, {})["metrics"]},
        "eval_golden": _golden_eval(results),
    }
