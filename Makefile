# make demo: quantize a shipped real Core AI program and print a report.
# make test: every test (lit + FileCheck, kernels, pytest).
# Both set up what they need first: a venv in .venv with pinned packages,
# and this project built and installed into it.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
BUILD_STAMP := $(VENV)/.coreai-installed
SOURCES := $(shell find CMakeLists.txt pyproject.toml include lib tools python \
             test/CMakeLists.txt test/lit.site.cfg.py.in \
             -type f -not -name '*.so' -not -path '*/__pycache__/*' 2>/dev/null)

.PHONY: all demo test install lit pytest kernels-test bench bench-apple sanitize clean

all: install

$(VENV)/.deps: requirements-dev.txt requirements-interop.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip==25.3
	$(PIP) install --quiet -r requirements-dev.txt
	$(PIP) install --quiet -r requirements-interop.txt
	touch $@

# Incremental: the CMake build tree persists in $(BUILD_DIR) (given to
# scikit-build-core in place of pyproject.toml's build-dir, so that `make lit`
# knows which tree it tests).
BUILD_DIR := build/release
$(BUILD_STAMP): $(VENV)/.deps $(SOURCES)
	$(PIP) install --quiet --no-build-isolation --no-deps --config-settings=build-dir=$(BUILD_DIR) .
	touch $@

install: $(BUILD_STAMP)

demo: install
	$(PY) demo/demo.py

# The lit tests on the coreai-opt of $(BUILD_DIR) (its lit.site.cfg.py).
lit: install
	$(VENV)/bin/lit -sv $(BUILD_DIR)/test

kernels-test: $(VENV)/.deps
	cmake -S test/Kernels -B build/kernels -G Ninja -DCMAKE_MAKE_PROGRAM=$(CURDIR)/$(VENV)/bin/ninja >/dev/null
	$(VENV)/bin/ninja -C build/kernels coreai-kernels-test coreai-palettize-test coreai-sparsify-test
	build/kernels/coreai-kernels-test
	build/kernels/coreai-palettize-test
	build/kernels/coreai-sparsify-test
	COREAI_PALETTIZE_TEST=build/kernels/coreai-palettize-test $(PY) -m pytest -q test/Kernels/test_palettize_numpy.py
	COREAI_SPARSIFY_TEST=build/kernels/coreai-sparsify-test $(PY) -m pytest -q test/Kernels/test_sparsify_numpy.py

# The interop packages are installed with the others: their absence is an error here.
pytest: install
	$(PY) -m pytest -q test/python
	COREAI_REQUIRE_INTEROP=1 $(PY) -m pytest -q test/interop

test: install
	$(MAKE) --no-print-directory lit
	$(MAKE) --no-print-directory kernels-test
	$(MAKE) --no-print-directory pytest

bench: install
	$(PY) bench/bench_quantize.py

# Side by side with Apple's reference (made in .venv-apple on first use) on
# Apple's objects and on text files.
bench-apple: install
	$(PY) bench/bench_apple_paths.py

clean:
	rm -rf build $(VENV) .venv-apple test/lit-out

# AddressSanitizer + UndefinedBehaviorSanitizer build of the C++ code
# (dialect, pass, kernels, coreai-opt), running the lit tests and the kernel
# tests under it.
SAN_BUILD := build/sanitize
sanitize: $(VENV)/.deps
	cmake -S . -B $(SAN_BUILD) -G Ninja -DCMAKE_MAKE_PROGRAM=$(CURDIR)/$(VENV)/bin/ninja \
	  -DPython3_EXECUTABLE=$(CURDIR)/$(PY) -DPython_EXECUTABLE=$(CURDIR)/$(PY) \
	  -DCOREAI_ENABLE_SANITIZERS=ON -DCOREAI_BUILD_PYTHON=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	$(VENV)/bin/ninja -C $(SAN_BUILD) coreai-opt
	cmake -S test/Kernels -B $(SAN_BUILD)/kernels -G Ninja -DCMAKE_MAKE_PROGRAM=$(CURDIR)/$(VENV)/bin/ninja \
	  -DCMAKE_CXX_FLAGS="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer" >/dev/null
	$(VENV)/bin/ninja -C $(SAN_BUILD)/kernels coreai-kernels-test coreai-palettize-test coreai-sparsify-test
	ASAN_OPTIONS=detect_leaks=0:allow_user_poisoning=0 UBSAN_OPTIONS=print_stacktrace=1 $(SAN_BUILD)/kernels/coreai-kernels-test
	ASAN_OPTIONS=detect_leaks=0:allow_user_poisoning=0 UBSAN_OPTIONS=print_stacktrace=1 $(SAN_BUILD)/kernels/coreai-palettize-test --quick
	ASAN_OPTIONS=detect_leaks=0:allow_user_poisoning=0 UBSAN_OPTIONS=print_stacktrace=1 $(SAN_BUILD)/kernels/coreai-sparsify-test --quick
	ASAN_OPTIONS=detect_leaks=0:allow_user_poisoning=0 UBSAN_OPTIONS=print_stacktrace=1 $(VENV)/bin/lit -sv $(SAN_BUILD)/test
