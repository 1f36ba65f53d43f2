import pathlib

import matplotlib

matplotlib.use("Agg")

REPO = pathlib.Path(__file__).resolve().parents[2]
# The original engine's renders of the tutorial scene, as the project received them
# (see tests/golden/reference/README.md).
REFERENCE_DIR = REPO / "tests" / "golden" / "reference"
