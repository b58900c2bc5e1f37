"""One error vocabulary: every app's codes declared once, unique across apps, each with its
Chinese sentence taking the same facts as the English one."""

import importlib
import string

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
