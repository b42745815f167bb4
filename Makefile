# Thin front for people who expect make; the build is Meson + Ninja.
#   make            build ./build/tocsin (installs missing Debian packages)
#   make demo       the main job on a built-in synthetic breach, in ./demo-case
#   make test       every test, under AddressSanitizer and UBSan
#   make install    PREFIX=/usr/local DESTDIR=
#   make format     reformat the sources with clang-format
PREFIX ?= /usr/local
DESTDIR ?=
BUILD ?= build
TESTBUILD ?= build-test
DEMO_PERSONS ?= 100000

.PHONY: all deps demo test install format clean

all: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)

deps:
	@sh scripts/deps.sh

$(BUILD)/build.ninja:
	meson setup $(BUILD) --prefix=$(PREFIX) -Dbuildtype=release -Dtests=false

$(TESTBUILD)/build.ninja:
	meson setup $(TESTBUILD) -Db_sanitize=address,undefined -Db_lundef=false

demo: all
	@sh scripts/demo.sh $(BUILD)/tocsin demo-case $(DEMO_PERSONS)

test: deps $(TESTBUILD)/build.ninja
	ninja -C $(TESTBUILD)
	@status=0; \
	meson test -C $(TESTBUILD) --print-errorlogs --num-processes 2 \
	    >$(TESTBUILD)/test-output.txt 2>&1 || status=$$?; \
	tail -n 12 $(TESTBUILD)/test-output.txt; \
	python3 scripts/test-summary.py $(TESTBUILD)/meson-logs/testlog.json \
	    || status=1; \
	exit $$status

install: all
	meson configure $(BUILD) --prefix=$(PREFIX)
	DESTDIR=$(DESTDIR) meson install -C $(BUILD) --no-rebuild

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD) $(TESTBUILD)
