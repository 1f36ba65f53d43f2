"""The folders the benchmarks use, and the import path they need.

Importing this module puts bench/ and tests/golden (the original engine's headless
set-up and the texel generators the benchmarks share with the golden images) on
sys.path."""

import sys
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
GOLDEN_DIR = REPO_ROOT / "tests" / "golden"
DEBIAN_PYTHON = "/usr/bin/python3"  # the Python that has python3-ogre-1.12

for _path in (BENCH_DIR, GOLDEN_DIR):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))
