# newscrawl: `make demo` and `make test` work on a fresh machine.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
CHROMIUM ?= /usr/bin/chromium-headless-shell

.PHONY: demo test test-all lint typecheck bench browser redis clean

# The replica (replica/, its own package) serves the demo, the tests and the benchmarks; the
# crawler itself does not depend on it.
$(STAMP): pyproject.toml replica/pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]' -e ./replica
	touch $(STAMP)

# Debian's headless Chromium for scrapy-playwright (Playwright's own download does not work here).
browser:
	@test -x $(CHROMIUM) || { \
	  echo "Installing Debian's chromium-headless-shell ..."; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium-headless-shell; }
	@$(CHROMIUM) --version

# Debian's redis-server for the shared frontier (tests start their own on a free port).
redis:
	@command -v redis-server >/dev/null || { \
	  echo "Installing Debian's redis-server ..."; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server; }
	@redis-server --version

demo: $(STAMP)
	$(PY) -m newscrawl.demo

test: $(STAMP) browser redis
	$(VENV)/bin/ruff check newscrawl replica tests bench
	$(VENV)/bin/mypy
	$(VENV)/bin/pytest -m 'not slow'

# The acceptance-sized end-to-end cases too (marked slow: an hour or more on two cores).
test-all: $(STAMP) browser redis
	$(VENV)/bin/pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check newscrawl replica tests bench
	$(VENV)/bin/ruff format --check newscrawl replica tests bench
	$(VENV)/bin/mypy

bench: $(STAMP)
	$(PY) bench/replica.py
	$(PY) bench/crawl.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
