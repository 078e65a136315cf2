# hazcheck: `make demo` audits a sample return, classifies a finding (facts, then a description) and audits two sample
# ledgers (one as offices keep it), recounts a return from its detail records and shows a quarter's submissions
# (late, missing, re-submitted units); `make test` runs the whole suite.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench wheel-check clean fuzz

$(STAMP): pyproject.toml cli.py  # cli.py is copied into the venv by the editable install
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	@echo "== 1. 审核调度表（含上期比较，另存标注工作簿） =="
	@$(BIN)/hazcheck audit cases/campaign-2023-table/district-2023-09/return.xlsx \
	    --previous cases/campaign-2023-table/district-2023-09/previous.xlsx \
	    --annotate demo-annotated.xlsx; rc=$$?; \
	  if [ $$rc -gt 1 ]; then exit $$rc; fi; \
	  echo "退出码 $$rc（1 = 发现错误级问题）；标注后的工作簿：demo-annotated.xlsx"
	@echo; echo "== 2. 判定一条隐患是否为重大事故隐患 =="
	@$(BIN)/hazcheck classify --sector 冶金 --date 2024-03-01 \
	    --fact 生产期间=是 --fact 积水=是 --fact 场所=炉下渣坑; rc=$$?; \
	  if [ $$rc -gt 1 ]; then exit $$rc; fi
	@echo; echo "== 2b. 只有文字描述：从描述中读出事实再判定（据描述，需人工确认） =="
	@$(BIN)/hazcheck classify --sector 冶金 --date 2024-03-01 \
	    --text "炼钢车间出钢时炉下渣坑有积水"; rc=$$?; \
	  if [ $$rc -gt 1 ]; then exit $$rc; fi
	@echo; echo "== 3. 审核隐患台账，并与调度表核对 =="
	@$(BIN)/hazcheck audit cases/hazard-ledger/district-2024-q1/ledger.csv \
	    --return cases/hazard-ledger/district-2024-q1/return.csv --as-of 2024-03-31; rc=$$?; \
	  if [ $$rc -gt 1 ]; then exit $$rc; fi; \
	  echo "退出码 $$rc（1 = 发现错误级问题）"
	@echo; echo "== 4. 审核按办公室习惯记的台账（只有隐患描述，行业写作 工贸、教育……，日期写法不一） =="
	@$(BIN)/hazcheck audit cases/hazard-ledger/township-2024-office/ledger.csv --as-of 2024-09-30; rc=$$?; \
	  if [ $$rc -gt 1 ]; then exit $$rc; fi; \
	  echo "退出码 $$rc（1 = 发现错误级问题）"
	@echo; echo "== 5. 按明细台账重新统计调度表（行政处罚、移送司法、典型案例、培训、督导……） =="
	@$(BIN)/hazcheck audit cases/campaign-2023-table/district-2023-09-recount/return.csv \
	    --details cases/campaign-2023-table/district-2023-09-recount/details --as-of 2023-09-30; rc=$$?; \
	  if [ $$rc -gt 1 ]; then exit $$rc; fi; \
	  echo "退出码 $$rc（1 = 发现错误级问题）"
	@echo; echo "== 6. 报送情况：一个季度各单位按时、迟报、漏报、补报、催报（√/× 表） =="
	@$(BIN)/hazcheck status cases/submissions/county-2023-q3/log.csv \
	    --units cases/submissions/county-2023-q3/units.txt --as-of 2023-09-30; rc=$$?; \
	  if [ $$rc -gt 1 ]; then exit $$rc; fi; \
	  echo "退出码 $$rc（1 = 有漏报等错误级问题）"

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -n auto

lint: $(STAMP)
	$(BIN)/ruff check .

bench: $(STAMP)
	$(BIN)/python bench/bench_startup.py
	$(BIN)/python bench/bench_audit.py
	$(BIN)/python bench/bench_ledger.py
	$(BIN)/python bench/text_accuracy.py
	$(BIN)/python bench/bench_ledger_scale.py --rows 20000 --xlsx-rows 100000

fuzz: $(STAMP)  # coverage-guided fuzzing of every reader, rule-file loader and the condition parser
	@$(BIN)/python -c "import atheris" 2>/dev/null || $(BIN)/python -m pip install --quiet atheris
	@mkdir -p build/fuzz; failed=""; for t in $$($(BIN)/python tests/fuzz/fuzz_targets.py --list 2>/dev/null | sed -n 's/^targets: //p'); do \
	  echo "== fuzz $$t ($(or $(FUZZ_SECONDS),60) s, log build/fuzz/$$t.log)"; \
	  $(BIN)/python tests/fuzz/fuzz_targets.py $$t -max_total_time=$(or $(FUZZ_SECONDS),60) -print_final_stats=1 \
	    > build/fuzz/$$t.log 2>&1; rc=$$?; \
	  grep -E "^(stat::number_of_executed_units|stat::peak_rss_mb|Done )" build/fuzz/$$t.log; \
	  if [ $$rc -ne 0 ]; then failed="$$failed $$t"; tail -30 build/fuzz/$$t.log; fi; \
	done; \
	if [ -n "$$failed" ]; then echo "fuzz: crashes in:$$failed (the inputs are in build/fuzz/)"; exit 1; fi; \
	echo "fuzz: no crashes"

wheel-check: $(STAMP)
	bash scripts/wheel_check.sh

clean:
	rm -rf $(VENV) build dist demo-annotated.xlsx
