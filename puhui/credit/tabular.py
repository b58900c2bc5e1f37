"""Any CSV with a binary outcome, read into model-ready columns, with errors that name the column.

Columns are typed by their content: a column where at least 98 % of the non-empty cells read
as numbers (money such as ``"$60,000.00 "`` included) is numerical, every other column is
categorical. ``--where`` filters rows (pandas query syntax on the typed columns) and
``--derive NAME=EXPRESSION`` adds a column computed from others (``share=SBA_Appv/GrAppv``),
so a data set's known ratios can be modelled without editing the file.
"""

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

NUMERIC_SHARE_MIN = 0.98
_MONEY_NOISE = re.compile(r"[\s$,¥￥]")


class CreditDataError(Exception):
    """A data file that cannot be used as asked; the message names the file or column."""


@dataclass(frozen=True)
class Table:
    features: pd.DataFrame  # numerical columns as float64 (NaN = missing), the rest as str
    bad: np.ndarray  # 1 = bad outcome, 0 = good
    numerical: tuple[str, ...]
    categorical: tuple[str, ...]
    data_sha256: str
    rows_read: int

    @property
    def columns(self) -> tuple[str, ...]:
        return self.numerical + self.categorical


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _as_number(column: pd.Series) -> pd.Series:
    cleaned = column.str.replace(_MONEY_NOISE, "", regex=True)
    return pd.to_numeric(cleaned.where(cleaned != "", None), errors="coerce")


def _typed(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[str], list[str]]:
    numerical, categorical, typed = [], [], {}
    for name in frame.columns:
        raw = frame[name].fillna("").astype(str).str.strip()
        present = raw != ""
        number = _as_number(raw)
        if present.sum() and number[present].notna().mean() >= NUMERIC_SHARE_MIN:
            typed[name] = number.astype("float64")
            numerical.append(name)
        else:
            typed[name] = raw.where(present, "(missing)")
            categorical.append(name)
    return pd.DataFrame(typed, index=frame.index), numerical, categorical


def _rows_with_outcome(path: Path, *, target: str, bad: str,
                       drop: tuple[str, ...]) -> tuple[pd.DataFrame, pd.Series]:
    """The CSV as text, less rows of unknown outcome, and the outcome column; errors name the
    file and the column."""
    if not path.is_file():
        raise CreditDataError(f"{path}: no such file")
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[],
                          encoding="utf-8", on_bad_lines="error", low_memory=False)
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as error:
        raise CreditDataError(f"{path}: not a readable CSV file ({error})".strip()) from None
    raw.columns = [str(name).strip() for name in raw.columns]
    for name in (target, *drop):
        if name not in raw.columns:
            raise CreditDataError(f"{path}: column {name!r} is not in the file; its columns "
                                  f"are {', '.join(raw.columns)}")
    outcome = raw[target].str.strip()
    raw = raw[outcome != ""]
    outcome = outcome[outcome != ""]
    if bad not in set(outcome):
        raise CreditDataError(f"{path}: column {target!r} never has the bad value {bad!r}; "
                              f"its values include {', '.join(sorted(set(outcome))[:8])}")
    if outcome.nunique() != 2:
        raise CreditDataError(f"{path}: column {target!r} must have exactly two outcomes; it has "
                              f"{outcome.nunique()} ({', '.join(sorted(set(outcome))[:8])})")
    return raw, outcome


def _derive(typed: pd.DataFrame, rule: str) -> str:
    """Add the column ``NAME=EXPRESSION`` defines (a number); returns its name."""
    name, _, expression = rule.partition("=")
    if not name.strip() or not expression.strip():
        raise CreditDataError(f"--derive {rule!r}: write it as NAME=EXPRESSION")
    try:
        value = typed.eval(expression, engine="python")
    except Exception as error:  # pandas raises many kinds for a bad expression
        raise CreditDataError(f"--derive {rule!r}: {error}") from None
    typed[name.strip()] = pd.to_numeric(value, errors="coerce").replace(
        [np.inf, -np.inf], np.nan).astype("float64")
    return name.strip()


def table_read(path: Path | str, *, target: str, bad: str, drop: tuple[str, ...] = (),
               where: str = "", derive: tuple[str, ...] = (),
               keep: tuple[str, ...] = (), categorical: tuple[str, ...] = ()) -> Table:
    """Read ``path``; rows whose target is empty are left out (unknown outcome).

    ``categorical`` names columns (derived ones included) to treat as categories even though
    they read as numbers, such as an industry code. ``keep``, when given, is the exact list of
    feature columns to use (a trained model's); ``drop`` removes columns; each names a missing
    column in its error.
    """
    path = Path(path)
    raw, outcome = _rows_with_outcome(path, target=target, bad=bad, drop=drop)
    typed, numerical, categorical_columns = _typed(raw.drop(columns=[target]))
    for rule in derive:
        numerical.append(_derive(typed, rule))
    for name in categorical:
        if name not in typed.columns:
            raise CreditDataError(f"--categorical {name!r}: no such column")
        if name in numerical:
            numerical.remove(name)
            categorical_columns.append(name)
            typed[name] = typed[name].map(
                lambda value: "(missing)" if pd.isna(value) else f"{value:g}")
    if where:
        try:
            mask = typed.eval(where, engine="python")
        except Exception as error:
            raise CreditDataError(f"--where {where!r}: {error}") from None
        typed, outcome = typed[mask.to_numpy(bool)], outcome[mask.to_numpy(bool)]
        if outcome.nunique() != 2:
            raise CreditDataError(f"--where {where!r} leaves {len(outcome)} rows without both "
                                  "outcomes")
    for name in keep:
        if name not in typed.columns:
            raise CreditDataError(f"{path}: column {name!r}, which the model uses, is not in "
                                  f"the file; its columns are {', '.join(raw.columns)}")
    chosen = [name for name in (keep or typed.columns) if name not in drop]
    if not chosen:
        raise CreditDataError(f"{path}: no feature columns are left after --drop")
    return Table(
        features=typed[chosen].reset_index(drop=True),
        bad=(outcome == bad).to_numpy(np.int8),
        numerical=tuple(name for name in numerical if name in chosen),
        categorical=tuple(name for name in categorical_columns if name in chosen),
        data_sha256=file_sha256(path), rows_read=len(raw),
    )
