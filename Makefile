# Two commands on a fresh machine with Python 3.11 and pip: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test lint bench clean

install: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "$(PYTHON) not found; set PYTHON=/path/to/python3.11"; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	$(BIN)/python -m babel.messages.frontend compile --domain django --directory puhui/locale --statistics
	@touch $(STAMP)

# The whole platform on the embedded SQLite database under ./var, with demo data and logins.
run: install
	DEBUG=1 $(BIN)/puhui migrate --no-input -v 0
	DEBUG=1 $(BIN)/puhui demo
	DEBUG=1 $(BIN)/puhui runserver 127.0.0.1:8000 --noreload

# Lint, types, then the suite on SQLite and (when DATABASE_URL names one) on PostgreSQL.
test: install lint
	$(BIN)/python scripts/test_passes.py

lint: install
	$(BIN)/ruff check puhui tests scripts conftest.py
	$(BIN)/mypy puhui

bench: install
	$(BIN)/puhui bench ledger

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
