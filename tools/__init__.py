"""Instructor-side tooling of the course kit (never shipped to students)."""
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
UTILS = os.path.join(ROOT, "utils")
if UTILS not in sys.path:
    sys.path.insert(0, UTILS)
