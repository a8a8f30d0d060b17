"""The Gradio web app: `python app.py [--store DIR] [--host 127.0.0.1] [--port 7860]`.

A thin shell: settings and the shared Assistant are wired here, the app itself is `webui`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from assistant.settings import get_settings  # first: switches off telemetry before gradio loads


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Procedure Assistant web app")
    parser.add_argument("--store", type=Path, help="index folder (default: configured store)")
    parser.add_argument("--host", default="127.0.0.1", help="interface to listen on")
    parser.add_argument("--port", type=int, default=7860)
    args = parser.parse_args(argv)
    settings = get_settings()
    if args.store:
        settings = settings.model_copy(update={"store_dir": args.store})

    from assistant.service import Assistant
    from webui.config import WebSettings
    from webui.context import AppContext
    from webui.server import build_app, serve
    from webui.staff_auth import DISABLED_NOTICE

    config = WebSettings()
    if not config.staff_enabled:
        print(DISABLED_NOTICE, file=sys.stderr)
    assistant = Assistant(settings)
    assistant.warm_up()
    context = AppContext.create(assistant, config)
    serve(build_app(context), args.host, args.port)


if __name__ == "__main__":
    main()
