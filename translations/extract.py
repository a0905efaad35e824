"""Extract the translatable strings of one part and update its English catalog.

Usage: ``python translations/extract.py PART`` where PART is ``core`` (core,
accounts and the shared templates) or a feature package name. Source strings are
Bahasa Indonesia; ``translations/PART/en/LC_MESSAGES/messages.po`` holds English.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORE_SOURCES = [
    "core",
    "accounts",
    "templates/base.html",
    "templates/_macros",
    "templates/_partials",
    "templates/errors",
    "templates/accounts",
    "templates/admin",
    "templates/core",
    "templates/email",
]


def sources(part: str) -> list[str]:
    if part == "core":
        paths = CORE_SOURCES
    else:
        # A sub-part such as ``training`` lives in a package folder: ``mentoring/training``
        # with its templates in ``templates/mentoring/training``.
        packages = [part] + sorted(
            str(p.relative_to(ROOT)) for p in ROOT.glob(f"*/{part}/__init__.py")
            if p.parts[-3] not in {"tests", "translations"} and not p.parts[-3].startswith(".")
        )
        packages = [p.removesuffix("/__init__.py") for p in packages]
        paths = [path for package in packages for path in (package, f"templates/{package}")]
    return [p for p in paths if (ROOT / p).exists()]


def own_catalog_subparts(part: str) -> list[str]:
    """Sub-packages of ``part`` with a catalog of their own (``community/reports``
    has ``translations/reports``): their strings are not the parent's."""
    if part == "core" or not (ROOT / part).is_dir():
        return []
    return sorted(
        p.name for p in (ROOT / part).iterdir()
        if (p / "__init__.py").exists() and (ROOT / "translations" / p.name).is_dir()
    )


def extract(part: str, pot: Path) -> None:
    ignored = " ".join([".*", "._", *own_catalog_subparts(part)])
    subprocess.run(
        [
            str(Path(sys.executable).with_name("pybabel")),
            "extract",
            "--ignore-dirs",
            ignored,
            "-F",
            str(ROOT / "babel.cfg"),
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "-k",
            "N_",
            "--no-location",
            "--sort-output",
            "--omit-header",
            "-o",
            str(pot),
            *sources(part),
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )


def main(part: str) -> None:
    directory = ROOT / "translations" / part
    directory.mkdir(parents=True, exist_ok=True)
    pot = directory / "messages.pot"
    extract(part, pot)
    po = directory / "en" / "LC_MESSAGES" / "messages.po"
    pybabel = str(Path(sys.executable).with_name("pybabel"))
    if po.exists():
        command = [pybabel, "update", "-i", str(pot), "-d", str(directory), "-l", "en",
                   "--no-fuzzy-matching", "--ignore-obsolete", "--omit-header"]
    else:
        command = [pybabel, "init", "-i", str(pot), "-d", str(directory), "-l", "en"]
    subprocess.run(command, check=True, capture_output=True)
    pot.unlink()
    print(f"updated {po.relative_to(ROOT)}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "core")
