"""Self-checks of the regularization notebook (being written)."""
