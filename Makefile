# Two commands do everything on a fresh machine with Python 3.11:
#   make run    install, migrate, load the demo government, serve on http://127.0.0.1:8000
#   make test   install what the tests need, lint, run the whole suite
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: run test lint pytest system-packages messages lock bench clean

run: $(VENV)/.installed-run
	@scripts/ensure-system-packages --runtime
	$(BIN)/tahawul run --host $(HOST) --port $(PORT)

test: $(VENV)/.installed-dev system-packages lint pytest

$(VENV)/bin/python:
	$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Tahawul needs Python 3.11"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-run: $(VENV)/bin/python requirements.txt pyproject.toml
	$(BIN)/pip install --quiet -r requirements.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed-run requirements-dev.txt
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

# Debian packages: chromium for the browser tests; Pango, HarfBuzz and Arabic fonts for PDFs.
system-packages:
	@scripts/ensure-system-packages

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check --quiet src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache
	$(BIN)/tahawul makemigrations --check --dry-run --verbosity 0

pytest: $(VENV)/.installed-dev
	$(BIN)/pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

# Extract strings into the catalogues and compile them (commit both .po and .mo).
messages: $(VENV)/.installed-dev
	cd src/tahawul && ../../$(BIN)/tahawul makemessages --locale ar --no-obsolete --add-location file
	cd src/tahawul && ../../$(BIN)/tahawul compilemessages --locale ar

# Re-pin after changing dependencies in pyproject.toml.
lock:
	rm -rf /tmp/tahawul-lock && $(PYTHON) -m venv /tmp/tahawul-lock
	/tmp/tahawul-lock/bin/pip install --quiet -e .
	( echo "# Runtime pins: what \`make run\` installs. Regenerate with \`make lock\`."; /tmp/tahawul-lock/bin/pip freeze --exclude-editable ) > requirements.txt
	/tmp/tahawul-lock/bin/pip install --quiet -e '.[dev]'
	( echo "# Development and test pins, on top of requirements.txt. Regenerate with \`make lock\`."; echo "-r requirements.txt"; \
	  /tmp/tahawul-lock/bin/pip freeze --exclude-editable | grep -vxFf requirements.txt ) > requirements-dev.txt

bench: $(VENV)/.installed-dev
	$(BIN)/python bench/catalogue.py
	$(BIN)/python bench/submit.py
	$(BIN)/python bench/satisfaction.py
	$(BIN)/python bench/kpis.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
