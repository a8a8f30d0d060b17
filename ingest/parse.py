"""Turn one procedure page (plain text, Markdown or HTML) into a `ProcedurePage`.

Published pages come in several templates and renderings (DESIGN.md, "Real-world page
variations"). Instead of rules per page, every format is first reduced to one stream of typed
lines (heading, text, bullet, step); a single set of rules then finds the title, the code, the
alternate names and the sections in that stream, so a fix for one format helps all of them.
"""

from __future__ import annotations

import codecs
import html
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from assistant.sections import SUMMARY, canonical_section, renamed_section
from ingest.page import IngestError, ProcedurePage, Section

SUPPORTED_SUFFIXES: frozenset[str] = frozenset({".txt", ".md", ".markdown", ".html", ".htm"})

_HTML_SUFFIXES = frozenset({".html", ".htm"})
_MARKDOWN_SUFFIXES = frozenset({".md", ".markdown"})
_MAX_DEPTH = 2  # three list levels: deeper nesting on real pages is layout, not meaning
_MAX_HEADING_WORDS = 8  # a plain-text line this short, capitalised and unpunctuated is a heading
_SEARCH_HINT = (
    "add front matter ('---' / 'code: 00632' / 'code_system: CPT4' / '---'), "
    'an HTML <meta name="code">, a URL like .../code/cpt4/00632-slug, '
    "or name the file like cpt4_00632.txt"
)

# --- characters ------------------------------------------------------------------------------

_CHAR_MAP = str.maketrans(
    "\u2018\u2019\u201a\u201b\u2032\u201c\u201d\u201e\u201f\u2033\u00a0\u2007\u202f",
    "'''''\"\"\"\"\"   ",
    "\u200b\u00ad\ufeff",
)
# Terminal colour codes and other control characters are never content (tabs and newlines are).
_ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_EMPHASIS = re.compile(r"(\*{1,3}|_{2,3})(\S(?:.*?\S)?)\1")
_HASH_RUN = re.compile(r"#{2,}")
_TAG = re.compile(r"</?[A-Za-z!][^>]*>")
_SPACES = re.compile(r"\s+")
_PUNCTUATION_END = re.compile(r"[.:;,!?)\]]$")


def _normalise_chars(text: str) -> str:
    """Make text identical whatever editor or CMS produced it, so matching never trips on it."""
    text = unicodedata.normalize("NFC", text).translate(_CHAR_MAP)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", _ANSI_ESCAPE.sub("", text))


def _clean_inline(text: str) -> str:
    """Reduce one line to plain words: downstream shows and embeds text, never markup."""
    text = _TAG.sub("", _normalise_chars(text))
    text = _EMPHASIS.sub(r"\2", _LINK.sub(r"\1", text)).replace("**", "")
    return _SPACES.sub(" ", _HASH_RUN.sub(" ", text)).strip()


def _label(text: str) -> str:
    """A heading as written minus its trailing colon: `Risks:` and `Risks` are the same heading."""
    return text.rstrip(" :").strip()


# --- the common line stream ------------------------------------------------------------------

_Kind = Literal["heading", "text", "bullet", "step"]


@dataclass(frozen=True)
class _Line:
    """One logical line of a page; every format is reduced to these so one set of rules applies."""

    kind: _Kind
    text: str
    level: int = 0  # heading level (1-6) for headings, nesting depth (0-2) for list items
    number: str = ""  # a step's number as written

    @property
    def is_item(self) -> bool:
        return self.kind in ("bullet", "step")


# --- plain text and Markdown -----------------------------------------------------------------

_MD_HEADING = re.compile(r"^(#{1,6})(?=[\s\-*+\u2022]|$)\s*(.*?)(?:\s+#+)?\s*$")
_BULLET = re.compile(
    r"^(?:[-*+\u2013]\s+|[\u2022\u2023\u2043\u25aa\u25a0\u25cf\u25cb\u25e6]\s*)(.*)$"
)
_STEP = re.compile(r"^(\d{1,3})[.)]\s+(.*)$")
_RULE = re.compile(r"^(?:[-*_=]\s*){3,}$")
_SCRIPT_BLOCK = re.compile(r"<(script|style)\b.*?</\1\s*>", re.I | re.S)


