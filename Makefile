# Two commands on a fresh machine with Python 3.11 and pip: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test lint bench data clean

PO := puhui/locale/zh_Hans/LC_MESSAGES/django.po
MO := $(PO:.po=.mo)

install: $(STAMP) $(MO)

$(STAMP): requirements.lock pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "$(PYTHON) not found; set PYTHON=/path/to/python3.11"; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $(STAMP)

# The Chinese catalogue, compiled again whenever its .po changes.
$(MO): $(PO) $(STAMP)
	$(BIN)/python -m babel.messages.frontend compile --domain django --directory puhui/locale --statistics

# A small federation on embedded SQLite under ./var, with demo data and logins: the shared
# credit registry on :8300, platform A on :8000 and platform B on :8001, each with its
# simulated custodian bank (:8100, :8101). Ctrl-C stops everything. See scripts/run_federation.py.
run: install
	$(BIN)/python scripts/run_federation.py

# Lint, types, then the suite on SQLite and (when DATABASE_URL names one) on PostgreSQL.
test: install lint
	$(BIN)/python scripts/test_passes.py

# Style, types, and the import contracts of .importlinter (the layers of docs/ARCHITECTURE.md).
lint: install
	$(BIN)/ruff check puhui tests scripts conftest.py
	$(BIN)/mypy puhui
	$(BIN)/lint-imports --no-cache

bench: install
	$(BIN)/puhui bench ledger
	$(BIN)/puhui bench scoring

# The public credit data (US SBA loans, German credit), by pinned version and checksum.
data: install
	$(BIN)/puhui credit fetch-data

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
