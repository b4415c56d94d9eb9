# Two entry points: `make demo` (set up, convert the sample article) and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
SYSTEM_PACKAGES := fonts-noto-cjk fonts-babelstone-han poppler-utils chromium chromium-driver epubcheck
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: demo test setup system lint clean

demo: setup
	$(VENV)/bin/reader convert examples/spring-market.txt --format html,pdf,json
	@echo "Open output/spring-market.html in a browser; print output/spring-market.pdf."

test: setup
	$(VENV)/bin/ruff check reader tests bench
	$(VENV)/bin/ruff format --check reader tests bench
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports
	$(VENV)/bin/pytest

setup: system $(VENV)/.installed

# Debian packages: CJK fonts, poppler (PDF checks), chromium (browser tests and screenshots).
system:
	@missing=""; for p in $(SYSTEM_PACKAGES); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing system packages:$$missing"; \
	  $(SUDO) apt-get update -q && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q --no-install-recommends $$missing; \
	fi

# torch first and pinned: an unpinned torch would pull a multi-GB CUDA build.
$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e '.[dev]'
	touch $@

lint: setup
	$(VENV)/bin/ruff check reader tests bench
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

clean:
	rm -rf $(VENV) output/*.html output/*.json output/*.pdf
