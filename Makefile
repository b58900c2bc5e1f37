# Two commands on a fresh machine with Python 3.11 and pip: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test lint bench data clean

install: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "$(PYTHON) not found; set PYTHON=/path/to/python3.11"; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	$(BIN)/python -m babel.messages.frontend compile --domain django --directory puhui/locale --statistics
	@touch $(STAMP)

# The whole platform on the embedded SQLite database under ./var, with demo data and logins:
# the simulated custodian bank on :8100 (its own books in var/custodian.sqlite3) and the
# platform on :8000; Ctrl-C stops both.
run: install
	DEBUG=1 $(BIN)/puhui migrate --no-input -v 0
	@DEBUG=1 $(BIN)/puhui custodian serve --port 8100 & bank=$$!; \
	trap 'kill $$bank 2>/dev/null' EXIT INT TERM; \
	for i in 1 2 3 4 5 6 7 8 9 10; do \
	  $(BIN)/python -c "import socket; socket.create_connection(('127.0.0.1', 8100), 1)" \
	    2>/dev/null && break; sleep 0.5; done; \
	DEBUG=1 $(BIN)/puhui demo && \
	DEBUG=1 $(BIN)/puhui runserver 127.0.0.1:8000 --noreload

# Lint, types, then the suite on SQLite and (when DATABASE_URL names one) on PostgreSQL.
test: install lint
	$(BIN)/python scripts/test_passes.py

lint: install
	$(BIN)/ruff check puhui tests scripts conftest.py
	$(BIN)/mypy puhui

bench: install
	$(BIN)/puhui bench ledger
	$(BIN)/puhui bench scoring

# The public credit data (US SBA loans, German credit), by pinned version and checksum.
data: install
	$(BIN)/puhui credit fetch-data

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
