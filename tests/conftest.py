"""Shared pytest set-up: headless matplotlib, the original course data's path (import paths: pytest.ini)."""
import os

import matplotlib

matplotlib.use("Agg")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED_SEED = os.path.join(ROOT, "..", "shared", "seed")
ORIGINAL_FOOTBALL = os.path.join(SHARED_SEED, "original-football-data.mat")
