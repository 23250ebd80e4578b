# The two set-up commands of README: `make demo` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# The demo and the tests run in DEBUG (the demo key and password are refused otherwise).
DEMO_ENV := DEBUG=true

.PHONY: demo demo-setup test lint format lock install install-dev clean bench backup restore loadtest

$(BIN)/python: | .env
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Local settings of this checkout (git-ignored); real environment variables override them.
.env:
	printf '# Local development settings; the environment overrides them.\nDEBUG=true\n' > $@

# Stamps: reinstall only when a lock file changes.
$(VENV)/.runtime: requirements.lock | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements.lock
	touch $@

$(VENV)/.dev: requirements-dev.lock | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements-dev.lock
	touch $@ $(VENV)/.runtime

install: $(VENV)/.runtime
install-dev: $(VENV)/.dev

demo-setup: install
	$(DEMO_ENV) $(BIN)/python manage.py migrate --noinput
	$(DEMO_ENV) $(BIN)/python manage.py seed_demo

# One uvicorn serves the pages, the static files and the live socket (apps/live).
demo: demo-setup
	@echo ""
	@echo "  Workbench:  http://$(HOST):$(PORT)/    admin: http://$(HOST):$(PORT)/admin/"
	@echo "  Password for every demo login: jingwu2026"
	@echo "  Logins: admin, jlp_admin, xipeng_desk, xipeng_community, xipeng_case,"
	@echo "          xipeng_leader, shiqiaopu_community, shuangfeng_desk, mediator_xipeng, jlp_legal,"
	@echo "          xietaizi_community"
	@echo "  Citizen portal: http://$(HOST):$(PORT)/apply/  login 13983461234"
	@echo ""
	$(DEMO_ENV) $(BIN)/uvicorn policestation.asgi:application --host $(HOST) --port $(PORT) \
		--ws websockets-sansio --no-access-log

# The suite runs in TEST_WORKERS processes (pytest-xdist), one file per process at a time.
TEST_WORKERS ?= 2
test: install-dev
	$(DEMO_ENV) $(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

# mypy: the files and strictness in pyproject.toml [tool.mypy]; its Django plugin loads the
# settings, which need DEBUG (or a SECRET_KEY).
lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(DEMO_ENV) $(BIN)/mypy

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Regenerate the lock files after editing pyproject.toml (needs uv: pip install uv).
lock:
	uv pip compile pyproject.toml --python-version 3.11 --generate-hashes -o requirements.lock
	uv pip compile pyproject.toml --extra dev --python-version 3.11 --generate-hashes \
		-c requirements.lock -o requirements-dev.lock

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles test-artifacts loadtest-results

# Benchmark against PostgreSQL: BENCH_SCALE=small (quick) or full, BENCH_ONLY=stations,cases
# for some apps only; see README "Quality".
BENCH_SCALE ?= small
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/policestation_bench
# Redis carries the live events between the socket server and the services (devtools/bench/live.py).
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/12
bench: install-dev
	$(DEMO_ENV) DATABASE_URL=$(BENCH_DATABASE_URL) REDIS_URL=$(BENCH_REDIS_URL) \
		$(BIN)/python manage.py bench --scale $(BENCH_SCALE)

# Load test (README "Load test"): 50 desk and tablet users for LOADTEST_MINUTES against
# gunicorn, PostgreSQL, Redis and a Celery worker on 127.0.0.1. It re-creates the database
# LOADTEST_DATABASE_URL names (ending in _loadtest) and empties LOADTEST_REDIS_URL's database
# (tests/load/test_loadtest.py has its own: <name>_loadtest_test, Redis 9; see
# devtools/loadtest/__init__.py); results in loadtest-results/. The driver runs in DEBUG
# (to seed the demo), gunicorn not.
LOADTEST_MINUTES ?= 10
LOADTEST_USERS ?= 50
LOADTEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/policestation_loadtest
LOADTEST_REDIS_URL ?= redis://127.0.0.1:6379/8
loadtest: install-dev
	$(DEMO_ENV) DATABASE_URL=$(LOADTEST_DATABASE_URL) REDIS_URL=$(LOADTEST_REDIS_URL) \
		$(BIN)/python manage.py loadtest --minutes $(LOADTEST_MINUTES) --users $(LOADTEST_USERS)

# Backup and restore of the configured database and the uploaded files (README "Backup and
# restore"): `make backup` writes backups/<date-time>/; `make restore BACKUP=backups/...`.
backup: install
	$(BIN)/python manage.py backup

restore: install
	@test -n "$(BACKUP)" || (echo "Name the backup: make restore BACKUP=backups/<date-time>"; exit 2)
	$(BIN)/python manage.py restore "$(BACKUP)"
