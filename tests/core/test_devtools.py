"""The development tools (devtools/: demo data, benchmark, load test) stay out of the
product: production settings do not install them, the product's modules never import them,
and the Docker image, which leaves the package out, starts without them."""

import ast
import json
import os
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command

from apps.accounts.models import User
from tests.core.test_settings import INHERITED_NOT, ROOT, STRONG_KEY, run_django

PRODUCTION = {"DEBUG": "false", "SECRET_KEY": STRONG_KEY, "ALLOWED_HOSTS": "jingwu.example.cn"}

# Imports every module of the product (apps/, policestation/), then reports what it saw.
WALK = """
import importlib, json, pkgutil, sys
import apps, policestation
from django.conf import settings
from django.core.management import get_commands
for package in (apps, policestation):
    for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        importlib.import_module(module.name)
print(json.dumps({
    "installed": "devtools" in settings.INSTALLED_APPS,
    "imported": sorted(m for m in sys.modules if m.split(".")[0] == "devtools"),
    "commands": sorted(c for c in ("seed_demo", "bench", "loadtest") if c in get_commands()),
}))
"""


def _report(result):
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_neither_installs_nor_imports_the_devtools():
    report = _report(run_django(WALK, **PRODUCTION))
    assert report == {"installed": False, "imported": [], "commands": []}


def test_debug_installs_them_and_dev_tools_decides_either_way():
    assert _report(run_django(WALK, DEBUG="true"))["commands"] == ["bench", "loadtest", "seed_demo"]
    assert not _report(run_django(WALK, DEBUG="true", DEV_TOOLS="false"))["installed"]
    assert _report(run_django(WALK, **PRODUCTION, DEV_TOOLS="true"))["installed"]


def test_a_checkout_without_the_package_runs_without_it_even_asked(tmp_path):
    """As in the Docker image (.dockerignore): only the product's directories."""
    for name in ("apps", "policestation", "templates", "locale", "static", "manage.py"):
        (tmp_path / name).symlink_to(ROOT / name)
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + WALK],
        cwd=tmp_path,
        env={
            **{k: v for k, v in os.environ.items() if k not in INHERITED_NOT},
            "DJANGO_SETTINGS_MODULE": "policestation.settings",
            "ENV_FILE": os.devnull,
            "DEBUG": "true",
            "DEV_TOOLS": "true",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert _report(result) == {"installed": False, "imported": [], "commands": []}


def test_no_module_of_the_product_names_the_devtools_even_inside_a_function():
    offenders = []
    for path in [*(ROOT / "apps").rglob("*.py"), *(ROOT / "policestation").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            if any(name.split(".")[0] == "devtools" for name in names):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


def test_the_docker_image_leaves_out_the_devtools_and_the_tests():
    ignored = {
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert {"devtools", "tests"} <= ignored


def test_no_demo_bench_or_load_test_module_is_left_in_the_product():
    """They belong in devtools/ (a branch written before the move may bring one back)."""
    left = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "apps").rglob("*")
        if path.name.startswith(("demo", "bench", "loadtest"))
        or path.stem in ("seed_demo", "benchmark")
    ]
    assert left == []


def test_seed_demo_refuses_to_set_the_demo_password_when_debug_is_off(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")
    assert not User.objects.exists()
