# ownerbot: `make run` to talk to the bot, `make test` to check everything.
# The first supported Python (3.11 to 3.13) that runs here; `make PYTHON=...` picks another.
SUPPORTED_PYTHONS := python3.11 python3.12 python3.13 python3
PYTHON ?= $(firstword $(foreach p,$(SUPPORTED_PYTHONS),$(shell $(p) -c 'import sys; sys.exit(not (3, 11) <= sys.version_info[:2] < (3, 14))' >/dev/null 2>&1 && echo $(p))))
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
LOCALES := locales
STAMP := $(VENV)/.installed

.PHONY: docs run console test test-fast test-slow lint typecheck i18n i18n-check mo bench bench-slots bench-imports lock clean

# The venv is rebuilt when the declared or pinned dependencies change.
$(STAMP): pyproject.toml constraints.txt
	@test -n "$(PYTHON)" || { echo "ownerbot needs Python 3.11, 3.12 or 3.13, and none of them runs here (tried: $(SUPPORTED_PYTHONS))." >&2; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

# Compiled catalogs are build output, never committed.
# Quiet (@, -q): make's echo of a command would land on stdout, before the chat.
mo: $(STAMP)
	@$(BIN)/pybabel -q compile -d $(LOCALES) -D messages >/dev/null

run: mo
	@$(BIN)/ownerbot run --demo

console: mo
	@$(BIN)/ownerbot console

lint: $(STAMP)
	$(BIN)/ruff check bot handlers storage tests bench
	$(BIN)/ruff format --check bot handlers storage tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

i18n-check: mo
	$(BIN)/ownerbot i18n check

# The fast suite: everything but the tests marked slow. A few minutes on 2 cores.
test: lint typecheck i18n-check
	$(BIN)/pytest -n 2 -m "not slow" -q

test-fast: mo
	$(BIN)/pytest -n 2 -m "not slow" -q -x

# Long races and big property runs; CI runs them after `make test`.
test-slow: mo
	$(BIN)/pytest -m slow -q

# The glossary of button codes and steps is written from the code (a test checks it).
docs: $(STAMP)
	$(PY) -m handlers.glossary > docs/glossary.md

i18n: $(STAMP)
	$(BIN)/pybabel extract -F pyproject.toml -k N_ -k pgettext:1c,2 -k npgettext:1c,2,3 \
		--add-comments=TRANSLATORS: --sort-by-file --no-wrap \
		--project=ownerbot --msgid-bugs-address=i18n@ownerbot.invalid \
		-o $(LOCALES)/messages.pot bot handlers
	$(BIN)/pybabel update -i $(LOCALES)/messages.pot -d $(LOCALES) -D messages --no-wrap --ignore-obsolete --no-fuzzy-matching
	$(BIN)/ownerbot i18n fill-source
	$(MAKE) mo

bench: mo
	$(PY) bench/pipeline.py

# Free-slot search (set-based vs a naive scan) and booking throughput under contention;
# PostgreSQL too when OWNERBOT_TEST_PG_URL is set.
bench-slots: mo
	$(PY) bench/slots.py

# Owner imports: the set-based writer beside the row-by-row one, 100,000 rows;
# PostgreSQL too when OWNERBOT_TEST_PG_URL is set.
bench-imports: mo
	$(PY) bench/imports.py $(if $(OWNERBOT_TEST_PG_URL),--pg $(OWNERBOT_TEST_PG_URL))

# Re-pin the dependency set after changing pyproject.toml.
lock:
	rm -rf /tmp/ownerbot-lock && $(PYTHON) -m venv /tmp/ownerbot-lock
	/tmp/ownerbot-lock/bin/pip install --quiet -e '.[dev]'
	/tmp/ownerbot-lock/bin/pip freeze --exclude-editable | grep -v '^-e' > constraints.txt

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
	find $(LOCALES) -name '*.mo' -delete
