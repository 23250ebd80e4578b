"""Chinese is the default language: every user-facing string must have its translation."""

import gettext
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "locale/zh_Hans/LC_MESSAGES/django.po"
MO = PO.with_suffix(".mo")


def msgids(po: Path) -> set[str]:
    """Every msgid of a .po file, translated or not (multi-line ids joined)."""
    ids, current = set(), None
    for line in po.read_text(encoding="utf-8").splitlines():
        if line.startswith("msgid "):
            current = [line[len("msgid ") :]]
        elif line.startswith('"') and current is not None:
            current.append(line)
        elif current is not None:
            ids.add("".join(part.strip()[1:-1] for part in current))
            current = None
    return ids - {""}


def test_every_message_is_translated_and_none_is_fuzzy():
    result = subprocess.run(
        ["msgfmt", "--statistics", "-o", "/dev/null", PO], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, result.stderr


def test_the_catalogue_is_in_step_with_the_code(tmp_path):
    for name in ("apps", "templates", "policestation", "locale", "manage.py"):
        source = ROOT / name
        copy = shutil.copytree if source.is_dir() else shutil.copy
        copy(source, tmp_path / name)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "-v0"],
        cwd=tmp_path,
        check=True,
        env={"DEBUG": "true", "PATH": "/usr/bin:/bin"},
    )
    fresh = tmp_path / "locale/zh_Hans/LC_MESSAGES/django.po"
    assert msgids(fresh) == msgids(PO), "run `manage.py makemessages -l zh_Hans` and translate"


def test_the_committed_compiled_catalogue_matches_the_po_file(tmp_path):
    compiled = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "-o", compiled, PO], check=True)
    with compiled.open("rb") as fresh, MO.open("rb") as committed:
        assert (
            gettext.GNUTranslations(fresh)._catalog == gettext.GNUTranslations(committed)._catalog
        ), "run `manage.py compilemessages`"