class _LineReader:
    """Reads text and Markdown line by line, remembering list indentation.

    Indentation is the only trace of nesting and of wrapped bullets in these formats, so it is
    tracked across lines (and across blank lines, which the blank-separated rendering puts
    between blocks).
    """

    def __init__(self) -> None:
        self.lines: list[_Line] = []
        self._indents: list[int] = []

    def add(self, raw: str) -> None:
        raw = raw.expandtabs(4)
        stripped = raw.strip()
        if not stripped or _RULE.match(stripped):
            return
        indent = len(raw) - len(raw.lstrip())
        heading = _MD_HEADING.match(stripped)
        if heading:
            stripped = heading[2]
            if not stripped:
                return  # a stray run of hashes left where a heading was emptied
            if not (_BULLET.match(stripped) or _STEP.match(stripped)):
                self._add_block(_Line("heading", _clean_inline(stripped), len(heading[1])))
                return
        if not self._add_item(stripped, indent):
            self._add_text(stripped, indent)

    def _add_item(self, stripped: str, indent: int) -> bool:
        bullet, step = _BULLET.match(stripped), _STEP.match(stripped)
        if bullet:
            line = _Line("bullet", _clean_inline(bullet[1]))
        elif step:
            line = _Line("step", _clean_inline(step[2]), number=step[1])
        else:
            return False
        if line.text:
            self.lines.append(replace(line, level=self._depth(indent)))
        return True

    def _add_text(self, stripped: str, indent: int) -> None:
        text = _clean_inline(stripped)
        if not text:
            return
        last = self.lines[-1] if self.lines else None
        if last and last.is_item and self._indents and indent > self._indents[-1]:
            self.lines[-1] = replace(last, text=f"{last.text} {text}")
        else:
            self._add_block(_Line("text", text))

    def _add_block(self, line: _Line) -> None:
        """A heading or an unindented paragraph ends any list, so nesting restarts after it."""
        self._indents.clear()
        if line.text:
            self.lines.append(line)

    def _depth(self, indent: int) -> int:
        while self._indents and self._indents[-1] > indent:
            self._indents.pop()
        if not self._indents or self._indents[-1] < indent:
            self._indents.append(indent)
        return min(len(self._indents) - 1, _MAX_DEPTH)


def _read_text(text: str) -> list[_Line]:
    """Entities and stray tags are decoded or dropped here too: Markdown may embed HTML."""
    reader = _LineReader()
    for raw in html.unescape(_SCRIPT_BLOCK.sub("", text)).splitlines():
        reader.add(raw)
    return reader.lines


# --- HTML ------------------------------------------------------------------------------------

_SKIPPED_TAGS = frozenset({"script", "style", "nav", "header", "footer", "noscript", "svg"})
_TEXT_BLOCKS = frozenset({"p", "div", "section", "article", "main", "aside", "blockquote", "pre"})
_LAYOUT_BLOCKS = frozenset({"body", "li", "table", "tr", "td", "th", "dt", "dd", "figcaption"})
_BLOCK_TAGS = _TEXT_BLOCKS | _LAYOUT_BLOCKS
_HEADING_TAGS = {f"h{level}": level for level in range(1, 7)}


@dataclass(frozen=True)
class _Declared:
    """Metadata a page states outright; it outranks anything inferred from the content."""

    where: str  # names the origin in error messages
    code: str = ""
    code_system: str = ""
    url: str = ""
    title: str = ""


