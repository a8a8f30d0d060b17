"""What a parsed procedure page is: small frozen values shared by parse, chunk and sync."""

from __future__ import annotations

from dataclasses import dataclass, field


class IngestError(ValueError):
    """A page that cannot be ingested; the message names the file and what was expected."""


@dataclass(frozen=True)
class Section:
    heading: str  # as written on the page, e.g. "Risks"
    canonical: str  # canonical name from assistant.sections, e.g. "Risks and Complications"
    text: str  # plain text; bullets as "- item", numbered steps as "1. step", one per line


@dataclass(frozen=True)
class ProcedurePage:
    code: str  # e.g. "00632", "G0121", "0528F"
    code_system: str  # "CPT4" or "HCPCS"
    title: str  # the procedure's name as written, without the code prefix
    sections: tuple[Section, ...]
    source: str  # path or URL the page came from
    common_names: tuple[str, ...] = field(default=())  # alternate names patients use
    url: str = ""
