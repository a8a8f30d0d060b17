"""Settings only the web app needs, kept out of `assistant.settings` (owned by the core).

Same sources and prefix as the core settings (`PROCEDURE_ASSISTANT_*` environment variables,
then `procedure_assistant.toml`), so operators configure both in one place.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr

from assistant.settings import PROJECT_ROOT, ProjectSettings


class WebSettings(ProjectSettings):
    staff_user: str = Field(
        default="", description="Staff sign-in name; empty (with the password) = staff area off."
    )
    staff_password: SecretStr = Field(
        default=SecretStr(""), description="Staff password; none is built in."
    )
    feedback_dir: Path = Field(
        # Ignored by git (.gitignore: /data/feedback/) and kept by `make clean`, unlike .index.
        default=PROJECT_ROOT / "data" / "feedback",
        description="Folder of feedback.jsonl, staff_log.jsonl and (if on) transcripts.jsonl.",
    )
    store_transcripts: bool = Field(
        default=False, description="Also log every question and answer (off: only feedback)."
    )
    staff_session_hours: float = Field(
        default=8.0, gt=0, description="A staff sign-in ends after this long."
    )

    @property
    def staff_enabled(self) -> bool:
        return bool(self.staff_user.strip() and self.staff_password.get_secret_value())
