# Two commands: `make demo` (install + ingest the samples + answer) and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STORE ?= .newsbot-demo
QUESTION ?= When did the ceasefire collapse?

.PHONY: demo test install lint bench clean

$(BIN)/newsbot: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

install: $(BIN)/newsbot

demo: install
	$(BIN)/newsbot ingest examples/articles --store $(STORE)
	$(BIN)/newsbot ask "$(QUESTION)" --store $(STORE)

lint: install
	$(BIN)/ruff check bot retrieval ingest tests benchmarks
	$(BIN)/mypy

test: install lint
	$(BIN)/python -m pytest

DATASET ?= ../shared/eval/realtimeqa
bench: install
	$(BIN)/newsbot eval $(DATASET) --report benchmarks/results/eval
	$(BIN)/python benchmarks/retrieval_latency.py $(DATASET)

clean:
	rm -rf $(STORE) .pytest_cache .mypy_cache .ruff_cache
