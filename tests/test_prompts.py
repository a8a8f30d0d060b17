"""Prompt files: the shipped folder, validation messages, versions, saving and overrides."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant.prompts import (
    REQUIRED_PROMPTS,
    REQUIRED_VARIABLES,
    Prompt,
    PromptError,
    PromptSet,
    list_versions,
    load_prompt_file,
    load_prompts,
    parse_prompt,
    save_prompt_version,
)

PROMPTS_DIR = Path(__file__).resolve().parent.parent / "prompts"
SHIPPED_FILES = sorted(PROMPTS_DIR.glob("*/v*.md"))


def prompt_text(
    name: str = "answer",
    version: object = 1,
    variables: str = "[question]",
    body: str = "Question: {question}",
) -> str:
    return (
        f"---\nname: {name}\nversion: {version}\ndescription: A test prompt.\n"
        f"input_variables: {variables}\n---\n{body}\n"
    )


def answer_text(version: int) -> str:
    return prompt_text(
        "answer",
        version,
        "[question, context, procedure]",
        f"Version {version} about {{procedure}}: {{context}} / {{question}}",
    )


def write(directory: Path, name: str, version: int, text: str) -> Path:
    path = directory / name / f"v{version}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def prompts_dir(tmp_path: Path) -> Path:
    """A throw-away copy of the shipped prompts, so write tests never touch the real folder."""
    return Path(shutil.copytree(PROMPTS_DIR, tmp_path / "prompts"))


def problem(text: str, tmp_path: Path) -> str:
    """The error for `text` stored as answer/v1.md; every error must lead with the file."""
    path = tmp_path / "answer" / "v1.md"
    with pytest.raises(PromptError) as caught:
        parse_prompt(text, path)
    message = str(caught.value)
    assert message.startswith(f"{path}: "), "every error must name the file"
    assert caught.value.path == path
    return message


# --- the shipped folder ---------------------------------------------------------------------


def test_shipped_folder_loads_every_required_prompt() -> None:
    prompts = load_prompts(PROMPTS_DIR)
    assert set(REQUIRED_PROMPTS) <= set(prompts.prompts)
    for name in REQUIRED_PROMPTS:
        assert set(prompts[name].input_variables) == set(REQUIRED_VARIABLES[name])
        assert prompts[name].description


@pytest.mark.parametrize("path", SHIPPED_FILES, ids=lambda path: f"{path.parent.name}/{path.name}")
def test_every_shipped_prompt_file_validates(path: Path) -> None:
    prompt = load_prompt_file(path)
    assert prompt.name == path.parent.name
    assert prompt.path == path


def test_every_shipped_prompt_formats_with_the_values_the_code_fills() -> None:
    prompts = load_prompts(PROMPTS_DIR)
    for name, variables in REQUIRED_VARIABLES.items():
        text = prompts[name].format(**{variable: f"<{variable}>" for variable in variables})
        assert all(f"<{variable}>" in text for variable in variables)
        assert "{" not in text, f"{name} leaves an unfilled or doubled brace"


def test_shipped_answer_prompt_wraps_question_and_excerpts_in_delimiters() -> None:
    text = load_prompts(PROMPTS_DIR)["answer"].format(
        question="How long does it take?",
        context="[1] Lumbar sympathectomy (CPT4 00632) — Duration: About an hour.",
        procedure="unknown",
    )
    assert "<question>\nHow long does it take?\n</question>" in text
    assert "<excerpts>\n[1] Lumbar sympathectomy" in text
    assert "unknown" in text


def test_readme_documents_the_format_and_is_not_loaded_as_a_prompt() -> None:
    readme = (PROMPTS_DIR / "README.md").read_text(encoding="utf-8")
    assert "input_variables" in readme
    assert "README" not in load_prompts(PROMPTS_DIR).prompts


# --- validation errors ----------------------------------------------------------------------


def test_missing_front_matter_is_rejected(tmp_path: Path) -> None:
    assert "missing front matter" in problem("Question: {question}\n", tmp_path)


def test_unclosed_front_matter_is_rejected(tmp_path: Path) -> None:
    text = "---\nname: answer\nversion: 1\nQuestion: {question}\n"
    assert "no closing '---'" in problem(text, tmp_path)


def test_invalid_yaml_is_rejected_with_its_line(tmp_path: Path) -> None:
    text = prompt_text().replace("description: A test prompt.", "description: [unclosed")
    message = problem(text, tmp_path)
    assert "not valid YAML" in message
    assert "(line 5)" in message


def test_front_matter_that_is_not_fields_is_rejected(tmp_path: Path) -> None:
    assert "'field: value' lines" in problem("---\n- a list\n---\nHello\n", tmp_path)


@pytest.mark.parametrize("field", ["name", "version", "description", "input_variables"])
def test_missing_field_is_rejected_by_name(tmp_path: Path, field: str) -> None:
    lines = [line for line in prompt_text().splitlines() if not line.startswith(f"{field}:")]
    assert f"front matter is missing {field}" in problem("\n".join(lines), tmp_path)


def test_unknown_field_is_rejected(tmp_path: Path) -> None:
    text = prompt_text().replace("version: 1\n", "version: 1\nauthor: Sam\n")
    assert "unknown field author" in problem(text, tmp_path)


def test_name_must_match_folder(tmp_path: Path) -> None:
    message = problem(prompt_text(name="answers"), tmp_path)
    assert "name is 'answers' but the folder is 'answer'" in message


def test_version_must_match_file_name(tmp_path: Path) -> None:
    message = problem(prompt_text(version=2), tmp_path)
    assert "version is 2 but the file is 'v1.md'" in message


@pytest.mark.parametrize("version", ["'1'", "1.5", "0", "true"])
def test_version_must_be_a_positive_whole_number(tmp_path: Path, version: str) -> None:
    assert "version must be a whole number" in problem(prompt_text(version=version), tmp_path)


@pytest.mark.parametrize("variables", ["question", "", "[question, question]", "[a.b]"])
def test_input_variables_must_be_a_list_of_distinct_plain_names(
    tmp_path: Path, variables: str
) -> None:
    assert "input_variables" in problem(prompt_text(variables=variables), tmp_path)


def test_undeclared_placeholder_is_rejected(tmp_path: Path) -> None:
    message = problem(prompt_text(body="{question} about {foo}"), tmp_path)
    assert message.endswith(
        "template uses {foo} but input_variables does not declare it; "
        "add it or remove the placeholder"
    )


def test_declared_variable_the_template_never_uses_is_rejected(tmp_path: Path) -> None:
    message = problem(prompt_text(variables="[question, bar]"), tmp_path)
    assert "input_variables declares 'bar' but the template never uses {bar}; use it" in message


@pytest.mark.parametrize("body", ["Use {question} like {this", "JSON: }\n{question}"])
def test_unbalanced_braces_are_rejected_with_the_doubling_hint(tmp_path: Path, body: str) -> None:
    message = problem(prompt_text(body=body), tmp_path)
    assert "unbalanced braces on template line 1" in message
    assert "double it: write {{ for { and }} for }" in message


@pytest.mark.parametrize("placeholder", ["{question.text}", "{question[0]}", "{question!r}", "{}"])
def test_placeholders_must_be_plain_names(tmp_path: Path, placeholder: str) -> None:
    message = problem(prompt_text(body=f"{{question}} {placeholder}"), tmp_path)
    assert f"placeholder {placeholder} is not a plain name" in message


def test_empty_template_is_rejected(tmp_path: Path) -> None:
    message = problem(prompt_text(variables="[]", body="\n  \n"), tmp_path)
    assert "the template (the text after the front matter) is empty" in message


def test_doubled_braces_are_literal_text(tmp_path: Path) -> None:
    path = write(tmp_path, "answer", 1, prompt_text(body='Reply as {{"q": "{question}"}}'))
    assert load_prompt_file(path).format(question="hi") == 'Reply as {"q": "hi"}'


def test_windows_line_endings_and_byte_order_mark_are_accepted(tmp_path: Path) -> None:
    path = tmp_path / "answer" / "v1.md"
    path.parent.mkdir()
    path.write_bytes(b"\xef\xbb\xbf" + prompt_text().replace("\n", "\r\n").encode())
    prompt = load_prompt_file(path)
    assert (prompt.template, prompt.input_variables) == ("Question: {question}", ("question",))


def test_file_that_is_not_utf8_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "answer" / "v1.md"
    path.parent.mkdir()
    path.write_bytes(prompt_text(body="Caf\xe9 {question}").encode("latin-1"))
    with pytest.raises(PromptError, match="not UTF-8"):
        load_prompt_file(path)


# --- format and LangChain -------------------------------------------------------------------


def test_format_fills_every_variable() -> None:
    text = load_prompts(PROMPTS_DIR)["too_long"].format(limit="2000")
    assert "2000" in text


def test_format_rejects_missing_values() -> None:
    answer = load_prompts(PROMPTS_DIR)["answer"]
    with pytest.raises(PromptError, match=r"missing values for \{procedure\}") as caught:
        answer.format(question="q", context="c")
    assert str(answer.path) in str(caught.value)


def test_format_rejects_unknown_values() -> None:
    with pytest.raises(PromptError, match=r"got \{limit\}, which input_variables does not"):
        load_prompts(PROMPTS_DIR)["refusal"].format(limit="10")


@pytest.mark.parametrize("name", ["answer", "system", "clarify", "rewrite"])
def test_langchain_template_formats_the_same_text(name: str) -> None:
    prompt = load_prompts(PROMPTS_DIR)[name]
    values = {variable: f"value of {variable}" for variable in prompt.input_variables}
    assert prompt.to_langchain().format(**values) == prompt.format(**values)


def test_langchain_template_keeps_doubled_braces_literal(tmp_path: Path) -> None:
    path = write(tmp_path, "disclaimer", 1, prompt_text("disclaimer", 1, "[]", "Use {{x}}."))
    prompt = load_prompt_file(path)
    assert prompt.to_langchain().format() == prompt.format() == "Use {x}."


# --- versions and loading -------------------------------------------------------------------


def test_list_versions_sorts_numerically_and_ignores_other_files(prompts_dir: Path) -> None:
    for version in (2, 10):
        write(prompts_dir, "answer", version, answer_text(version))
    for stray in ("notes.md", "v3.md~", "v04.md", ".v5.md.1.tmp"):
        (prompts_dir / "answer" / stray).write_text("x", encoding="utf-8")
    assert list_versions(prompts_dir, "answer") == [1, 2, 10]
    assert list_versions(prompts_dir, "no_such_prompt") == []


def test_latest_version_is_active(prompts_dir: Path) -> None:
    write(prompts_dir, "answer", 2, answer_text(2))
    prompts = load_prompts(prompts_dir)
    assert prompts["answer"].version == 2
    assert prompts["answer"].template.startswith("Version 2")


def test_pinned_version_is_loaded_instead_of_latest(prompts_dir: Path) -> None:
    write(prompts_dir, "answer", 2, answer_text(2))
    prompts = load_prompts(prompts_dir, versions={"answer": 1})
    assert prompts["answer"].version == 1
    assert prompts["system"].version == 1


def test_pinning_a_version_that_does_not_exist_is_rejected(prompts_dir: Path) -> None:
    with pytest.raises(PromptError, match=r"cannot pin 'answer' to version 7; available: \[1\]"):
        load_prompts(prompts_dir, versions={"answer": 7})


def test_pinning_an_unknown_prompt_is_rejected(prompts_dir: Path) -> None:
    with pytest.raises(PromptError, match="cannot pin answr: no such prompt folder"):
        load_prompts(prompts_dir, versions={"answr": 1})


def test_missing_required_prompt_is_rejected_by_name(prompts_dir: Path) -> None:
    shutil.rmtree(prompts_dir / "emergency")
    with pytest.raises(PromptError, match="required prompt emergency missing") as caught:
        load_prompts(prompts_dir)
    assert caught.value.path == prompts_dir


def test_required_prompt_declaring_other_variables_than_the_code_fills_is_rejected(
    prompts_dir: Path,
) -> None:
    path = write(prompts_dir, "too_long", 2, prompt_text("too_long", 2, "[size]", "Cut at {size}."))
    with pytest.raises(PromptError, match=r"input_variables must be \['limit'\]") as caught:
        load_prompts(prompts_dir)
    assert caught.value.path == path


def test_invalid_latest_version_stops_loading_and_names_the_file(prompts_dir: Path) -> None:
    path = write(prompts_dir, "answer", 2, answer_text(2).replace("{question}", "{question"))
    with pytest.raises(PromptError, match="unbalanced braces") as caught:
        load_prompts(prompts_dir)
    assert caught.value.path == path


def test_missing_prompts_folder_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(PromptError, match="prompts folder not found"):
        load_prompts(tmp_path / "nowhere")


def test_versions_reports_the_active_version_of_every_prompt(prompts_dir: Path) -> None:
    write(prompts_dir, "answer", 2, answer_text(2))
    versions = load_prompts(prompts_dir).versions()
    assert versions == {name: "2" if name == "answer" else "1" for name in REQUIRED_PROMPTS}
    assert list(versions) == sorted(versions)


def test_prompt_set_cannot_be_changed_through_its_mapping(prompts_dir: Path) -> None:
    prompts = load_prompts(prompts_dir)
    with pytest.raises(TypeError):
        prompts.prompts["answer"] = prompts["system"]  # type: ignore[index]


def test_unknown_prompt_name_raises_key_error_listing_loaded_ones() -> None:
    with pytest.raises(KeyError, match="no prompt 'answr'; loaded: answer"):
        load_prompts(PROMPTS_DIR)["answr"]


# --- saving ---------------------------------------------------------------------------------


def test_save_writes_next_version_beside_the_old_one_and_makes_it_active(
    prompts_dir: Path,
) -> None:
    v1 = prompts_dir / "answer" / "v1.md"
    before = v1.read_bytes()
    template = "About {procedure}:\n<excerpts>\n{context}\n</excerpts>\nQ: {question}"
    saved = save_prompt_version(prompts_dir, "answer", template)
    assert (saved.version, saved.path) == (2, prompts_dir / "answer" / "v2.md")
    assert v1.read_bytes() == before
    assert list_versions(prompts_dir, "answer") == [1, 2]
    active = load_prompts(prompts_dir)["answer"]
    assert active == saved
    assert active.template == template
    assert active.description == load_prompt_file(v1).description


def test_save_can_replace_the_description(prompts_dir: Path) -> None:
    saved = save_prompt_version(prompts_dir, "disclaimer", "Not advice.", "Shorter: edited.")
    assert load_prompt_file(saved.path).description == "Shorter: edited."


def test_save_leaves_no_temporary_files(prompts_dir: Path) -> None:
    save_prompt_version(prompts_dir, "disclaimer", "Not medical advice.")
    assert sorted(p.name for p in (prompts_dir / "disclaimer").iterdir()) == ["v1.md", "v2.md"]


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("Only {question} and {context}", "never uses {procedure}"),
        ("{question} {context} {procedure} {extra}", "uses {extra}"),
    ],
)
def test_save_rejects_a_template_that_changes_the_variables(
    prompts_dir: Path, template: str, expected: str
) -> None:
    with pytest.raises(PromptError, match="must use exactly") as caught:
        save_prompt_version(prompts_dir, "answer", template)
    assert expected in str(caught.value)
    assert "v1.md declares" in str(caught.value)
    assert list_versions(prompts_dir, "answer") == [1]


@pytest.mark.parametrize("template", ["JSON: {", "   ", "{limit.real}"])
def test_save_validates_before_writing(prompts_dir: Path, template: str) -> None:
    with pytest.raises(PromptError):
        save_prompt_version(prompts_dir, "too_long", template)
    assert list_versions(prompts_dir, "too_long") == [1]


def test_save_needs_an_existing_prompt_to_build_on(prompts_dir: Path) -> None:
    with pytest.raises(PromptError, match="no saved version of 'new'"):
        save_prompt_version(prompts_dir, "new", "Hello")
    assert not (prompts_dir / "new").exists()


# --- overrides ------------------------------------------------------------------------------


def test_with_override_replaces_only_that_prompt(prompts_dir: Path) -> None:
    prompts = load_prompts(prompts_dir)
    saved = prompts["answer"]
    draft = parse_prompt(answer_text(2), prompts_dir / "answer" / "v2.md")  # not saved
    lab = prompts.with_override(draft)
    assert lab["answer"] is draft
    assert prompts["answer"] is saved
    assert {n: p for n, p in lab.prompts.items() if n != "answer"} == {
        n: p for n, p in prompts.prompts.items() if n != "answer"
    }
    assert lab.versions()["answer"] == "2"
    assert lab.directory == prompts.directory


def test_with_override_rejects_different_variables(prompts_dir: Path) -> None:
    prompts = load_prompts(prompts_dir)
    other = Prompt("answer", 2, "d", "{question}", ("question",), prompts_dir / "answer/v2.md")
    with pytest.raises(PromptError, match="the code fills the latter"):
        prompts.with_override(other)


def test_with_override_rejects_unknown_prompt(prompts_dir: Path) -> None:
    prompts = load_prompts(prompts_dir)
    stray = Prompt("answr", 1, "d", "Hi", (), prompts_dir / "answr/v1.md")
    with pytest.raises(KeyError):
        prompts.with_override(stray)


def test_prompt_set_built_by_hand_is_a_copy(prompts_dir: Path) -> None:
    source = dict(load_prompts(prompts_dir).prompts)
    prompts = PromptSet(prompts_dir, source)
    source.pop("answer")
    assert "answer" in prompts.prompts
