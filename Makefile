# The two README commands: `make run` and `make test`. Everything they need is installed here.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_PACKAGES := libreoffice-writer-nogui python3-uno python3-venv fonts-liberation2 poppler-utils qpdf \
	tesseract-ocr tesseract-ocr-vie postgresql-client
# Only for the tests: Debian's Chromium, driven by Playwright in the browser tests.
TEST_APT_PACKAGES := chromium
# LibreOffice's UNO bridge imports only in Debian's own Python: the converter pool runs there.
UNO_PYTHON := /usr/bin/python3
UNO_VENV := .venv-uno

.PHONY: run test system install lint templates golden bench bench-http clean-venv

run: system install
	$(BIN)/docservice init --demo
	$(BIN)/docservice serve --host $(HOST) --port $(PORT)

test: system install
	@$(MAKE) --no-print-directory system APT_PACKAGES="$(TEST_APT_PACKAGES)"
	$(BIN)/ruff check docservice tests bench templates_docx
	$(BIN)/pytest

# Debian/Ubuntu packages that are missing are installed (root, or sudo when available).
system:
	@missing=$$(for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q "install ok installed" || echo $$p; done); \
	if ! $(PYTHON) -c "import ensurepip" 2>/dev/null; then missing="$$missing python3-venv"; fi; \
	if [ -n "$$missing" ]; then \
	  echo "Cài các gói hệ thống còn thiếu:$$(echo $$missing | sed 's/^/ /')"; \
	  $(SUDO) apt-get update -q && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing; \
	fi

install: $(BIN)/.installed $(UNO_VENV)/.installed

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $@

$(UNO_VENV)/.installed: Makefile
	$(UNO_PYTHON) -m venv --system-site-packages $(UNO_VENV)
	$(UNO_VENV)/bin/pip install -q 'unoserver>=3.1,<4'
	$(UNO_VENV)/bin/python -c "import uno, unoserver"
	touch $@

lint: install
	$(BIN)/ruff check docservice tests bench templates_docx

# Rebuild the committed .docx templates from the rule profile.
templates: install
	$(BIN)/python templates_docx/build.py

# Page counts and words of every template's PDF, compared by the tests (review the diff, then commit).
golden: system install
	$(BIN)/python tests/golden/update.py

# Speed measurements (not tests): DOCX renders per second, DOCX→PDF cold against the pool.
bench: system install
	$(BIN)/python bench/generation.py
	$(BIN)/python bench/conversion.py

# HTTP load with wrk against docservice serve (10,000 generated records; see bench/http.py --help).
bench-http: system install
	@command -v wrk >/dev/null || $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends wrk
	$(BIN)/python bench/http.py

clean-venv:
	rm -rf $(VENV) $(UNO_VENV)
