"""Catalogs of equivalent correct variants and of plausible mistakes, and the harness that grades them."""
