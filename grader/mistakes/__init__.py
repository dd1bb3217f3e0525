"""Known mistakes of the graded functions, each defined once, on the grader's side.

A mistake is a function with the graded function's signature that computes what a
student who made that slip gets, plus an id and a label in plain words. The judge
runs them on a failed hidden case to name the slip (grader/judge.py), and release
generation runs them on the self-checks' fixed inputs to store their outputs next to
the notebook (grader/mistakes/stored.py). No student file defines a mistake.
"""
import importlib
from dataclasses import dataclass
from typing import Callable

from grader.manifest import ASSIGNMENTS

# What a student's feedback says when a failed hidden case matches a known mistake.
MATCHES = "on a hidden case your output matches: %s"
UNRECOGNIZED = "unrecognized"


@dataclass(frozen=True)
class Mistake:
    """One known slip in `function`: `run` has that function's signature and returns what the slip gives."""
    id: str
    function: str
    label: str
    run: Callable

    def describe(self):
        return "%s (%s)" % (self.label, self.id)


def mistake(function, id, label):
    """Decorator: register the decorated function as mistake `id` of graded function `function`."""
    def register(run):
        run.mistake = Mistake(id, function, label, run)
        return run
    return register


def mistakes_module(assignment):
    """grader.mistakes.<assignment>, or None for an assignment without known mistakes."""
    try:
        return importlib.import_module("grader.mistakes." + assignment)
    except ModuleNotFoundError as error:
        if error.name != "grader.mistakes." + assignment:
            raise
        return None


def mistakes_of(assignment):
    """Every Mistake of the assignment, in the order its module defines them."""
    found = []
    module = mistakes_module(assignment)
    for value in vars(module).values() if module else ():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, Mistake):
                found.append(item)
            elif callable(item) and isinstance(getattr(item, "mistake", None), Mistake):
                found.append(item.mistake)
    return list({m.id: m for m in found}.values())


def mistakes_for(function):
    """The known mistakes of graded function `function` ([] when none are defined)."""
    for assignment in ASSIGNMENTS:
        graded = [g.name for g in ASSIGNMENTS[assignment].graded]
        if function in graded:
            return [m for m in mistakes_of(assignment) if m.function == function]
    return []
