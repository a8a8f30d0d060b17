"""Escaping for every text the app renders itself.

Gradio sanitises chat HTML, but a patient's question or a page's text should not be able to
produce markup at all: shown literally, `<img src=x onerror=...>` is harmless and is also what
the person typed. Chat bubbles and source titles are rendered as Markdown, so text that must
stay literal is escaped for both HTML and Markdown.
"""

from __future__ import annotations

import html
import re

# Only what turns text into links, images, emphasis, headings or code; escaping more (".",
# "-") would make screen readers, which read the raw text, say "backslash" all the time.
_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_\[\]#~])")


def escape_html(text: str) -> str:
    return html.escape(text, quote=False)


def literal(text: str) -> str:
    """Text shown as written: no HTML, links, images, emphasis or headings."""
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", escape_html(text))


def page_markdown(text: str) -> str:
    """Page or answer text keeps its Markdown (bullets, bold) but loses HTML and images, so a
    page can format its own text yet never load or run anything."""
    return escape_html(text).replace("![", "!\\[")


def code_span(text: str) -> str:
    """A Markdown code span (file names, ids): its content is never parsed, only a backtick
    could end it early, so backticks are replaced."""
    return "`" + text.replace("`", "'").replace("\n", " ") + "`"
