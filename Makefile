# The two commands of the README: `make run` and `make test`.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint seed bench load reliability clean synth layers package-check deploy FORCE

run: $(STAMP)
	$(BIN)/dmm up

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/pytest -n 2

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

# The bounded load test on a fresh local stack (tests/e2e/test_load.py); the
# figures, measured on the emulator, land in build/load-report.json.
load: $(STAMP)
	@rm -f build/load-report.json; \
	  PYTHONPATH=. $(BIN)/pytest tests/e2e/test_load.py -p no:logging; status=$$?; \
	  if [ -f build/load-report.json ]; then \
	    PYTHONPATH=. $(BIN)/python -c 'import json; from tests.e2e.test_load import render; print(render(json.load(open("build/load-report.json"))))'; \
	  fi; exit $$status

# The proof under bad input, faults and load (RELIABILITY.md), with tallies.
PROOF := tests/e2e/test_schemathesis.py tests/api/test_authorization_matrix.py \
  tests/api/test_replay.py tests/api/test_faults.py tests/integration/test_faults.py \
  tests/unit/test_aws_errors.py tests/api/test_hostile_files.py \
  tests/integration/test_hostile_files.py tests/e2e/test_hostile_http.py \
  tests/api/test_hostile_input.py tests/api/test_errors.py tests/e2e/test_load.py
reliability: $(STAMP)
	$(BIN)/pytest -n 2 -rP $(PROOF)

$(STAMP): requirements.txt requirements-dev.txt infra/requirements.txt pyproject.toml
	@python=$$(scripts/find-python313) && \
	  { [ -x $(BIN)/python3.13 ] || $$python -m venv $(VENV); }
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	$(BIN)/python -m pip install --quiet -r infra/requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

clean:
	rm -rf $(VENV) .local build infra/cdk.out infra/chalice.out infra/node_modules

# Infra (infra/DEPLOY.md). Offline: templates, packages and checks only.
STAGES := dev prod
WEB_ORIGINS_dev ?= http://localhost:5173
WEB_ORIGINS_prod ?= https://marketing.example.com
SYNTH_SENDER_DOMAIN := mail.example.com
CLI_STAMP := infra/node_modules/.installed

layers: $(STAMP)
	$(BIN)/python scripts/build-layers

synth: $(addprefix synth-,$(STAGES))
	$(BIN)/cfn-lint infra/cdk.out/*/*.template.json
	@ls infra/cdk.out/*/*.template.json

synth-%: $(STAMP) layers FORCE
	rm -rf infra/cdk.out/$* infra/chalice.out
	cd infra && CDK_OUTDIR=cdk.out/$* CDK_CONTEXT_JSON='{"stage": "$*", "web_origins": "$(WEB_ORIGINS_$*)", "sender_domain": "$(SYNTH_SENDER_DOMAIN)"}' ../$(BIN)/python synth.py

package-check: $(STAMP)
	$(BIN)/python scripts/package-check

$(CLI_STAMP): infra/package.json infra/package-lock.json
	cd infra && npm ci --no-audit --no-fund
	touch $@

# make deploy STAGE=prod WEB_ORIGINS=https://... ALARM_EMAIL=... SENDER_DOMAIN=...
deploy: $(STAMP) layers $(CLI_STAMP)
	@[ -n "$(STAGE)" ] || { echo "STAGE=dev or STAGE=prod, please"; exit 2; }
	@[ -n "$(WEB_ORIGINS)" ] || { echo "WEB_ORIGINS=https://... (the web client), please"; exit 2; }
	cd infra && npx cdk deploy --require-approval broadening \
	  -c stage=$(STAGE) -c web_origins=$(WEB_ORIGINS) \
	  -c alarm_email=$(ALARM_EMAIL) -c sender_domain=$(SENDER_DOMAIN)
FORCE:
