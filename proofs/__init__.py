"""Proofs that the kit does what it says: mutant/variant catalogs, course figures, grading benchmark."""
