"""Prompts and fixed messages as versioned files that staff can edit without touching code.

Layout and format are documented in `prompts/README.md`: one folder per prompt holding
`v1.md`, `v2.md`, ... (Markdown with YAML front matter). The highest version is active unless
a caller pins another. Files are validated when loaded, because a broken prompt found while a
patient waits is far worse than one refused at start-up with a message saying what to fix.
"""

from __future__ import annotations

import os
import re
import secrets
import string
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import yaml

if TYPE_CHECKING:
    from langchain_core.prompts import PromptTemplate

# The values the assistant's code fills for each prompt it uses. A file that declares other
# variables would only fail later, at `format` time, in front of a patient.
REQUIRED_VARIABLES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "system": (),
        "answer": ("question", "context", "procedure"),
        "rewrite": ("history", "question"),
        "refusal": (),
        "clarify": ("candidates",),
        "clarify_open": (),
        "emergency": (),
        "decline_advice": (),
        "disclaimer": (),
        "no_content": (),
        "too_long": ("limit",),
        "greeting": (),
        "thanks": (),
    }
)
REQUIRED_PROMPTS: tuple[str, ...] = tuple(REQUIRED_VARIABLES)

_FIELDS = ("name", "version", "description", "input_variables")
_VERSION_FILE = re.compile(r"v([1-9][0-9]*)\.md")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)^---[ \t]*$(.*)\Z", re.DOTALL | re.MULTILINE)
_BRACE_HINT = "write {{ for { and }} for }"


