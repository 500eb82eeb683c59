# Two commands on a fresh machine (Python 3.11+ and the package registries):
#   make report   creates .venv if needed, installs, and writes reports/default/
#   make test     installs the test tools and runs the whole suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PARAMS ?= params/default.yaml
BATCH ?= params/batches/vintages.yaml
PLAN ?= data/plans/fuxin_14th
TEMPLATE ?= reports/$(notdir $(PLAN))_observations.xlsx
# the explorer as a web app: localhost only unless HOST is given (see README, "For planners: the explorer as a web app")
HOST ?= 127.0.0.1
PORT ?= 8866
PIP_FLAGS ?= --quiet --disable-pip-version-check

.PHONY: report test install install-test lab check bench clean template app lock batch mutation nbval-refs

# Every package at the exact version (and hash) of uv.lock, installed by uv, itself installed from the package
# registry into .tools/ at the version below (no curl | sh). `make lock` updates uv.lock from pyproject.toml.
UV_VERSION := 0.13.8
TOOLS := .tools
UV := $(TOOLS)/bin/uv
UV_ENV := UV_PROJECT_ENVIRONMENT=$(VENV) UV_PYTHON_DOWNLOADS=never
# --inexact: `make report` after `make test` keeps the test tools; every package present is still the locked one.
UV_SYNC := $(UV_ENV) $(UV) sync --frozen --inexact --python $(PYTHON) --quiet
# uv does not compile bytecode at install (compiling all 8,000 files took 12 s here): Python caches what it imports,
# on first import, unless PYTHONDONTWRITEBYTECODE forbids it, in which case every kernel and every command would
# compile pandas and the rest again (the suite took twice as long). Our commands let Python keep its cache.
unexport PYTHONDONTWRITEBYTECODE

$(UV):
	$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is needed, found " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	$(PYTHON) -m pip install $(PIP_FLAGS) --target $(TOOLS) "uv==$(UV_VERSION)"

$(VENV)/.installed: pyproject.toml uv.lock | $(UV)
	$(UV_SYNC)
	touch $@

$(VENV)/.installed-test: pyproject.toml uv.lock $(VENV)/.installed
	$(UV_SYNC) --extra test --extra cluster
	touch $@

lock: | $(UV)
	$(UV_ENV) $(UV) lock --python $(PYTHON)

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

report: install
	$(BIN)/python -m fuxin_analysis run $(PARAMS)

test: install-test
	$(BIN)/python -m pytest

# many parameter sets, one report each and a batch index; BATCH_ARGS e.g. --jobs 4, --scheduler tcp://host:8786
batch: install
	$(BIN)/python -m fuxin_analysis batch $(BATCH) $(BATCH_ARGS)

check: install
	$(BIN)/python -m fuxin_analysis check data/plans/fuxin_14th

template: install
	@mkdir -p $(dir $(TEMPLATE))
	$(BIN)/python -m fuxin_analysis template $(PLAN) --output $(TEMPLATE)

app: install
	JUPYTER_PATH=$(CURDIR)/app $(BIN)/voila notebooks/explore.ipynb --no-browser --Voila.ip=$(HOST) --port=$(PORT) \
		--template=offline --VoilaConfiguration.show_tracebacks=False --VoilaConfiguration.strip_sources=True

# mutation testing of the methods and the validation (mutmut, against the fast suite), then the score per module;
# resumable: a second `make mutation` checks only what changed (README, "Mutation testing")
mutation: install-test
	FUXIN_ANALYSIS_CACHE_DIR=off FUXIN_MUTATION=1 $(BIN)/mutmut run --max-children $(shell nproc)
	$(BIN)/python tools/mutation_scores.py

# the notebooks' expected outputs, which nbval compares in `make test` (tools/nbval_refs.py; review the diff)
nbval-refs: install
	$(BIN)/python tools/nbval_refs.py

bench: install
	$(BIN)/python benchmarks/run.py

# JupyterLab refuses to run as root unless told to (containers and CI machines often are root)
lab: install
	$(BIN)/jupyter lab notebooks/ $(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_ARGS)

clean:
	rm -rf $(VENV) $(TOOLS) reports
