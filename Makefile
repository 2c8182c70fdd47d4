# `make run` serves the demo site; `make test` runs the whole suite. Both build .venv first.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test bench lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.installed $@

# `make run PORT=8001` serves on another port (the emails' links follow); `make run DEBUG_PAGES=true` shows
# Django's debug pages instead of the site's own Japanese 404 and 500.
PORT ?= 8000
DEBUG_PAGES ?= false
RUN_ENV := DEBUG_PAGES=$(DEBUG_PAGES) SITE_URL=http://127.0.0.1:$(PORT)
run: $(VENV)/.installed
	$(BIN)/python manage.py migrate --no-input
	$(RUN_ENV) $(BIN)/python manage.py load_demo_content
	$(RUN_ENV) $(BIN)/python manage.py load_demo_policyholders
	@echo ""
	@echo "  Site:  http://127.0.0.1:$(PORT)/"
	@echo "  Admin: http://127.0.0.1:$(PORT)/admin/  (user: admin / password: demo-password-2019)"
	@echo "         also editor (編集者) and approver (承認者), same password: one drafts, the other publishes"
	@echo "         and support, support2 (顧客対応), same password: one refuses a request, the other approves the refusal"
	@echo "  API:   http://127.0.0.1:$(PORT)/api/v1/  (Authorization: Bearer <the demo API client's token, above>)"
	@echo "  Customer: http://127.0.0.1:$(PORT)/login/  (hanako@example.com; the login link is printed below)"
	@echo ""
	@# The task worker sends the emails (printed here too); it stops when runserver does (Ctrl+C).
	$(RUN_ENV) $(BIN)/python manage.py run_worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT; \
	$(RUN_ENV) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# On two processes (pytest-xdist), each with its own test database, ports, directories and Redis key
# prefixes. Arguments follow: `make test PYTEST_ARGS=-n0` runs it in one process, `PYTEST_ARGS="-m slow"`
# runs the slow tests (left out by default) instead, `PYTEST_ARGS=tests/browser` one folder.
PYTEST_ARGS ?=
test: $(VENV)/.installed-dev
	$(BIN)/pytest -n 2 $(PYTEST_ARGS)

# The production stack on loopback (gunicorn, PostgreSQL at 127.0.0.1:5432, Redis at 127.0.0.1:6379)
# under wrk, task workers sending to a local SMTP sink (aiosmtpd, from requirements-dev.txt);
# SCALE=1000000 for the large run; BENCH_SMOKE=1 for CI's smoke run (every stage, tiny, fails on errors).
# See bench/RESULTS.md.
bench: $(VENV)/.installed-dev
	$(BIN)/python -m bench.run

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
