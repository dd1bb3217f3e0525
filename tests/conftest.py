"""Shared pytest set-up: project paths on sys.path, headless matplotlib."""
import os
import sys

import matplotlib

matplotlib.use("Agg")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
for path in (ROOT, os.path.join(ROOT, "utils")):
    if path not in sys.path:
        sys.path.insert(0, path)

SHARED_SEED = os.path.join(ROOT, "..", "shared", "seed")
ORIGINAL_FOOTBALL = os.path.join(SHARED_SEED, "original-football-data.mat")
