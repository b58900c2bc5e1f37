"""One error vocabulary: every app's codes declared once, unique across apps, each with its
Chinese sentence taking the same facts as the English one."""

import importlib
import string

import pytest
from django.apps import apps

from puhui.core.errors import ErrorCode, PuhuiError
from puhui.lending.errors import LendingError


def _codes() -> list[ErrorCode]:
    for config in apps.get_app_configs():
        if config.name.startswith("puhui."):
            try:
                importlib.import_module(f"{config.name}.errors")
            except ModuleNotFoundError:
                continue
    found: list[ErrorCode] = []
    for family in ErrorCode.__subclasses__():
        found += list(family)
    return found


def _fields(template: str) -> set[str]:
    return {name for _text, name, _spec, _conv in string.Formatter().parse(template) if name}


def test_every_code_is_declared_once_across_the_apps():
    codes = [error.code for error in _codes()]
    assert len(codes) > 90  # every app's errors were found
    assert sorted(codes) == sorted(set(codes))


def test_every_code_has_its_chinese_with_the_same_facts():
    for error in _codes():
        english = error.render("en", {})
        chinese = error.render("zh-hans", {})
        assert chinese != english, error.code
        assert _fields(chinese) == _fields(english), error.code


def test_an_error_renders_its_facts_in_both_languages():
    error = PuhuiError(LendingError.BID_BELOW_MINIMUM, minimum="100.00 CNY")
    assert error.as_json()["message_en"] == "The minimum bid is 100.00 CNY."
    assert error.as_json()["message_zh"] == "最低出借金额为 100.00 CNY。"
    assert error.code == "BID_BELOW_MINIMUM"


def test_a_problem_said_in_words_is_read_in_the_sentence_s_language():
    from puhui.parties.services import uscc_validate

    with pytest.raises(PuhuiError) as refused:
        uscc_validate("91330100MA2001000X")  # one character off: the check digit fails
    told = refused.value.as_json("en")
    assert told["message_en"].endswith("(the check digit is wrong).")
    assert told["message_zh"] == "91330100MA2001000X 不是有效的统一社会信用代码（校验位不正确）。"
    assert "check digit" not in told["message_zh"]
