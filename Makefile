# The two commands of the README:
#   make demo   installs what is needed, then runs faultline on the bundled data
#   make test   installs what is needed, then runs every C++ and Python test
# Everything installs itself: Debian packages (apt-get, via sudo when not root, skipped
# when present), a virtual environment in .venv, and the package built into ./build.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
BUILD := build
JOBS ?= 2
DEB_PACKAGES := g++ libboost-graph-dev libeigen3-dev libabsl-dev libprotobuf-dev \
                protobuf-compiler libgtest-dev libbenchmark-dev ccache \
                zlib1g-dev libzstd-dev pkg-config
PY_BUILD_DEPS := "cmake>=3.25" ninja "scikit-build-core>=0.10" "pybind11>=2.12"
# Test and notebook dependencies beyond the package's own (pyproject's [test] extra).
PY_TOOLS := "pytest>=7" "hypothesis>=6"

.PHONY: setup deb-deps venv build demo test bench eval eval-scale peers-venv clean

setup: deb-deps venv build

deb-deps:
	@missing=$$(for p in $(DEB_PACKAGES); do \
	    dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; \
	  done); \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:" $$missing; \
	  SUDO=; [ "$$(id -u)" -eq 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi

$(VENV)/.deps-stamp: pyproject.toml Makefile
	@[ -x $(PY) ] || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q $(PY_BUILD_DEPS) $(PY_TOOLS) "numpy>=1.22" "pandas>=1.5" "networkx>=2.8"
	@touch $@

venv: $(VENV)/.deps-stamp

# One build directory for everything: the library, the extension, tests and benchmarks.
# The editable install rebuilds incrementally and points the package at python/faultline.
build: venv
	CMAKE_BUILD_PARALLEL_LEVEL=$(JOBS) PATH="$(CURDIR)/$(VENV)/bin:$$PATH" \
	$(PY) -m pip install -q --no-build-isolation --no-deps -e . \
	  -Cbuild-dir=$(BUILD) -Ccmake.build-type=RelWithDebInfo \
	  -Ccmake.define.FAULTLINE_BUILD_TESTS=ON \
	  -Ccmake.define.FAULTLINE_BUILD_BENCHMARKS=ON \
	  -Ccmake.define.FAULTLINE_PYTHON_EXECUTABLE=$(CURDIR)/$(PY)

demo: setup
	$(VENV)/bin/faultline demo

# One ctest run: the C++ suites, the consumer project, the fuzz smoke runs and pytest.
test: setup
	$(VENV)/bin/ctest --test-dir $(BUILD) --output-on-failure -j$(JOBS)

# Benchmarks: the "release" preset (CMakePresets.json) builds them in Release under
# build/bench-release, so the test build's settings do not skew them.
BENCH_BUILD := build/bench-release
bench: setup
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" cmake --preset release
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" cmake --build --preset release \
	  --target faultline_model_bench faultline_trace_bench faultline_iac_bench
	$(BENCH_BUILD)/bench/faultline_model_bench --benchmark_counters_tabular=true \
	  --benchmark_filter='/1048576$$' --benchmark_min_time=1
	$(PY) bench/trace_compare.py --bench $(BENCH_BUILD)/bench/faultline_trace_bench
	$(BENCH_BUILD)/bench/faultline_iac_bench --benchmark_min_time=1

# The accuracy harness (bench/accuracy): every ranker on the synthetic, Nezha and DoWhy
# suites; the table goes to stdout and build/accuracy/.
eval: setup peers-venv
	$(PY) bench/accuracy/run.py --cases-dir build/accuracy/cases --peers $(PEERS_VENV)/bin/python \
	  --json build/accuracy/results.json --markdown build/accuracy/results.md

# Scale runs: generated 1k, 10k and 50k-service systems, timed step by step.
eval-scale: setup
	$(PY) bench/accuracy/scale.py

# The peers (RCAEval, PyRCA, DoWhy) live in their own environment: their pins conflict with
# the project's (DoWhy needs numpy 2, PyRCA an old scikit-learn).
PEERS_VENV := .venv-peers
$(PEERS_VENV)/.stamp: bench/accuracy/peers/requirements.txt
	@[ -x $(PEERS_VENV)/bin/python ] || $(PYTHON) -m venv $(PEERS_VENV)
	$(PEERS_VENV)/bin/python -m pip install -q --upgrade pip
	$(PEERS_VENV)/bin/python -m pip install -q -r bench/accuracy/peers/requirements.txt
	$(PEERS_VENV)/bin/python -m pip install -q --no-deps rcaeval==1.8.1 sfr-pyrca==1.0.1
	@touch $@

peers-venv: $(PEERS_VENV)/.stamp

clean:
	rm -rf $(BUILD)
