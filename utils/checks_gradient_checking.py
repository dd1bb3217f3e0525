"""Self-checks of the gradient_checking notebook (being written)."""
