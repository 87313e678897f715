"""The flood benchmark runs end to end with a small N and every receiver gets exactly N.

No timing is asserted: the benchmark reports figures, it does not judge them.
"""

from __future__ import annotations

import pytest

from benchmarks.run import run

N = 5_000


@pytest.mark.timeout(60)
def test_benchmark_runs_with_exact_counts() -> None:
    report = run(["--n", str(N), "--skip-tui"])
    assert report.counts == {"baseline": N, "pipe": N, "plain": N}
    table = report.table()
    assert "pgtail --json (pipe)" in table
    assert "pgtail --plain (pipe)" in table
