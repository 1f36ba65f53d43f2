# Kiln's two commands: `make demo` and `make test`. Each installs what it needs.
PYTHON ?= python3
BUILD ?= build
ASAN_BUILD ?= build-asan
MESON ?= $(PYTHON) -m mesonbuild.mesonmain
SETUP_FLAGS = -Dpython=enabled -Dtests=enabled -Dwerror=true
ASAN_FLAGS = -Db_sanitize=address,undefined -Db_lundef=false "-Dc_args=-fno-sanitize-recover=all -fsanitize=float-cast-overflow"
DEMO_OUT ?= out

.PHONY: all deps build build-asan test test-c test-python test-asan demo bench soak valgrind format clean fuzz

all: build

deps:
	PYTHON=$(PYTHON) scripts/install-deps.sh

build: deps
	@test -f $(BUILD)/build.ninja || $(MESON) setup $(BUILD) $(SETUP_FLAGS)
	$(MESON) compile -C $(BUILD)

build-asan: deps
	@test -f $(ASAN_BUILD)/build.ninja || $(MESON) setup $(ASAN_BUILD) $(SETUP_FLAGS) $(ASAN_FLAGS)
	$(MESON) compile -C $(ASAN_BUILD)

test-c: build
	$(MESON) test -C $(BUILD) --suite c --print-errorlogs

test-python: build
	PYTHONPATH=$(BUILD)/python $(PYTHON) -m pytest tests/python -q

# The same tests with AddressSanitizer and UndefinedBehaviorSanitizer. Python is not
# built with ASan, so its runtime is preloaded (with libstdc++, whose exceptions it
# intercepts for extensions such as matplotlib's); leaks are checked by the C tests.
test-asan: build-asan
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  $(MESON) test -C $(ASAN_BUILD) --suite c --print-errorlogs
	LD_PRELOAD="$$(gcc -print-file-name=libasan.so) $$(gcc -print-file-name=libstdc++.so)" ASAN_OPTIONS=detect_leaks=0 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 PYTHONPATH=$(ASAN_BUILD)/python \
	  $(PYTHON) -m pytest tests/python -q -p no:cacheprovider

test: test-c test-asan test-python

demo: build
	mkdir -p $(DEMO_OUT)
	cd $(DEMO_OUT) && PYTHONPATH=$(CURDIR)/$(BUILD)/python $(PYTHON) $(CURDIR)/samples/numpy_sample.py
	$(BUILD)/samples/render_tutorial $(DEMO_OUT)/tutorial_c.png
	PYTHONPATH=$(CURDIR)/$(BUILD)/python $(PYTHON) samples/mesh_sample.py $(DEMO_OUT)
	PYTHONPATH=$(CURDIR)/$(BUILD)/python $(PYTHON) samples/ground_truth.py $(DEMO_OUT)
	@echo "Wrote $(DEMO_OUT)/numpy_arr.png, $(DEMO_OUT)/numpy_final.png, $(DEMO_OUT)/final.png, $(DEMO_OUT)/tutorial_c.png, $(DEMO_OUT)/mesh_colour_depth.png and $(DEMO_OUT)/ground_truth.png"

# Installs the peers (bench/install-deps.sh), measures, and writes docs/benchmarks.md with
# its plots in docs/images/; it reports and never fails on a figure. Kiln is measured as
# `pip install .` builds it: a release build with the options of pyproject.toml.
BENCH_BUILD ?= build-release
bench: deps
	@test -f $(BENCH_BUILD)/build.ninja || $(MESON) setup $(BENCH_BUILD) -Dbuildtype=release \
	  -Dpython=enabled -Dtests=disabled -Dsamples=false
	$(MESON) compile -C $(BENCH_BUILD)
	PYTHON=$(PYTHON) bench/install-deps.sh
	PYTHONPATH=$(BENCH_BUILD)/python $(PYTHON) bench/run_all.py --build $(BENCH_BUILD)

# Renders 100,000 frames of a scene that keeps creating and destroying textures,
# materials, nodes and render targets; fails if resident memory grows by more than 2 MiB
# after frame 5,000 (tests/soak/soak.py).
soak: build
	PYTHONPATH=$(BUILD)/python $(PYTHON) tests/soak/soak.py --frames 100000

# The C tests under valgrind's memcheck: any error or leak fails.
valgrind: build
	scripts/install-debian-packages.sh valgrind
	$(MESON) test -C $(BUILD) --suite c --print-errorlogs --timeout-multiplier 20 \
	  --wrapper "valgrind --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite,indirect --quiet"

format:
	clang-format -i include/kiln/*.h src/*/*.c src/*/*.h src/render/soft/*.[ch] tests/c/*.c samples/*.c

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(BENCH_BUILD) $(DEMO_OUT)

# Builds Kiln and its libFuzzer targets (tests/fuzz/) with clang and the sanitizers in
# build-fuzz/, then fuzzes each for FUZZ_SECONDS seconds (default 60); it fails on a
# crash, hang, leak or runaway allocation, naming the file that holds the input.
fuzz:
	PYTHON=$(PYTHON) scripts/fuzz.sh
