# The two commands of the README: `make run` and `make test`.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint seed bench clean

run: $(STAMP)
	$(BIN)/dmm up

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

seed: $(STAMP)
	$(BIN)/dmm seed

bench: $(STAMP)
	@for script in bench/bench_*.py; do \
	  [ -e "$$script" ] || continue; \
	  echo "# $$script" >&2; \
	  PYTHONPATH=. $(BIN)/python "$$script" || exit 1; \
	done

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	@python=$$(scripts/find-python313) && \
	  { [ -x $(BIN)/python3.13 ] || $$python -m venv $(VENV); }
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

clean:
	rm -rf $(VENV) .local
