# Two commands matter: `make run` (the app with demo data) and `make test` (the whole suite).
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | md5sum | cut -c1-12)
# Local runs are production-like (DEBUG off, no stack traces), only without TLS.
LOCAL_ENV := DEBUG=false SECRET_KEY="$$(cat .local-secret-key)" ALLOWED_HOSTS=127.0.0.1,localhost \
	SECURE_SSL_REDIRECT=false SESSION_COOKIE_SECURE=false CSRF_COOKIE_SECURE=false SECURE_HSTS_SECONDS=0
TEST_ENV := DEBUG=false SECRET_KEY=test-only-secret-key-not-for-production

.PHONY: run dev test test-sqlite test-postgres lint format migrations-check bench install clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements-dev.txt
	rm -f $(VENV)/.installed-*; touch $@

install: $(STAMP)

.local-secret-key:
	$(PYTHON) -c "import secrets; print(secrets.token_urlsafe(50))" > $@

run: $(STAMP) .local-secret-key
	$(LOCAL_ENV) $(BIN)/python manage.py migrate --noinput
	$(LOCAL_ENV) $(BIN)/python manage.py seed_demo --if-empty
	$(LOCAL_ENV) $(BIN)/python manage.py collectstatic --noinput -v0
	@echo ""
	@echo "  Ứng dụng: http://127.0.0.1:8000   (mật khẩu mọi tài khoản mẫu: demo12345)"
	@echo "  admin    – quản trị toàn hệ thống"
	@echo "  tinhdoan – cán bộ Ban Tổ chức – Kiểm tra Tỉnh đoàn (toàn tỉnh)"
	@echo "  xa       – cán bộ Đoàn phường Quy Nhơn (chỉ đơn vị mình)"
	@echo "  lanhdao  – lãnh đạo Tỉnh đoàn (phê duyệt)"
	@echo "  xem      – chỉ xem (toàn tỉnh, không thấy trường nhạy cảm)"
	@echo "  Việc chạy nền (nhập, xuất tệp lớn): manage.py db_worker, chạy cùng máy chủ web"
	@echo ""
	@# The task worker runs beside the web server and stops with it (Ctrl+C, or the server ending).
	$(LOCAL_ENV) $(BIN)/python manage.py db_worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	$(LOCAL_ENV) $(BIN)/python manage.py runserver 127.0.0.1:8000

# Development server with DEBUG on (tracebacks, no static collection).
dev: $(STAMP)
	DEBUG=true $(BIN)/python manage.py migrate --noinput
	DEBUG=true $(BIN)/python manage.py seed_demo --if-empty
	DEBUG=true $(BIN)/python manage.py db_worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	DEBUG=true $(BIN)/python manage.py runserver 127.0.0.1:8000

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrations-check: $(STAMP)
	$(TEST_ENV) DATABASE_URL= $(BIN)/python manage.py makemigrations --check --dry-run

# pytest on SQLite, then on PostgreSQL when DATABASE_URL points to one.
test: lint migrations-check test-sqlite test-postgres

test-sqlite: $(STAMP)
	$(TEST_ENV) DATABASE_URL= $(BIN)/python manage.py collectstatic --noinput -v0
	$(TEST_ENV) DATABASE_URL= $(BIN)/pytest $(PYTEST_ARGS)

test-postgres: $(STAMP)
	@if [[ "$$DATABASE_URL" == postgres* ]]; then \
		echo "== pytest on PostgreSQL"; \
		$(TEST_ENV) $(BIN)/pytest $(PYTEST_ARGS); \
	else \
		echo "== DATABASE_URL does not point to PostgreSQL: PostgreSQL run skipped"; \
	fi

bench: $(STAMP)
	@$(TEST_ENV) $(BIN)/python bench/run.py

# Load test of the production server (gunicorn, config/gunicorn.conf.py) with wrk on loopback,
# against DATABASE_URL's database (default db.sqlite3), which must be seeded (`make run` does it).
.PHONY: load
load: $(STAMP) .local-secret-key
	@$(LOCAL_ENV) bench/load.sh

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
