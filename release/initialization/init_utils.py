"""Helpers for the Initialization notebook: a named view on the shared course network."""
from nn_core import (sigmoid, relu, compute_loss, forward_propagation, backward_propagation,
                     update_parameters, predict, predict_dec)
from plotting import plot_decision_boundary, plot_costs
from course_data import load_dataset

__all__ = ["sigmoid", "relu", "compute_loss", "forward_propagation", "backward_propagation",
           "update_parameters", "predict", "load_dataset", "plot_decision_boundary", "predict_dec",
           "plot_costs"]
