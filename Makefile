# hazcheck: `make demo` audits a bundled sample return; `make test` runs the whole suite.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench wheel-check clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	@$(BIN)/hazcheck audit cases/campaign-2023-table/district-2023-09/return.xlsx \
	    --previous cases/campaign-2023-table/district-2023-09/previous.xlsx \
	    --annotate demo-annotated.xlsx; rc=$$?; \
	  if [ $$rc -gt 1 ]; then exit $$rc; fi; \
	  echo "退出码 $$rc（1 = 发现错误级问题）；标注后的工作簿：demo-annotated.xlsx"

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .

bench: $(STAMP)
	$(BIN)/python bench/bench_audit.py

wheel-check: $(STAMP)
	bash scripts/wheel_check.sh

clean:
	rm -rf $(VENV) build dist demo-annotated.xlsx
