import os
import pathlib

import matplotlib

matplotlib.use("Agg")

REPO = pathlib.Path(__file__).resolve().parents[2]
# The original engine's renders of the tutorial scene live in shared/reference, beside
# the repository.
REFERENCE_DIR = pathlib.Path(os.environ.get("KILN_REFERENCE_DIR", REPO.parent / "shared" / "reference"))
