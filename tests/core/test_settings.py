import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from policestation.env import env_bool, secret_key

ROOT = Path(__file__).resolve().parents[2]
# Not passed to the subprocesses: each test sets what it means to test. (The browser
# tests set DJANGO_ALLOW_ASYNC_UNSAFE for Playwright, which check --deploy rightly refuses.)
INHERITED_NOT = {
    "DATABASE_URL",
    "REDIS_URL",
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}
STRONG_KEY = "k3y-" + "x7Q2pL9vR4mN8sT1wZ6yB3cF5hJ0kD2gA9eU4iO7qW1rE8tY5uI3oP6aS0dF" * 2


def run_django(code: str, **env) -> subprocess.CompletedProcess:
    """Run Python with Django set up in a fresh process, with exactly the given variables."""
    base = {k: v for k, v in os.environ.items() if k not in INHERITED_NOT}
    script = "import django; django.setup()\n" + code
    # No local .env either, unless the test names one: exactly the given variables.
    env = {"ENV_FILE": os.devnull, **env}
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "policestation.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_it_uses_a_demo_key_only_in_debug(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    assert secret_key(debug=True)
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        secret_key(debug=False)


@pytest.mark.parametrize("weak", ["short", "a" * 60, "django-insecure-" + "x1y2z3" * 10])
def test_it_refuses_a_weak_key_in_production(monkeypatch, weak):
    monkeypatch.setenv("SECRET_KEY", weak)
    with pytest.raises(ImproperlyConfigured, match="at least 50 characters"):
        secret_key(debug=False)


def test_it_names_the_variable_of_a_malformed_boolean(monkeypatch):
    monkeypatch.setenv("DEBUG", "perhaps")
    with pytest.raises(ImproperlyConfigured, match="DEBUG must be true or false"):
        env_bool("DEBUG")


def test_it_stops_start_up_without_a_secret_key_when_debug_is_off():
    result = run_django("", DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY is missing or weak" in result.stderr


def test_it_runs_embedded_without_any_configuration():
    code = (
        "from django.conf import settings as s; import json; print(json.dumps(["
        "s.DATABASES['default']['ENGINE'], str(s.DATABASES['default']['NAME']),"
        "s.CACHES['default']['BACKEND'], s.CELERY_TASK_ALWAYS_EAGER, s.TIME_ZONE,"
        "s.LANGUAGE_CODE]))"
    )
    result = run_django(code, DEBUG="true")
    assert result.returncode == 0, result.stderr
    engine, name, cache, eager, tz, language = json.loads(result.stdout.strip().splitlines()[-1])
    assert engine == "django.db.backends.sqlite3"
    assert name == str(ROOT / "db.sqlite3")
    assert cache.endswith("LocMemCache")
    assert eager is True
    assert (tz, language) == ("Asia/Shanghai", "zh-hans")


def test_it_uses_redis_for_broker_results_and_cache_when_configured():
    code = (
        "from django.conf import settings as s; import json; print(json.dumps(["
        "s.CELERY_BROKER_URL, s.CELERY_RESULT_BACKEND, s.CACHES['default']['BACKEND'],"
        "s.CELERY_TASK_ALWAYS_EAGER, s.DATABASES['default']['ENGINE']]))"
    )
    result = run_django(
        code,
        DEBUG="true",
        REDIS_URL="redis://127.0.0.1:6379/3",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/anything",
    )
    assert result.returncode == 0, result.stderr
    broker, backend, cache, eager, engine = json.loads(result.stdout.strip().splitlines()[-1])
    assert broker == backend == "redis://127.0.0.1:6379/3"
    assert cache.endswith("RedisCache")
    assert eager is False
    assert engine == "django.db.backends.postgresql"


def test_it_passes_the_deployment_checklist_with_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if k not in INHERITED_NOT},
            "DEBUG": "false",
            "ENV_FILE": os.devnull,
            "SECRET_KEY": STRONG_KEY,
            "ALLOWED_HOSTS": "jingwu.example.cn",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_a_local_env_file_fills_in_what_the_environment_does_not_set(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("DEBUG=true\nALLOWED_HOSTS=from-file.example\n")
    code = "from django.conf import settings as s; print(s.DEBUG, s.ALLOWED_HOSTS)"
    from_file = run_django(code, ENV_FILE=str(env_file))
    assert from_file.stdout.strip().splitlines()[-1] == "True ['from-file.example']"
    overridden = run_django(code, ENV_FILE=str(env_file), ALLOWED_HOSTS="from-env.example")
    assert overridden.stdout.strip().splitlines()[-1] == "True ['from-env.example']"


def test_redis_hands_a_dead_workers_task_back_only_after_the_longest_time_limit():
    # Earlier, a task still working would be handed to a second worker and run twice.
    code = (
        "import json; from django.conf import settings as s;"
        "from policestation.celery import app; app.loader.import_default_modules();"
        "limits = [t.time_limit or s.CELERY_TASK_TIME_LIMIT for n, t in app.tasks.items()"
        " if not n.startswith('celery.')];"
        "print(json.dumps([s.CELERY_BROKER_TRANSPORT_OPTIONS['visibility_timeout'],"
        " max(limits), len(limits), s.CELERY_WORKER_PREFETCH_MULTIPLIER]))"
    )
    result = run_django(code, DEBUG="true", REDIS_URL="redis://127.0.0.1:6379/3")
    assert result.returncode == 0, result.stderr
    visibility, longest, tasks, prefetch = json.loads(result.stdout.strip().splitlines()[-1])
    assert tasks > 5 and longest == 3600
    assert visibility >= longest + 10 * 60
    assert prefetch == 1
