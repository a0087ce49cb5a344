"""The benchmark's own modules (bench/metro_gen.py, bench/vroom_checker.py) import as top-level
modules, as ``python bench/<module>.py`` runs them."""

import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench"
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))
