# sicantik-whatsapp — every target sets up what it needs (scripts/setup.sh, idempotent).
#   make demo   build the test page and serve it against the provider simulator
#   make test   everything CI runs
SHELL := /bin/bash
export PATH := $(CURDIR)/.tools/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
CARGO ?= cargo
ABI_WASM := target/abi/wasm32-unknown-unknown/release/sicantik_whatsapp.wasm
ADDON := odoo_addon/sicantik_whatsapp
# Debian's driver and browser; stops wasm-pack from downloading its own.
export CHROMEDRIVER := /usr/bin/chromedriver

.PHONY: test check lint format readme wheel test-rust abi test-python pkg test-node test-page test-wasm-node test-wasm-browser \
        odoo-test odoo-crash-test odoo-lab-config pot addon demo setup fuzz fuzz-short bench

FUZZ_SECONDS ?= 60
# What prettier checks (make lint, make check) and rewrites (make format): the JS, XML, styles
# and HTML under these folders (exported for scripts/oca-lint.sh).
export PRETTIER_PATHS := odoo_addon www scripts tests simulator cli benches
export PRETTIER_EXT := js,mjs,ts,xml,css,scss,html
PRETTIER := NODE_PATH=$(CURDIR)/.tools/lint/node_modules .tools/lint/node_modules/.bin/prettier
LINT_BIN := .venv-lint/bin

test: check test-rust test-python test-wasm-node test-wasm-browser test-node test-page fuzz-short odoo-test odoo-crash-test
	@echo "make test: all suites passed"

setup:
	scripts/setup.sh all

# OCA's checks (`make lint`) are part of `make check`; `make check LINT_IN_CHECK=` leaves them out.
LINT_IN_CHECK ?= 1

check: $(if $(LINT_IN_CHECK),lint)
	@scripts/setup.sh rust
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --all-targets --features host-abi -- -D warnings
	$(CARGO) clippy --lib --target wasm32-unknown-unknown --features js -- -D warnings
	$(CARGO) clippy --lib --target wasm32-unknown-unknown --features js,catalogue,server,transcript \
		-- -D warnings
	$(CARGO) clippy --lib --target wasm32-unknown-unknown --no-default-features --features host-abi \
		--target-dir target/abi -- -D warnings
	$(CARGO) check --no-default-features --lib
	node scripts/check-module-cycles.mjs
	node scripts/check-file-sizes.mjs rust python

# OCA's checks for the addons (pylint-odoo, oca-odoo-pre-commit-hooks, ruff, prettier, eslint),
# at the versions and settings of OCA's addon template for Odoo 18 (odoo_addon/.pylintrc*,
# .ruff.toml, prettier.config.cjs, odoo_addon/eslint.config.cjs), over PRETTIER_PATHS for the JS.
lint:
	@scripts/setup.sh lint
	scripts/oca-lint.sh

# Rewrites in place what ruff and prettier can fix (the rest is left to `make lint` to report).
format:
	@scripts/setup.sh lint
	$(LINT_BIN)/ruff check --fix --exit-zero --silent odoo_addon
	$(LINT_BIN)/ruff format odoo_addon
	$(PRETTIER) --write --log-level warn $(foreach p,$(PRETTIER_PATHS),'$(p)/**/*.{$(PRETTIER_EXT)}')

test-rust:
	$(CARGO) test --features host-abi

# The JS-free build run by wasmtime (Odoo server, Python tests). Own target dir: the two wasm
# builds would overwrite each other. Tuned for speed, not size: it is never downloaded.
abi:
	@scripts/setup.sh wasm
	CARGO_PROFILE_RELEASE_OPT_LEVEL=3 $(CARGO) build --release --target wasm32-unknown-unknown --no-default-features --features host-abi --target-dir target/abi
	@mkdir -p $(ADDON)/engine
	cp $(ABI_WASM) $(ADDON)/engine/sicantik_whatsapp_engine.wasm

test-python: abi
	@scripts/setup.sh python
	.venv/bin/python -m pytest -q tests/python

pkg:
	@scripts/setup.sh wasm
	scripts/build/pkg.sh

test-node: pkg
	@scripts/setup.sh node
	node --test simulator/test/ tests/node/
	npm run --silent typecheck

# The test page in real headless Chromium (playwright-core driving Debian's chromium).
test-page: pkg
	@scripts/setup.sh node browser
	node --test tests/browser/

test-wasm-node:
	@scripts/setup.sh wasm
	scripts/with-simulator.sh wasm-pack test --node -- --features js,server,transcript --test wasm_node

# In a page, then inside a dedicated Worker (proves the transport needs no `window`).
test-wasm-browser:
	@scripts/setup.sh wasm browser
	scripts/with-simulator.sh scripts/wasm-browser-test.sh

# Every cargo-fuzz target, seeded from the fixtures; a short run is part of `make test`.
fuzz:
	scripts/fuzz.sh $(FUZZ_SECONDS)

fuzz-short:
	scripts/fuzz.sh 10

# One table of ratios measured side by side (native, node, Python, dispatch, sizes); out/bench.md.
bench:
	@scripts/setup.sh wasm node python
	benches/run.sh

# The addon's tests need both engine builds inside the addon (server and web client).
odoo-test:
	@if scripts/odoo/test.sh --find-lab >/dev/null; then $(MAKE) --no-print-directory addon; fi
	scripts/odoo/test.sh

# The outbox under kill -9 and a hanging provider, in real Odoo servers (a few minutes).
odoo-crash-test:
	@if scripts/odoo/test.sh --find-lab >/dev/null; then $(MAKE) --no-print-directory addon; fi
	scripts/odoo/crash-test.sh
# Where this machine's Odoo 18 lab is (ODOO_SRC, ODOO_PYTHON), remembered per user.
odoo-lab-config:
	scripts/odoo/lab-config.sh

# The addon's .pot exported from a real Odoo 18, id.po brought in line with it (lists what to translate).
pot: addon
	scripts/odoo/pot.sh

addon: abi pkg
	scripts/build/addon.sh

# The addon as a wheel (whool, as OCA ships addons) with both engine builds: dist/*.whl.
wheel: addon
	@scripts/setup.sh lint
	scripts/build/wheel.sh

# README.rst of each addon from its readme/ fragments, by OCA's oca-gen-addon-readme; that tool is
# not on PyPI: OCA_MAINTAINER_TOOLS=<checkout of OCA's maintainer-tools> make readme.
readme:
	scripts/build/readme.sh

demo: pkg
	@scripts/setup.sh node
	node www/serve.mjs
