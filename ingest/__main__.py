"""`python -m ingest [PATHS...] [--store DIR | --chroma-url URL] [--rebuild] [--json]`.

Exit codes: 0 every file went in, 1 some files failed (the rest went in), 2 unusable arguments
or an index that cannot be written.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from assistant.settings import settings_from_flags


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m ingest",
        description="Add, update and remove procedure pages in the index (incremental).",
    )
    parser.add_argument(
        "paths", nargs="*", type=Path, help="page files or folders (default: the sample content)"
    )
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--store", type=Path, help="index folder (default: the configured store)")
    where.add_argument("--chroma-url", help="use a Chroma server, e.g. http://127.0.0.1:8000")
    parser.add_argument("--rebuild", action="store_true", help="re-embed every page from scratch")
    parser.add_argument("--json", action="store_true", help="print the report as one JSON object")
    return parser


def print_summary(report: dict) -> None:
    pages, chunks = report["pages"], report["chunks"]
    print(
        f"pages: {pages['added']} added, {pages['updated']} updated, {pages['removed']} removed, "
        f"{pages['unchanged']} unchanged"
    )
    print(
        f"chunks: {chunks['added']} added, {chunks['removed']} removed, {chunks['total']} in the "
        f"index ({report['embedded']} embedded) in {report['seconds']:.2f} s"
    )
    for error in report["errors"]:
        print(f"error: {error['file']}: {error['reason']}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings = settings_from_flags(args.store, args.chroma_url)
    paths = args.paths or [settings.content_dir]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        print(f"error: no such file or folder: {', '.join(missing)}", file=sys.stderr)
        return 2

    from ingest.lock import StoreBusyError
    from ingest.sync import sync

    try:
        report = sync(paths, settings, rebuild=args.rebuild, progress=True).to_json()
    except (StoreBusyError, ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print_summary(report)
    return 1 if report["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