class _HtmlReader(HTMLParser):
    """Turns HTML into the common line stream, keeping only what a reader of the page sees."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[_Line] = []
        self.meta: dict[str, str] = {}
        self.title = ""
        self._skipping = 0
        self._in_title = False
        self._buffer: list[str] = []
        self._heading = 0
        self._lists: list[list[int]] = []  # per open list: [is_ordered, last step number]
        self._item: _Line | None = None  # an opened <li> waiting for its text

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED_TAGS:
            self._skipping += 1
        elif tag in ("meta", "link"):
            self._read_meta(tag, {key.lower(): value or "" for key, value in attrs})
        elif self._skipping:
            return
        elif tag == "title":
            self._in_title = True
        elif tag == "br":
            self._line_break()
        elif tag in ("ul", "ol"):
            self._flush()
            start = dict(attrs).get("start") or "1"
            self._lists.append([tag == "ol", int(start) - 1 if start.isdigit() else 0])
        elif tag == "li":
            self._open_item()
        elif tag in _HEADING_TAGS:
            self._flush()
            self._heading = _HEADING_TAGS[tag]
        elif tag in _BLOCK_TAGS:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED_TAGS:
            self._skipping = max(0, self._skipping - 1)
        elif self._skipping:
            return
        elif tag == "title":
            self._in_title = False
        elif tag in ("ul", "ol") or tag in _HEADING_TAGS or tag in _BLOCK_TAGS:
            self._flush()
            if tag in ("ul", "ol") and self._lists:
                self._lists.pop()
            if tag in _HEADING_TAGS:
                self._heading = 0

    def handle_data(self, data: str) -> None:
        if self._skipping:
            return
        if self._in_title:
            self.title += data
        else:
            self._buffer.append(data)

    def close(self) -> None:
        super().close()
        self._flush()

    def _read_meta(self, tag: str, attrs: dict[str, str]) -> None:
        if tag == "link" and "canonical" in attrs.get("rel", "").lower().split():
            self.meta["canonical"] = attrs.get("href", "").strip()
        name = (attrs.get("name") or attrs.get("property") or "").lower().replace("-", "_")
        if tag == "meta" and name in ("code", "code_system", "og:url"):
            self.meta[name] = attrs.get("content", "").strip()

    def _line_break(self) -> None:
        """Inside a list item a <br> only wraps the item; elsewhere it separates lines."""
        if self._lists:
            self._buffer.append(" ")
        else:
            self._flush()

    def _open_item(self) -> None:
        self._flush()
        depth = min(max(len(self._lists) - 1, 0), _MAX_DEPTH)
        if self._lists and self._lists[-1][0]:
            self._lists[-1][1] += 1
            self._item = _Line("step", "", depth, str(self._lists[-1][1]))
        else:
            self._item = _Line("bullet", "", depth)

    def _flush(self) -> None:
        text = _clean_inline("".join(self._buffer))
        self._buffer.clear()
        if not text:
            return
        if self._heading:
            self.lines.append(_Line("heading", text, self._heading))
        elif self._item:
            self.lines.append(replace(self._item, text=text))
            self._item = None
        else:
            self.lines.append(_Line("text", text))


def _read_html(text: str) -> tuple[list[_Line], _Declared, str]:
    reader = _HtmlReader()
    reader.feed(text)
    reader.close()
    meta = reader.meta
    declared = _Declared(
        where="HTML <meta>",
        code=meta.get("code", ""),
        code_system=meta.get("code_system", ""),
        url=meta.get("canonical") or meta.get("og:url", ""),
    )
    site_title = _clean_inline(reader.title).split(" | ")[0]
    return reader.lines, declared, site_title


# --- front matter and format detection -------------------------------------------------------

_FRONT_MATTER = re.compile(r"\A\s*---[ \t]*\n(?P<body>.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_HTML_DOCUMENT = re.compile(r"<(?:!doctype\s+html|html|body)[\s>]", re.I)
_HTML_BLOCK = re.compile(r"<(?:h[1-6]|p)[\s>]", re.I)


def _split_front_matter(text: str) -> tuple[_Declared, str]:
    """Front matter is how staff pin a page's code when neither content nor file name has it."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return _Declared("front matter"), text
    fields: dict[str, str] = {}
    for line in match["body"].splitlines():
        key, colon, value = line.partition(":")
        if colon:
            fields[key.strip().lower()] = value.strip().strip("'\"").strip()
    declared = _Declared(
        where="front matter",
        code=fields.get("code", ""),
        code_system=fields.get("code_system") or fields.get("system", ""),
        url=fields.get("url", ""),
        title=_clean_inline(fields.get("title", "")),
    )
    return declared, text[match.end() :]


def _source_name(source: str) -> str:
    """The last path segment of a file path (POSIX or Windows) or of a URL."""
    path = urlsplit(source).path if "://" in source else source
    return re.split(r"[\\/]", path)[-1]


def _is_html(text: str, source: str) -> bool:
    """Suffix first; a Markdown file may embed the odd tag and must stay line-based."""
    suffix = Path(_source_name(source)).suffix.lower()
    if suffix in _HTML_SUFFIXES or _HTML_DOCUMENT.search(text):
        return True
    return suffix not in _MARKDOWN_SUFFIXES and bool(_HTML_BLOCK.search(text))


# --- codes -----------------------------------------------------------------------------------

