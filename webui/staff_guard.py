"""The first line of every staff handler: who is signed in, or a refusal shown in the page."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import gradio as gr

from webui.context import AppContext
from webui.staff_auth import StaffAccessError, StaffSession


def staff_user(ctx: AppContext, staff: StaffSession | None) -> str:
    try:
        return ctx.gate.require(staff)
    except StaffAccessError as error:
        raise gr.Error(str(error)) from None


@dataclass(frozen=True)
class Loader:
    """A staff tab's "fill me in" handler, run right after a successful sign-in."""

    fn: Callable[..., Any]
    inputs: Sequence[Any]
    outputs: Sequence[Any]
