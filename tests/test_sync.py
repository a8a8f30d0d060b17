"""Incremental sync against the real bundled model and a real embedded Chroma."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import store_flags

from assistant.index import Store
from ingest.__main__ import main as ingest_main
from ingest.lock import StoreBusyError, store_lock
from ingest.sync import sync

SECTIONS_PER_PAGE = 4  # Summary, Preparation, Duration, Recovery in conftest.page_text


def stored(settings) -> set[str]:
    store = Store(settings)
    return store.stored_ids(store.load_manifest().collection)


def test_first_sync_indexes_every_section_of_every_page(settings, write_page, embedder):
    write_page("00632", "Lumbar sympathectomy")
    write_page("64520", "Lumbar sympathetic nerve block")
    report = sync([settings.content_dir], settings, embedder)
    assert (report.pages_added, report.chunks_added) == (2, 2 * SECTIONS_PER_PAGE)
    assert report.texts_embedded == 2 * SECTIONS_PER_PAGE
    manifest = Store(settings).load_manifest()
    assert stored(settings) == manifest.chunk_ids()
    records = Store(settings).load_records(manifest.generation)
    assert {r.canonical_section for r in records} == {
        "Summary",
        "Preparation",
        "Duration",
        "Recovery",
    }
    duration = next(r for r in records if r.code == "00632" and r.section == "Duration")
    assert duration.text == "The procedure takes about 30 minutes."
    assert "Lumbar sympathectomy" in duration.context_text


def test_no_change_run_embeds_nothing(settings, write_page, embedder):
    write_page("00632", "Lumbar sympathectomy")
    sync([settings.content_dir], settings, embedder)
    generation = Store(settings).load_manifest().generation
    report = sync([settings.content_dir], settings, embedder)
    assert report.texts_embedded == 0
    assert (report.pages_unchanged, report.pages_added, report.pages_updated) == (1, 0, 0)
    assert Store(settings).load_manifest().generation == generation


def test_changing_one_page_reembeds_only_that_page(settings, write_page, embedder):
    write_page("00632", "Lumbar sympathectomy")
    write_page("64520", "Lumbar sympathetic nerve block")
    sync([settings.content_dir], settings, embedder)
    before = Store(settings).load_manifest()

    write_page("64520", "Lumbar sympathetic nerve block", duration="about 20 minutes")
    report = sync([settings.content_dir], settings, embedder)

    assert report.texts_embedded == SECTIONS_PER_PAGE
    assert (report.pages_updated, report.pages_unchanged) == (1, 1)
    after = Store(settings).load_manifest()
    page_a = next(s for s in after.pages if s.endswith("cpt4_00632.txt"))
    page_b = next(s for s in after.pages if s.endswith("cpt4_64520.txt"))
    assert after.pages[page_a].chunk_ids == before.pages[page_a].chunk_ids
    assert not set(after.pages[page_b].chunk_ids) & set(before.pages[page_b].chunk_ids)
    assert stored(settings) == after.chunk_ids()


def test_deleted_file_removes_all_its_chunks(settings, write_page, embedder):
    write_page("00632", "Lumbar sympathectomy")
    gone = write_page("64520", "Lumbar sympathetic nerve block")
    sync([settings.content_dir], settings, embedder)
    gone.unlink()
    report = sync([settings.content_dir], settings, embedder)
    assert (report.pages_removed, report.chunks_removed) == (1, SECTIONS_PER_PAGE)
    assert report.texts_embedded == 0
    assert {cid.split("-")[0] for cid in stored(settings)} == {"00632"}


def test_rebuild_reembeds_every_page_into_a_fresh_collection(settings, write_page, embedder):
    write_page("00632", "Lumbar sympathectomy")
    sync([settings.content_dir], settings, embedder)
    old_collection = Store(settings).load_manifest().collection
    report = sync([settings.content_dir], settings, embedder, rebuild=True)
    assert report.rebuilt and report.texts_embedded == SECTIONS_PER_PAGE
    manifest = Store(settings).load_manifest()
    assert manifest.collection != old_collection
    assert old_collection not in {c.name for c in Store(settings).client().list_collections()}
    assert stored(settings) == manifest.chunk_ids()


def test_bad_file_is_reported_and_keeps_its_old_version(settings, write_page, embedder):
    good = write_page("00632", "Lumbar sympathectomy")
    sync([settings.content_dir], settings, embedder)
    before = Store(settings).load_manifest()

    good.write_text("just one line and no headings at all\n", encoding="utf-8")
    write_page("64520", "Lumbar sympathetic nerve block")
    report = sync([settings.content_dir], settings, embedder)

    assert [e.file.endswith("cpt4_00632.txt") for e in report.errors] == [True]
    assert "section" in report.errors[0].reason
    after = Store(settings).load_manifest()
    source = next(s for s in after.pages if s.endswith("cpt4_00632.txt"))
    assert after.pages[source].chunk_ids == before.pages[source].chunk_ids
    assert report.pages_added == 1
    assert stored(settings) == after.chunk_ids()


def test_two_files_with_the_same_code_reject_the_second(settings, write_page, embedder):
    write_page("00632", "Lumbar sympathectomy")
    twin = settings.content_dir / "00632-lumbar-copy.txt"
    twin.write_text((settings.content_dir / "cpt4_00632.txt").read_text(), encoding="utf-8")
    report = sync([settings.content_dir], settings, embedder)
    assert report.pages_added == 1
    assert len(report.errors) == 1 and "already used by" in report.errors[0].reason


def test_cli_reports_json_and_exits_1_when_a_file_fails(settings, write_page, capsys, monkeypatch):
    write_page("00632", "Lumbar sympathectomy")
    (settings.content_dir / "notes.pdf").write_bytes(b"%PDF-1.4")
    flags = store_flags(settings, monkeypatch)
    code = ingest_main([str(settings.content_dir), *flags, "--json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 1
    assert set(report) >= {"pages", "chunks", "errors", "seconds"}
    assert report["pages"] == {"added": 1, "updated": 0, "removed": 0, "unchanged": 0}
    assert report["chunks"]["total"] == SECTIONS_PER_PAGE
    assert report["errors"][0]["file"].endswith("notes.pdf")
    assert "unsupported file type" in report["errors"][0]["reason"]


def test_cli_exits_2_for_a_missing_path(tmp_path: Path, capsys):
    assert ingest_main([str(tmp_path / "nope"), "--store", str(tmp_path / "s")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_a_second_writer_is_refused_while_the_first_holds_the_store(settings, write_page):
    write_page("00632", "Lumbar sympathectomy")
    with store_lock(settings.store_dir), pytest.raises(StoreBusyError, match="PID"):
        sync([settings.content_dir], settings)