_CODE = re.compile(r"\d{5}|\d{4}[FTU]|[ABCDEGHJKLMPQRSTV]\d{4}", re.I)
_CODE_REF = re.compile(
    r"\b(?P<system>HCPCS|CPT[-\w\u00ae]*)\s+code\s*:?\s*(?P<code>[A-Za-z0-9]{5})\b", re.I
)
_CODE_PREFIX = re.compile(r"^(?P<code>[A-Za-z0-9]{5})(?:\s*[-\u2013\u2014:|]\s*|\s+)(?=\S)")
_URL_CODE = re.compile(r"/(?P<system>cpt[-\w]*|hcpcs)/(?P<code>[A-Za-z0-9]{5})(?=$|[-_/.])", re.I)
_NAME_CODE = re.compile(
    r"^(?:(?P<system>cpt-?4?|hcpcs)[-_ ]?)?(?P<code>[A-Za-z0-9]{5})(?=$|[-_. ])", re.I
)


@dataclass(frozen=True)
class _Code:
    """A code and, when the place it was found says so, its system."""

    code: str
    system: str | None = None


def _as_code(text: str) -> str | None:
    text = text.strip()
    return text.upper() if _CODE.fullmatch(text) else None


def _system(value: str) -> str | None:
    """Map the many spellings seen (`cpt-4`, `CPT®`, `HCPCS Level II`) to the two systems."""
    key = re.sub(r"[^a-z0-9]", "", value.lower())
    if key.startswith("cpt"):
        return "CPT4"
    if key.startswith("hcpcs"):
        return "HCPCS"
    return None


def _match_code(match: re.Match[str] | None) -> _Code | None:
    if not match or not (code := _as_code(match["code"])):
        return None
    system = match.groupdict().get("system")
    return _Code(code, _system(system) if system else None)


def _name_code(name: str) -> _Code | None:
    """Only a code at the start of a name counts, so hash-named files are never misread."""
    return _match_code(_NAME_CODE.match(name))


def _url_code(url: str) -> _Code | None:
    path = urlsplit(url).path
    return _match_code(_URL_CODE.search(path)) or _name_code(_source_name(path))


def _title_code(texts: Iterable[str]) -> _Code | None:
    for text in texts:
        found = _match_code(_CODE_PREFIX.match(text)) or _match_code(_CODE_REF.search(text))
        if found:
            return found
    return None


def _declared_code(declared: _Declared, source: str) -> _Code | None:
    if not declared.code:
        return None
    code = _as_code(declared.code)
    if code is None:
        raise IngestError(
            f"{source}: {declared.where} 'code' value '{declared.code}' is not a CPT/HCPCS code; "
            "expected e.g. 00632, 0528F or G0121"
        )
    return _Code(code)


def _declared_system(declared: _Declared, source: str) -> str | None:
    if not declared.code_system:
        return None
    system = _system(declared.code_system)
    if system is None:
        raise IngestError(
            f"{source}: {declared.where} 'code_system' value '{declared.code_system}' is not a "
            "known code system; expected CPT4 or HCPCS"
        )
    return system


# --- alternate names and titles --------------------------------------------------------------

_NAME_LABEL = (
    r"(?:common(?:ly used)?\s+names?(?:\s*\(s\))?"
    r"|(?:technical|medical)(?:\s*/\s*(?:technical|medical))?\s+terms?(?:\s*\(s\))?"
    r"|other\s+names?)"
)
_KNOWN_AS = r"(?:also|commonly)\s+(?:known\s+as|called)"
_LABELLED_LINE = re.compile(rf"^{_NAME_LABEL}\s*(?::\s*(?P<value>.*)|$)", re.I)
_KNOWN_AS_LINE = re.compile(rf"^{_KNOWN_AS}\s*:?\s*(?P<value>.*)$", re.I)
_TITLE_PARENS = re.compile(
    rf"\(\s*(?:{_NAME_LABEL}|{_KNOWN_AS})\s*:?\s*(?P<value>[^()]*(?:\(s\)[^()]*)?)\)", re.I
)
_TITLE_TAIL = re.compile(
    rf"[\s,;\u2013\u2014-]*\b(?:{_NAME_LABEL}|{_KNOWN_AS})\s*:?\s*(?P<value>.+)$", re.I
)
_EMPTY_PARENS = re.compile(r"\(\s*[,;:]?\s*\)")


def _strip_code_refs(text: str) -> str:
    """`(HCPCS Code: V2784)` repeats the page's code; it is neither title nor name."""
    return _SPACES.sub(" ", _EMPTY_PARENS.sub("", _CODE_REF.sub("", text))).strip()


