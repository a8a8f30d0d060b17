"""Small procedure pages in the seed format, for tests that need files to ingest."""

from __future__ import annotations


def page_text(title: str, duration: str = "about 30 minutes", extra: str = "") -> str:
    """A small page in the seed format."""
    return f"""Search all medical codes

{title}

CPT4 code

Name of the Procedure:

{title}

Summary

{title} is a procedure described here for testing. {extra}

Preparation

  • Do not eat for 6 hours before.
  • Bring a list of your medicines.

Duration

The procedure takes {duration}.

Recovery

Most people return to work the next day.
"""
