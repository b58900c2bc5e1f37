"""Rulebook files: shipped ones load; broken ones are refused with file, key and problem."""

import io
import json
from datetime import date
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from puhui.core.errors import PuhuiError
from puhui.rulebook.errors import RulebookFileError
from puhui.rulebook.selectors import (
    RULEBOOK_DIR,
    rulebook_in_force,
    rulebook_load,
    rulebooks_all,
    size_class_evaluate,
)

CN = (RULEBOOK_DIR / "cn-2016.toml").read_text(encoding="utf-8")


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "broken.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_rulebooks_load_with_the_regulations_numbers():
    cn = rulebook_in_force(rulebook_id="cn-2016", on=date(2026, 1, 1))
    caps = cn.borrowing_caps
    assert str(caps.natural_person.per_platform) == "200000"
    assert str(caps.natural_person.all_platforms) == "1000000"
    assert str(caps.legal_person.per_platform) == "1000000"
    assert str(caps.legal_person.all_platforms) == "5000000"
    assert cn.fundraising.max_working_days == 20
    assert cn.credit_information.negative_record_retention_years == 5
    assert cn.investors.minimum_age_years == 18
    assert cn.disclosure.major_event_hours == 48
    assert [book.key for book in rulebooks_all()] == ["cn-2016@2016.1", "us-regcf@2021.1"]


def test_a_second_rulebook_changes_the_answers_so_nothing_is_hard_coded():
    us = rulebook_in_force(rulebook_id="us-regcf", on=date(2026, 1, 1))
    assert str(us.crowdfunding.investor_limits.threshold) == "124000"
    assert us.crowdfunding.cancellation_hours_before_deadline == 48
    with pytest.raises(PuhuiError) as caught:
        size_class_evaluate(industry="retail", employees=8, revenue_wan=90, rulebook=us)
    assert caught.value.code == "RULEBOOK_SECTION_MISSING"


def test_no_rulebook_before_it_takes_effect():
    with pytest.raises(PuhuiError) as caught:
        rulebook_in_force(rulebook_id="us-regcf", on=date(2020, 1, 1))
    assert caught.value.code == "NO_RULEBOOK_IN_FORCE"


@pytest.mark.parametrize(
    ("change", "key", "problem"),
    [
        (('annual_rate_ceiling = "0.24"', "annual_rate_ceiling = 0.24"),
         "pricing.annual_rate_ceiling", "never as floats"),
        (("small = { employees = 10, revenue = 100 }",
          "small = { employees = 10, revenue = 100, staff = 3 }"),
         "size_classes.industries.retail.small.staff", "Extra inputs are not permitted"),
        (("max_working_days = 20", "max_working_days = -1"),
         "fundraising.max_working_days", "greater than or equal to 1"),
        (('per_platform = "200000"', 'per_platform = "2000000"'),
         "borrowing_caps.natural_person", "per_platform must not exceed all_platforms"),
        (("small = { employees = 10, revenue = 100 }", "small = { employees = 60, revenue = 100 }"),
         "size_classes.industries.retail", "small.employees must be below medium.employees"),
        (('version = "2016.1"\n', ""), "rulebook.version", "Field required"),
    ],
)
def test_a_broken_file_is_refused_naming_file_key_and_problem(tmp_path, change, key, problem):
    old, new = change
    assert old in CN
    path = write(tmp_path, CN.replace(old, new, 1))
    with pytest.raises(RulebookFileError) as caught:
        rulebook_load(path)
    message = str(caught.value)
    assert f"broken.toml: {key}" in message
    assert problem in message


def test_not_toml_at_all(tmp_path):
    with pytest.raises(RulebookFileError, match=r"broken\.toml: not valid TOML"):
        rulebook_load(write(tmp_path, "[rulebook\nid = "))


def test_check_command(tmp_path):
    out = io.StringIO()
    call_command("rulebook", "check", str(RULEBOOK_DIR / "cn-2016.toml"), stdout=out)
    assert "cn-2016@2016.1 is valid" in out.getvalue()
    with pytest.raises(CommandError, match="max_working_days"):
        call_command("rulebook", "check",
                     str(write(tmp_path, CN.replace("max_working_days = 20",
                                                    "max_working_days = 0"))))


def test_show_command_prints_the_rulebook_in_force():
    out = io.StringIO()
    call_command("rulebook", "show", stdout=out)
    shown = json.loads(out.getvalue())
    assert shown["rulebook"]["id"] == "cn-2016"
    assert shown["pricing"]["annual_rate_ceiling"] == "0.24"


def test_classify_command_json_and_errors():
    out = io.StringIO()
    call_command("classify", "--industry", "retail", "--employees", "8", "--revenue-wan", "90",
                 "--json", stdout=out)
    assert json.loads(out.getvalue())["size_class"] == "micro"
    with pytest.raises(CommandError, match="total assets"):
        call_command("classify", "--industry", "construction", "--revenue-wan", "90")