def _split_names(value: str) -> list[str]:
    names = []
    for part in re.split(r"\s*[;,]\s*", _strip_code_refs(value)):
        name = re.sub(r"^(?:and|or)\s+", "", part.strip(" .'\""), flags=re.I)
        if name:
            names.append(name)
    return names


def _split_title(text: str) -> tuple[str, list[str]]:
    """Separate the procedure's name from the alternate names and code some titles carry."""
    names: list[str] = []

    def take(match: re.Match[str]) -> str:
        names.extend(_split_names(match["value"]))
        return ""

    text = _TITLE_TAIL.sub(take, _TITLE_PARENS.sub(take, text))
    prefix = _CODE_PREFIX.match(text)
    if prefix and _as_code(prefix["code"]):
        text = text[prefix.end() :]
    return _strip_code_refs(text).strip(" ,;:-\u2013\u2014"), names


def _name_value(line: _Line, *, in_header: bool) -> str | None:
    """The names a label line gives ("" for a bare label whose bullets follow), else None.

    `Also known as ...` only counts before the first section: inside one it opens a sentence.
    """
    if line.is_item and not in_header:
        return None  # a bullet under a section is content; in the header, "- Also known as: …"
    match = _LABELLED_LINE.match(line.text)
    if not match and in_header:
        match = _KNOWN_AS_LINE.match(line.text)
    return (match["value"] or "") if match else None


def _pull_names(lines: list[_Line], *, in_header: bool) -> tuple[list[_Line], list[str]]:
    """Move alternate-name labels (and bullets under a bare label) out of the content."""
    kept: list[_Line] = []
    names: list[str] = []
    under_label = False
    for line in lines:
        if under_label and line.is_item:
            names.extend(_split_names(line.text))
            continue
        value = _name_value(line, in_header=in_header)
        under_label = value == ""
        if value is None:
            kept.append(line)
        else:
            names.extend(_split_names(value))
    return kept, names


def _unique(names: Iterable[str], title: str) -> tuple[str, ...]:
    """Pages repeat names across labels and title; a repeat adds nothing for search."""
    seen = {title.casefold()}
    unique = []
    for name in names:
        if name.casefold() not in seen:
            seen.add(name.casefold())
            unique.append(name)
    return tuple(unique)


# --- header ----------------------------------------------------------------------------------

_SEARCH_LINE = re.compile(r"^search all (?:medical )?codes$", re.I)
_SYSTEM_LINE = re.compile(r"^(?P<system>CPT\S*|HCPCS(?: level ii)?)\s+codes?:?$", re.I)
_TAG_LINE = re.compile(r"^(?:CPT|HCPCS)[A-Z0-9\u00ae]*$")
_NAME_OF_PROCEDURE = re.compile(r"^name of (?:the )?procedure\b\s*:?\s*(?P<value>.*)$", re.I)


@dataclass
class _Header:
    """What the lines before the first section say about the page."""

    title: str = ""
    names: list[str] = field(default_factory=list)
    preamble: list[_Line] = field(default_factory=list)
    crumb: _Code | None = None  # from `Codes / HCPCS / A4253`
    title_code: _Code | None = None  # from `A4253 - Title` or `(HCPCS Code: A4253)`
    system: str | None = None  # from the `CPT4 code` / `HCPCS code` line


def _breadcrumb(text: str) -> _Code | None:
    parts = re.split(r"\s*[/>\u203a\u00bb]\s*", text)
    if len(parts) < 3 or parts[0].casefold() != "codes" or not (code := _as_code(parts[-1])):
        return None
    return _Code(code, next(filter(None, map(_system, parts[1:-1])), None))


def _drop_chrome(lines: list[_Line], header: _Header) -> tuple[list[_Line], int | None]:
    """Drop site chrome, noting the code hints it holds; returns the rest and where the title
    given by `Name of the Procedure` sits in it, if the page has that label."""
    kept: list[_Line] = []
    title_at: int | None = None
    for line in lines:
        crumb = _breadcrumb(line.text)
        system_line = _SYSTEM_LINE.match(line.text)
        name_label = _NAME_OF_PROCEDURE.match(line.text)
        if crumb:
            header.crumb = header.crumb or crumb
        elif system_line:
            header.system = header.system or _system(system_line["system"])
        elif name_label and title_at is None:
            title_at = len(kept)
            if name_label["value"]:
                kept.append(_Line("text", name_label["value"]))
        elif not (_SEARCH_LINE.match(line.text) or _TAG_LINE.match(line.text)):
            kept.append(line)
    return kept, title_at


