# MRC Assistant. Two commands do everything on a fresh machine:
#   make run    set up both environments, migrate, train if needed, run the product
#   make test   set up, lint, type-check and run the whole test suite
# Set-up is idempotent: a second run only checks stamps and hashes (seconds).

SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV      := .venv
VENV_NLU  := .venv-nlu
BOT_STAMP := $(VENV)/.installed
NLU_STAMP := $(VENV_NLU)/.installed
MRC       := $(VENV)/bin/mrc
PO_FILES  := $(wildcard locales/*/LC_MESSAGES/messages.po)
# Compiled into the package (package data); the bot never compiles them itself.
MO_FILES  := $(patsubst locales/%,bot/locales/%,$(PO_FILES:.po=.mo))
PYTEST_ARGS ?=

.PHONY: help setup run chat browser test test-unit lint fmt typecheck model i18n bench lock lock-nlu clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(BOT_STAMP): pyproject.toml constraints.txt
	@py=$$(scripts/find-python.sh 3.11+) && \
	  { [ -x $(VENV)/bin/python ] || { echo "creating $(VENV) with $$py"; "$$py" -m venv $(VENV); }; }
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet -e '.[dev]' -c constraints.txt
	@touch $@

$(NLU_STAMP): requirements-nlu.txt constraints-nlu.txt
	@py=$$(scripts/find-python.sh 3.10) && \
	  { [ -x $(VENV_NLU)/bin/python ] || { echo "creating $(VENV_NLU) with $$py"; "$$py" -m venv $(VENV_NLU); }; }
	@echo "installing Rasa into $(VENV_NLU) (the first time takes a few minutes and 2.7 GB)"
	$(VENV_NLU)/bin/python -m pip install --quiet --upgrade pip
	$(VENV_NLU)/bin/python -m pip install --quiet -r requirements-nlu.txt -c constraints-nlu.txt
	@touch $@

bot/locales/%/LC_MESSAGES/messages.mo: locales/%/LC_MESSAGES/messages.po $(BOT_STAMP)
	@mkdir -p $(@D)
	@$(VENV)/bin/pybabel compile --statistics -D messages -i $< -o $@ -l $*

setup: $(BOT_STAMP) $(NLU_STAMP) $(MO_FILES)  ## create both environments and compile the catalogs

model: setup  ## train the NLU model unless one from the same inputs exists
	@$(MRC) nlu train

run: model  ## set up everything and run the product (local demo without MRC_TELEGRAM_TOKEN)
	@$(MRC) db upgrade >/dev/null
	$(MRC) run

chat: model  ## chat with the bot in this terminal
	$(MRC) chat

lint: $(BOT_STAMP)  ## ruff (lint and format check)
	$(VENV)/bin/ruff check bot nlu_components tests bench
	$(VENV)/bin/ruff format --check bot nlu_components tests bench

typecheck: $(BOT_STAMP)  ## mypy on bot/
	$(VENV)/bin/mypy

fmt: $(BOT_STAMP)  ## format the code
	$(VENV)/bin/ruff check --fix bot nlu_components tests bench
	$(VENV)/bin/ruff format bot nlu_components tests bench

browser:  ## Debian's Chromium for the browser tests (installed when missing, as root)
	@scripts/ensure-chromium.sh

test: setup lint typecheck model browser  ## set up everything and run the whole test suite
	$(VENV)/bin/pytest $(PYTEST_ARGS)

test-unit: $(BOT_STAMP) $(MO_FILES)  ## only the fast unit tests
	$(VENV)/bin/pytest -m unit $(PYTEST_ARGS)

i18n: $(BOT_STAMP)  ## extract messages, update the catalogs, compile them
	$(VENV)/bin/pybabel extract -F babel.cfg -k N_ --no-location --sort-output \
	  --add-comments=TRANSLATORS: --project "MRC Assistant" -o locales/messages.pot bot
	$(VENV)/bin/pybabel update -D messages -i locales/messages.pot -d locales --no-fuzzy-matching --ignore-obsolete
	$(MAKE) $(MO_FILES)

bench: model  ## benchmarks (figures printed and saved in reports/)
	$(VENV)/bin/python -m bench

lock: $(BOT_STAMP)  ## re-pin the bot environment after changing pyproject.toml
	@{ sed -n '1,2p' constraints.txt; $(VENV)/bin/python -m pip freeze --exclude-editable; } > constraints.tmp && mv constraints.tmp constraints.txt

lock-nlu: $(NLU_STAMP)  ## re-pin the NLU environment after changing requirements-nlu.txt
	@{ sed -n '1,2p' constraints-nlu.txt; $(VENV_NLU)/bin/python -m pip freeze --exclude-editable; } > constraints-nlu.tmp && mv constraints-nlu.tmp constraints-nlu.txt

clean:  ## remove both environments, models and local data
	rm -rf $(VENV) $(VENV_NLU) models var reports bot/locales .pytest_cache .mypy_cache .ruff_cache
