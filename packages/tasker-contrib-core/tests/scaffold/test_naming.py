"""Names in any casing become module, class and step names; unusable names are refused."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from tasker_contrib_core.errors import GenerationError, InvalidNameError
from tasker_contrib_core.scaffold import to_names
from tasker_contrib_core.scaffold.naming import (
    MAX_NAME_LENGTH,
    check_namespace,
    check_package,
    split_list,
)

if TYPE_CHECKING:
    from conftest import Project


@pytest.mark.parametrize(
    ("given", "snake", "pascal"),
    [
        ("ProcessPayment", "process_payment", "ProcessPayment"),
        ("processPayment", "process_payment", "ProcessPayment"),
        ("process_payment", "process_payment", "ProcessPayment"),
        ("process-payment", "process_payment", "ProcessPayment"),
        ("PROCESS_PAYMENT", "process_payment", "ProcessPayment"),
        ("HTTPRequestSender", "http_request_sender", "HttpRequestSender"),
        ("sendV2Notice", "send_v2_notice", "SendV2Notice"),
        ("step3", "step3", "Step3"),
        ("a", "a", "A"),
        ("fetch__rates--", "fetch_rates", "FetchRates"),
    ],
)
def test_any_casing_is_normalised(given: str, snake: str, pascal: str) -> None:
    names = to_names(given)
    assert (names.snake, names.pascal) == (snake, pascal)


def test_only_whole_keywords_are_refused() -> None:
    assert to_names("none-None").snake == "none_none"
    assert to_names("classify").snake == "classify"
    assert to_names("match").snake == "match"  # soft keywords are fine as module names


def test_a_trailing_handler_word_is_not_doubled() -> None:
    names = to_names("ProcessPaymentHandler", strip_suffixes=("handler",))
    assert names.snake == "process_payment"
    assert names.class_name("Handler") == "ProcessPaymentHandler"
    assert to_names("Handler", strip_suffixes=("handler",)).snake == "handler"


#: Every kind of name the generators refuse, with words the error must contain.
REFUSED = [
    pytest.param("", "empty", id="empty"),
    pytest.param("   ", "empty", id="blank"),
    pytest.param("class", "keyword", id="keyword"),
    pytest.param("Import", "keyword", id="keyword-any-casing"),
    pytest.param("async", "keyword", id="keyword-async"),
    pytest.param("orders/process", "path separator", id="slash"),
    pytest.param("orders\\process", "path separator", id="backslash"),
    pytest.param("/etc/passwd", "path separator", id="absolute-path"),
    pytest.param("..", "'..'", id="dotdot"),
    pytest.param("..process", "'..'", id="dotdot-prefix"),
    pytest.param("process.payment", "'.'", id="dot"),
    pytest.param("process payment", "' '", id="space"),
    pytest.param("pay$", "'$'", id="dollar"),
    pytest.param("café", "'é'", id="non-ascii"),
    pytest.param("3d_render", "start with a letter", id="leading-digit"),
    pytest.param("_private", "start with a letter", id="leading-underscore"),
    pytest.param("-dash", "start with a letter", id="leading-dash"),
    pytest.param("__init__", "start with a letter", id="dunder"),
    pytest.param("a" * (MAX_NAME_LENGTH + 1), "characters or fewer", id="too-long"),
    pytest.param("x" * 500, "longer than", id="absurdly-long"),
]


@pytest.mark.parametrize(("name", "words"), REFUSED)
def test_unusable_names_are_refused(name: str, words: str) -> None:
    with pytest.raises(InvalidNameError) as caught:
        to_names(name, what="handler name")
    message = str(caught.value)
    assert message.startswith("handler name ")
    assert words in message
    assert isinstance(caught.value, GenerationError)


@pytest.mark.parametrize(("name", "words"), REFUSED)
def test_refused_names_exit_1_on_the_command_line_and_write_nothing(
    project: Project, name: str, words: str
) -> None:
    # "--" so that a name starting with "-" reaches the generator, not click's parser
    result = project.invoke(["generate", "step-handler", *project.layout_args(), "--", name])
    assert result.exit_code == 1
    assert "Error: handler name" in result.output
    assert words in result.output
    assert project.files() == []


@pytest.mark.parametrize(
    ("command", "what"),
    [
        (["generate", "subscriber", "../escape", "--events", "x"], "subscriber name"),
        (["generate", "task-template", "a/b", "--namespace", "ns"], "template name"),
        (["generate", "task-template", "ok", "--namespace", "ns", "--steps", "a,class"], "step"),
        (["generate", "step-handler", "ok", "--type", "decision", "--branches", "x y"], "branch"),
    ],
)
def test_every_generator_checks_its_names(project: Project, command: list[str], what: str) -> None:
    result = project.cli(*command)
    assert result.exit_code == 1, result.output
    assert what in result.output
    assert project.files() == []


@pytest.mark.parametrize(
    "namespace", ["", "9lives", "has-dash", "has.dot", "x" * 30, "../etc", "sp ace"]
)
def test_bad_namespaces_are_refused(namespace: str) -> None:
    with pytest.raises(InvalidNameError, match="namespace"):
        check_namespace(namespace)


@pytest.mark.parametrize("namespace", ["shop", "_internal", "Orders2", "x" * 29])
def test_engine_namespaces_are_accepted(namespace: str) -> None:
    assert check_namespace(namespace) == namespace


@pytest.mark.parametrize("package", ["", "a..b", "a/b", "1a.b", "a.class", ".a", "a."])
def test_bad_package_paths_are_refused(package: str) -> None:
    with pytest.raises(InvalidNameError):
        check_package(package)


def test_lists_may_repeat_or_comma_separate() -> None:
    assert split_list(["a,b", " c ", "a", ""]) == ["a", "b", "c"]
