"""The policy library stays pure: no service, web or database imports and no hidden clock.

These hold the architecture in place (style.md: imports go service -> policies, never back).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

POLICIES_DIR = Path(__file__).resolve().parents[2] / "policies"


def test_policies_import_neither_service_fastapi_nor_sqlalchemy():
    code = (
        "import sys, policies, policies.redress\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'service', 'fastapi', 'sqlalchemy', 'starlette'})\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=POLICIES_DIR.parent, check=True)
    assert result.stdout.strip() == ""


def test_no_hidden_clock_in_policies():
    """Every rule takes ``now``: reading the system clock would make decisions untestable."""
    clock = re.compile(r"\b(datetime\.now|datetime\.utcnow|date\.today|time\.time|utcnow)\s*\(")
    offenders = [
        f"{path.relative_to(POLICIES_DIR)}:{number}"
        for path in POLICIES_DIR.rglob("*.py")
        for number, line in enumerate(path.read_text("utf-8").splitlines(), 1)
        if clock.search(line)
    ]
    assert offenders == []
