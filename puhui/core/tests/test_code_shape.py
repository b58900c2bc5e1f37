"""The shape of the code, checked so it stays so: functions of at most ~70 lines and modules of
at most ~400 (TigerBeetle's rule: past that, split), and the business date read from the clock
in one place only (``core.business_day.business_date_today``)."""

import ast
import re
from pathlib import Path

PUHUI = Path(__file__).resolve().parents[2]
FUNCTION_LINES_MAX = 70
MODULE_LINES_MAX = 400
CLOCK_FOR_A_DATE = re.compile(
    r"timezone\.localdate\(\)|date\.today\(\)|datetime\.now\(\)\.date\(\)")


def _production_modules() -> list[Path]:
    return [path for path in sorted(PUHUI.rglob("*.py"))
            if "migrations" not in path.parts and "tests" not in path.parts]


def test_no_function_is_longer_than_70_lines():
    long = []
    for path in _production_modules():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lines = node.end_lineno - node.lineno + 1
                if lines > FUNCTION_LINES_MAX:
                    long.append(f"{path.relative_to(PUHUI)}:{node.lineno} {node.name} ({lines})")
    assert long == [], "split these functions: " + "; ".join(long)


def test_no_module_is_longer_than_400_lines():
    long = [f"{path.relative_to(PUHUI)} ({count})" for path in _production_modules()
            if (count := path.read_text().count("\n")) > MODULE_LINES_MAX]
    assert long == [], "split these modules: " + "; ".join(long)


def test_the_business_date_is_read_from_the_clock_in_one_place():
    readers = [str(path.relative_to(PUHUI)) for path in _production_modules()
               if CLOCK_FOR_A_DATE.search(path.read_text())]
    assert readers == ["core/business_day.py"]
