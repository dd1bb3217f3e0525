"""Self-checks of the initialization notebook (being written)."""
