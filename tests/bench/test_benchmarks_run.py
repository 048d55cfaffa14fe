"""Each benchmark still runs (on tiny data); their figures are read by people, not asserted."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BENCHMARKS = sorted(path.stem for path in (ROOT / "bench").glob("*.py"))


@pytest.mark.parametrize("name", BENCHMARKS)
def test_benchmark_runs_and_prints_its_line(name: str) -> None:
    result = subprocess.run(  # noqa: S603  (our own script, our own arguments)
        [sys.executable, f"bench/{name}.py", "--entries", "20"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert re.search(rf"^bench {name}: ratio=\d+(\.\d+)? ", result.stdout, re.MULTILINE), (
        result.stdout
    )