def _title_index(lines: list[_Line], site_title: str) -> int | None:
    """Without a `Name of the Procedure` label the title is the first heading; a page with
    neither heading nor <title> names itself in its first plain line."""
    for index, line in enumerate(lines):
        if line.kind == "heading":
            return index
    if site_title:
        return None
    return next((index for index, line in enumerate(lines) if not line.is_item), None)


def _read_header(lines: list[_Line], site_title: str) -> _Header:
    lines, names = _pull_names(lines, in_header=True)
    header = _Header()
    kept, title_at = _drop_chrome(lines, header)
    if title_at is None:
        title_at = _title_index(kept, site_title)
    if title_at is None:
        chrome, title, header.preamble = [], site_title, kept
    elif title_at < len(kept):
        chrome, title, header.preamble = kept[:title_at], kept[title_at].text, kept[title_at + 1 :]
    else:  # `Name of the Procedure` was the last line before the first section
        chrome, title, header.preamble = kept, site_title, []
    header.title_code = _title_code([line.text for line in chrome] + [title])
    header.title, title_names = _split_title(title)
    chrome_names = [name for line in chrome for name in _split_title(line.text)[1]]
    header.names = chrome_names + title_names + names
    return header


# --- sections --------------------------------------------------------------------------------


def _known_heading(line: _Line) -> str | None:
    """The canonical section a line announces. List items and sentences (`Why it is done.`)
    never announce one, even when their words match a heading."""
    if line.is_item or line.text.endswith("."):
        return None
    return canonical_section(_label(line.text))


def _section_level(lines: list[_Line]) -> int | None:
    """The heading level the page uses for its known sections, if it marks headings at all."""
    levels = [line.level for line in lines if line.kind == "heading" and _known_heading(line)]
    return min(levels, default=None)


@dataclass
class _Draft:
    """A section still collecting its lines; empty ones are dropped once the page is read."""

    heading: str
    canonical: str
    lines: list[_Line] = field(default_factory=list)


def _plain_heading(line: _Line) -> bool:
    """A plain-text line set like a heading: a few capitalised words and no punctuation
    ("Understanding Your Results"), unlike a sub-label ("Blood Draw:") or a sentence."""
    words = line.text.split()
    return (
        line.kind == "text"
        and 0 < len(words) <= _MAX_HEADING_WORDS
        and line.text[0].isupper()
        and _PUNCTUATION_END.search(line.text) is None
        and all(word[0].isupper() or len(word) <= 4 for word in words)
    )


def _renamed_heading(line: _Line, level: int | None, current: _Draft, after: _Line | None) -> bool:
    """An unknown heading that starts a section: at the level of the known headings or, on a
    page that marks no headings, a heading-like line between text of the current section
    (right under a heading it is that section's sub-label) and text of its own."""
    if line.kind == "heading":
        return line.level == level
    return (
        level is None
        and bool(current.lines)
        and _plain_heading(line)
        and after is not None
        and after.kind != "heading"
        and not _known_heading(after)
    )


def _split_sections(lines: list[_Line], level: int | None) -> list[_Draft]:
    """Cut the body at section headings; `lines` must start with one.

    A canonical section seen before is not started again: on real pages such a repeat is a
    sub-label (`Procedure:` inside the description, `After the procedure:` inside the patient
    experience). An unknown heading is a renamed section ("After the Test" for recovery), or a
    sub-label when its words name the section it is in.
    """
    drafts: list[_Draft] = []
    seen: set[str] = set()
    for index, line in enumerate(lines):
        canonical = _known_heading(line)
        after = lines[index + 1] if index + 1 < len(lines) else None
        if canonical and canonical not in seen:
            seen.add(canonical)
            drafts.append(_Draft(_label(line.text), canonical))
        elif not canonical and _renamed_heading(line, level, drafts[-1], after):
            label = _label(line.text)
            renamed = renamed_section(label) or label
            if renamed == drafts[-1].canonical:
                drafts[-1].lines.append(line)
            else:
                drafts.append(_Draft(label, renamed))
        else:
            drafts[-1].lines.append(line)
    return drafts


