"""The model shipped with puhui (``sba-puhui.json``): trained on the SBA loans approved in
fiscal years up to 2002, mapped onto the features puhui has for its own applications (see
docs/CREDIT.md for how to retrain it byte for byte)."""

import json
from pathlib import Path
from typing import Any

SHIPPED_PATH = Path(__file__).resolve().parent / "sba-puhui.json"
SHIPPED_NAME = "SBA loans FY ≤ 2002, puhui features (shipped)"


def shipped_artifact() -> dict[str, Any]:
    artifact: dict[str, Any] = json.loads(SHIPPED_PATH.read_text(encoding="utf-8"))
    return artifact
