"""Helpers for the Regularization notebook: a named view on the shared course network."""
from nn_core import (sigmoid, relu, initialize_parameters, compute_cost, forward_propagation,
                     backward_propagation, update_parameters, predict, predict_dec)
from plotting import plot_decision_boundary, plot_costs
from course_data import load_2D_dataset

__all__ = ["sigmoid", "relu", "initialize_parameters", "compute_cost", "forward_propagation",
           "backward_propagation", "update_parameters", "predict", "load_2D_dataset",
           "plot_decision_boundary", "predict_dec", "plot_costs"]
