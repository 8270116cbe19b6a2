# The two README commands: `make run` and `make test`. Everything they need is installed here.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_PACKAGES := libreoffice-writer-nogui fonts-liberation2 poppler-utils qpdf tesseract-ocr tesseract-ocr-vie

.PHONY: run test system install lint templates bench clean-venv

run: system install
	$(BIN)/docservice init --demo
	$(BIN)/docservice serve --host $(HOST) --port $(PORT)

test: system install
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

install: $(BIN)/.installed

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $@

lint: install
	$(BIN)/ruff check docservice tests bench templates_docx

# Rebuild the committed .docx templates from the rule profile.
templates: install
	$(BIN)/python templates_docx/build.py

# Speed measurements (not tests): DOCX renders per second.
bench: install
	$(BIN)/python bench/generation.py

clean-venv:
	rm -rf $(VENV)