def _render(lines: list[_Line]) -> str:
    """Plain text that keeps list structure: `- item`, `1. step`, two spaces per level."""
    rendered = []
    for line in lines:
        indent = "  " * line.level
        if line.kind == "bullet":
            rendered.append(f"{indent}- {line.text}")
        elif line.kind == "step":
            rendered.append(f"{indent}{line.number}. {line.text}")
        else:
            rendered.append(line.text)
    return "\n".join(rendered)


def _sections(lines: list[_Line], preamble: list[_Line]) -> tuple[Section, ...]:
    level = _section_level(lines)
    drafts = _split_sections(lines, level)
    if preamble and all(draft.canonical != SUMMARY for draft in drafts):
        drafts.insert(0, _Draft(SUMMARY, SUMMARY, preamble))
    return tuple(
        Section(draft.heading, draft.canonical, _render(draft.lines))
        for draft in drafts
        if draft.lines
    )


# --- the page --------------------------------------------------------------------------------


def _read_lines(text: str, source: str) -> tuple[_Declared, _Declared, list[_Line], str]:
    """Front matter, HTML metadata, the line stream and the HTML <title> of one page."""
    front, body = _split_front_matter(_normalise_chars(text))
    if _is_html(body, source):
        lines, meta, site_title = _read_html(body)
        return front, meta, lines, site_title
    return front, _Declared("HTML <meta>"), _read_text(body), ""


def _first_section(lines: list[_Line], source: str) -> int:
    for index, line in enumerate(lines):
        if _known_heading(line):
            return index
    raise IngestError(
        f"{source}: no section headings found; expected lines such as 'Summary' or '## Summary'"
    )


def _urls(front: _Declared, meta: _Declared, source: str) -> list[str]:
    urls = [front.url, meta.url, source if re.match(r"https?://", source) else ""]
    return [url for url in urls if url]


def _resolve_code(
    front: _Declared, meta: _Declared, urls: list[str], header: _Header, source: str
) -> tuple[str, str]:
    """Code and system by precedence: declared, URL, page header, file name."""
    candidates = [
        _declared_code(front, source),
        _declared_code(meta, source),
        *map(_url_code, urls),
        header.crumb,
        header.title_code,
        _name_code(_source_name(source)),
    ]
    found = next((candidate for candidate in candidates if candidate), None)
    if found is None:
        raise IngestError(f"{source}: no procedure code found; {_SEARCH_HINT}")
    system = (
        _declared_system(front, source)
        or _declared_system(meta, source)
        or header.system
        or (header.crumb.system if header.crumb else None)
        or found.system
        or ("HCPCS" if found.code[0].isalpha() else "CPT4")
    )
    return found.code, system


def parse(text: str, source: str) -> ProcedurePage:
    """Parse one page; `source` (path or URL) names it in errors and may carry its code."""
    front, meta, lines, site_title = _read_lines(text, source)
    start = _first_section(lines, source)
    header = _read_header(lines[:start], site_title)
    body, body_names = _pull_names(lines[start:], in_header=False)
    urls = _urls(front, meta, source)
    code, system = _resolve_code(front, meta, urls, header, source)
    title = front.title or header.title or f"{system} {code}"
    # A page's own name line under a front-matter title ("… (Depo-Provera)") is another name.
    own_name = [header.title] if front.title and header.title else []
    sections = _sections(body, header.preamble)
    if not sections:
        raise IngestError(
            f"{source}: every section is empty; expected text under headings such as "
            "'Summary' or 'Duration'"
        )
    return ProcedurePage(
        code=code,
        code_system=system,
        title=title,
        sections=sections,
        source=source,
        common_names=_unique(own_name + header.names + body_names, title),
        url=urls[0] if urls else "",
    )


# --- files -----------------------------------------------------------------------------------


def _decode(data: bytes) -> str:
    """UTF-8 first; legacy pages saved by Windows tools are cp1252, anything else latin-1."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def read_page(path: Path) -> ProcedurePage:
    """Read and parse one page file, refusing files that cannot be a procedure page."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        expected = ", ".join(sorted(SUPPORTED_SUFFIXES))
        raise IngestError(f"{path}: unsupported file type '{suffix}'; expected one of {expected}")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise IngestError(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    text = _decode(data)
    if not _normalise_chars(text).strip():
        raise IngestError(f"{path}: file is empty; expected a procedure page")
    if "\x00" in text:
        raise IngestError(
            f"{path}: looks like a binary file; expected a text, Markdown or HTML page"
        )
    return parse(text, str(path))