class PromptError(ValueError):
    """A prompt file (or folder) that cannot be used; `path` lets a UI point at the culprit."""

    def __init__(self, path: Path, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


@dataclass(frozen=True)
class Prompt:
    """One validated version; `path` is kept so every later error can name the file."""

    name: str
    version: int
    description: str
    template: str
    input_variables: tuple[str, ...]
    path: Path

    def format(self, **values: str) -> str:
        """Fill the template; exact variables are required so a code/file mismatch is loud."""
        declared = set(self.input_variables)
        missing = sorted(declared - values.keys())
        unknown = sorted(values.keys() - declared)
        if missing:
            raise PromptError(self.path, f"format() is missing values for {_braced(missing)}")
        if unknown:
            raise PromptError(
                self.path,
                f"format() got {_braced(unknown)}, which input_variables does not declare",
            )
        return self.template.format(**values)

    def to_langchain(self) -> PromptTemplate:
        """The same template for LangChain chains; imported lazily so offline mode never pays."""
        from langchain_core.prompts import PromptTemplate

        return PromptTemplate(template=self.template, input_variables=list(self.input_variables))


@dataclass(frozen=True)
class PromptSet:
    """The prompts one answerer uses, fixed at load time so a conversation never sees a mix."""

    directory: Path
    prompts: Mapping[str, Prompt]

    def __post_init__(self) -> None:
        # A read-only copy: callers sharing a set across sessions must not alter each other's.
        object.__setattr__(self, "prompts", MappingProxyType(dict(self.prompts)))

    def __getitem__(self, name: str) -> Prompt:
        try:
            return self.prompts[name]
        except KeyError:
            raise KeyError(
                f"no prompt {name!r}; loaded: {', '.join(sorted(self.prompts))}"
            ) from None

    def versions(self) -> dict[str, str]:
        """Name -> version as text, recorded with every answer and eval run for comparison."""
        return {name: str(self.prompts[name].version) for name in sorted(self.prompts)}

    def with_override(self, prompt: Prompt) -> PromptSet:
        """Swap in an edited prompt, so the prompt lab can compare it with the saved one."""
        current = self[prompt.name]
        if set(prompt.input_variables) != set(current.input_variables):
            raise PromptError(
                prompt.path,
                f"input_variables {list(prompt.input_variables)} differ from "
                f"{list(current.input_variables)} in {current.path}; the code fills the latter",
            )
        return PromptSet(self.directory, {**self.prompts, prompt.name: prompt})


def prompt_path(directory: Path, name: str, version: int) -> Path:
    return directory / name / f"v{version}.md"


def list_versions(directory: Path, name: str) -> list[int]:
    """Versions on disk, oldest first; other files in the folder (notes, backups) are ignored."""
    folder = directory / name
    if not folder.is_dir():
        return []
    matches = (_VERSION_FILE.fullmatch(child.name) for child in folder.iterdir())
    return sorted(int(match.group(1)) for match in matches if match)


def load_prompt_file(path: Path) -> Prompt:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise PromptError(path, "file not found") from None
    except UnicodeDecodeError:
        raise PromptError(path, "file is not UTF-8 text; save it with UTF-8 encoding") from None
    return parse_prompt(text, path)


def parse_prompt(text: str, path: Path) -> Prompt:
    """Validate text as if it were stored at `path`, so edits are checked before being saved."""
    meta, body = _split_front_matter(text.lstrip("\ufeff").replace("\r\n", "\n"), path)
    name, version, description, input_variables = _check_fields(meta, path)
    if name != path.parent.name:
        raise PromptError(
            path, f"name is {name!r} but the folder is {path.parent.name!r}; make them the same"
        )
    if path.name != f"v{version}.md":
        raise PromptError(
            path, f"version is {version} but the file is {path.name!r}; rename it to v{version}.md"
        )
    template = body.strip()
    if not template:
        raise PromptError(path, "the template (the text after the front matter) is empty")
    _check_variables(_placeholders(template, path), input_variables, path)
    return Prompt(name, version, description, template, input_variables, path)


def load_prompts(directory: Path, versions: Mapping[str, int] | None = None) -> PromptSet:
    """Latest version of every prompt folder, unless pinned; all required prompts must exist."""
    if not directory.is_dir():
        raise PromptError(directory, "prompts folder not found")
    pinned = dict(versions or {})
    folders = (child.name for child in directory.iterdir() if not child.name.startswith("."))
    names = sorted(name for name in folders if list_versions(directory, name))
    _check_required(directory, names)
    unknown = sorted(pinned.keys() - set(names))
    if unknown:
        raise PromptError(directory, f"cannot pin {_listed(unknown)}: no such prompt folder")
    prompts = {name: _load_version(directory, name, pinned.get(name)) for name in names}
    for prompt in prompts.values():
        _check_contract(prompt)
    return PromptSet(directory, prompts)


def save_prompt_version(
    directory: Path, name: str, template: str, description: str | None = None
) -> Prompt:
    """Write the edit as the next version; older files stay untouched so runs stay comparable."""
    existing = list_versions(directory, name)
    if not existing:
        raise PromptError(
            directory / name,
            f"no saved version of {name!r} to build on; create v1.md by hand (see README.md)",
        )
    previous = load_prompt_file(prompt_path(directory, name, existing[-1]))
    path = prompt_path(directory, name, existing[-1] + 1)
    _check_same_variables(_placeholders(template, path), previous, path)
    text = _render(
        name,
        previous.version + 1,
        previous.description if description is None else description.strip(),
        previous.input_variables,
        template,
    )
    prompt = parse_prompt(text, path)
    _write_new_file(path, text)
    return prompt


def _split_front_matter(text: str, path: Path) -> tuple[dict[str, Any], str]:
    if not re.match(r"---[ \t]*\n", text):
        raise PromptError(
            path, "missing front matter: the file must start with a '---' line (see README.md)"
        )
    match = _FRONT_MATTER.match(text)
    if match is None:
        raise PromptError(path, "front matter has no closing '---' line")
    try:
        meta = yaml.safe_load(match.group(1))
    except yaml.YAMLError as error:
        raise PromptError(path, f"front matter is not valid YAML: {_yaml_problem(error)}") from None
    if not isinstance(meta, dict):
        raise PromptError(
            path, f"front matter must be 'field: value' lines with {_listed(_FIELDS)}"
        )
    return meta, match.group(2)


def _yaml_problem(error: yaml.YAMLError) -> str:
    mark = getattr(error, "problem_mark", None)
    problem = getattr(error, "problem", None) or str(error)
    # +2: the mark counts from 0 inside the front matter, which starts on the file's line 2.
    return f"{problem} (line {mark.line + 2})" if mark is not None else problem


def _check_fields(meta: dict[str, Any], path: Path) -> tuple[str, int, str, tuple[str, ...]]:
    missing = [field for field in _FIELDS if field not in meta]
    if missing:
        raise PromptError(path, f"front matter is missing {_listed(missing)}; add it")
    unknown = sorted(str(key) for key in meta if key not in _FIELDS)
    if unknown:
        raise PromptError(
            path, f"front matter has unknown field {_listed(unknown)}; allowed: {_listed(_FIELDS)}"
        )
    name, version, description = meta["name"], meta["version"], meta["description"]
    if not isinstance(name, str) or not name.strip():
        raise PromptError(path, "name must be text, the same as the folder name")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise PromptError(path, "version must be a whole number from 1, as in the file name vN.md")
    if not isinstance(description, str) or not description.strip():
        raise PromptError(path, "description must be text saying what the prompt is for")
    return name, version, description.strip(), _check_declared(meta["input_variables"], path)


def _check_declared(declared: object, path: Path) -> tuple[str, ...]:
    if not isinstance(declared, list):
        raise PromptError(
            path, "input_variables must be a list such as [question, context] ([] for none)"
        )
    invalid = [item for item in declared if not isinstance(item, str) or not item.isidentifier()]
    if invalid:
        raise PromptError(
            path, f"input_variables has {invalid!r}; use plain names such as question or context"
        )
    if len(set(declared)) != len(declared):
        raise PromptError(path, "input_variables lists a name twice; list each once")
    return tuple(declared)


def _placeholders(template: str, path: Path) -> set[str]:
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as error:
        raise PromptError(
            path,
            f"unbalanced braces{_brace_line(template)} ({error}); "
            f"to show a brace as text, double it: {_BRACE_HINT}",
        ) from None
    fields = [(name, spec, conversion) for _, name, spec, conversion in parsed if name is not None]
    for name, spec, conversion in fields:
        if not name.isidentifier() or spec or conversion:
            raise PromptError(
                path,
                f"placeholder {_written(name, spec, conversion)} is not a plain name such as "
                f"{{question}}; if the braces are meant as text, double them: {_BRACE_HINT}",
            )
    return {name for name, _, _ in fields}


def _written(name: str, spec: str, conversion: str | None) -> str:
    """The placeholder as the author typed it, so they can find it in the text."""
    suffix = (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "")
    return "{" + name + suffix + "}"


def _brace_line(template: str) -> str:
    """Where the first bad brace is, since a long system prompt is hard to scan by eye."""
    for number, line in enumerate(template.splitlines(), start=1):
        try:
            list(string.Formatter().parse(line))
        except ValueError:
            return f" on template line {number}"
    return ""


def _check_variables(used: set[str], declared: tuple[str, ...], path: Path) -> None:
    undeclared = sorted(used - set(declared))
    if undeclared:
        name = undeclared[0]
        raise PromptError(
            path,
            f"template uses {{{name}}} but input_variables does not declare it; "
            "add it or remove the placeholder",
        )
    unused = [name for name in declared if name not in used]
    if unused:
        name = unused[0]
        raise PromptError(
            path,
            f"input_variables declares {name!r} but the template never uses {{{name}}}; "
            "use it or remove it from input_variables",
        )


def _check_same_variables(used: set[str], previous: Prompt, path: Path) -> None:
    """An edit cannot change the variables: the code fills exactly those of the saved version."""
    declared = set(previous.input_variables)
    if used == declared:
        return
    problems = [f"uses {_braced(sorted(used - declared))}"] if used - declared else []
    if declared - used:
        problems.append(f"never uses {_braced(sorted(declared - used))}")
    expected = _braced(previous.input_variables) or "no placeholders"
    raise PromptError(
        path,
        f"the template {' and '.join(problems)}; it must use exactly {expected}, as "
        f"{previous.path.name} declares, because those are the values the code fills",
    )


def _check_required(directory: Path, names: list[str]) -> None:
    missing = [name for name in REQUIRED_PROMPTS if name not in names]
    if missing:
        raise PromptError(
            directory,
            f"required prompt {_listed(missing)} missing; each needs a folder with a v1.md "
            "(restore it from version control, see README.md)",
        )


def _load_version(directory: Path, name: str, version: int | None) -> Prompt:
    available = list_versions(directory, name)
    if version is None:
        version = available[-1]
    if version not in available:
        raise PromptError(
            directory / name,
            f"cannot pin {name!r} to version {version}; available: {available}",
        )
    return load_prompt_file(prompt_path(directory, name, version))


def _check_contract(prompt: Prompt) -> None:
    expected = REQUIRED_VARIABLES.get(prompt.name)
    if expected is not None and set(prompt.input_variables) != set(expected):
        raise PromptError(
            prompt.path,
            f"input_variables must be {list(expected)} because those are the values the "
            f"assistant fills for {prompt.name!r}; it declares {list(prompt.input_variables)}",
        )


def _render(
    name: str, version: int, description: str, input_variables: tuple[str, ...], template: str
) -> str:
    meta = {
        "name": name,
        "version": version,
        "description": description,
        "input_variables": list(input_variables),
    }
    front = yaml.safe_dump(
        meta, sort_keys=False, allow_unicode=True, default_flow_style=None, width=1_000
    )
    return f"---\n{front}---\n{template.strip()}\n"


def _write_new_file(path: Path, text: str) -> None:
    """Temp file + rename, so a crash or a concurrent reader never sees half a prompt."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        with tmp.open("x", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():  # saved by someone else meanwhile: a saved version is never overwritten
            raise PromptError(path, "this version was just saved by someone else; reload and retry")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _listed(names: tuple[str, ...] | list[str]) -> str:
    return ", ".join(names)


def _braced(names: tuple[str, ...] | list[str]) -> str:
    return ", ".join("{" + name + "}" for name in names)
