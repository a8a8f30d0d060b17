# Two set-up commands for a fresh machine: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test install lint bench ingest clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	# torch first and pinned: 2.13.0 is a CPU build; anything else pulls a multi-GB CUDA build.
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

ingest: $(STAMP)
	$(PY) -m ingest

run: ingest
	$(PY) app.py

test: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m pytest

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

# Hand-run benchmarks (not part of `make test`, which runs only their smoke tests); niced
# because these machines are shared. e.g. `make bench BENCH_ARGS="query --sizes 1000"`.
BENCH_ARGS ?= all --sizes 1000,10000
bench: $(STAMP)
	nice -n 19 $(PY) -m benchmarks $(BENCH_ARGS)

clean:
	rm -rf .index .pytest_cache
