"""Check that no cell the grader skips (`skip-in-autograde`) defines anything a later cell that runs reads.

    python -m authoring.skip_check [assignment ...]      (exit status 1 when a skipped cell is read from)

Autograding does not run the cells an instructor's notebook tags `skip-in-autograde`
(grader/preprocessors/skip_training_cells.py): training runs, plots, results tables. That is
only safe when no cell that still runs, graded or not, reads a name such a cell binds (an
assignment, an import, a `def`) or changes (`results[name] = ...`, or a call to a notebook
function that changes a global), unless a running cell bound that name again in between.
Names are followed through the cells in order, statement by statement; a function defined in
a running cell counts as reading every global name its body mentions. What the check cannot
see: module state a skipped cell changes (NumPy's random state, matplotlib's figures). The
hidden tests seed their own cases, and the reference path skips the same cells.
"""
import ast
import os
import sys

import nbformat
from IPython.core.inputtransformer2 import TransformerManager

from grader.manifest import ASSIGNMENTS, ROOT
from grader.preprocessors.skip_training_cells import SKIP_TAG

_TRANSFORM = TransformerManager()


def _module(source):
    """The cell as Python (IPython's magics turned into calls, as the shell does)."""
    return ast.parse(_TRANSFORM.transform_cell(source))


_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda,
           ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


def _bound(node):
    """Names a statement binds in the notebook's namespace (not the locals of functions or comprehensions in it)."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {node.name}
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return {(alias.asname or alias.name).split(".")[0] for alias in node.names}
    if isinstance(node, ast.Name):
        return {node.id} if isinstance(node.ctx, (ast.Store, ast.Del)) else set()
    if isinstance(node, _SCOPES):
        return set()
    names = set()
    for child in ast.iter_child_nodes(node):
        names |= _bound(child)
    return names


def _changed(node):
    """Names whose object a statement changes in place: `name[...] = `, `name.attr = ` (outside functions too)."""
    names = set()
    for child in ast.walk(node):
        if isinstance(child, (ast.Subscript, ast.Attribute)) and isinstance(child.ctx, (ast.Store, ast.Del)):
            base = child.value
            while isinstance(base, (ast.Subscript, ast.Attribute)):
                base = base.value
            if isinstance(base, ast.Name):
                names.add(base.id)
    return names


def _read(node):
    """Every global name a statement loads, the free names of the functions and comprehensions in it included."""
    if isinstance(node, ast.Name):
        return {node.id} if isinstance(node.ctx, ast.Load) else set()
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
        outside = set()
        for part in getattr(node, "decorator_list", []) + node.args.defaults + node.args.kw_defaults:
            outside |= _read(part) if part is not None else set()
        body = node.body if isinstance(node.body, list) else [node.body]
        declared = {name for child in ast.walk(node) if isinstance(child, ast.Global) for name in child.names}
        local = {a.arg for a in ast.walk(node.args) if isinstance(a, ast.arg)}
        for statement in body:
            local |= _bound(statement)
        inside = set()
        for statement in body:
            inside |= _read(statement)
        return outside | (inside - (local - declared))
    if isinstance(node, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
        targets, names = set(), set()
        for generator in node.generators:
            targets |= {n.id for n in ast.walk(generator.target) if isinstance(n, ast.Name)}
        for child in ast.iter_child_nodes(node):
            names |= _read(child)
        return names - targets
    names = set()
    for child in ast.iter_child_nodes(node):
        names |= _read(child)
    return names


def _globals_changed_by(function):
    """Global names a notebook function binds (`global x`) or changes in place and does not bind locally."""
    declared = {name for child in ast.walk(function) if isinstance(child, ast.Global) for name in child.names}
    local = {a.arg for a in ast.walk(function.args) if isinstance(a, ast.arg)}
    for statement in function.body:
        local |= _bound(statement)
    return declared | (_changed(function) - (local - declared))


def _called(node):
    return {child.func.id for child in ast.walk(node)
            if isinstance(child, ast.Call) and isinstance(child.func, ast.Name)}


def problems(notebook):
    """[(skipped cell index, reading cell index, names)] for the notebook's code cells (indices in nb.cells)."""
    effects = {}          # notebook function name -> globals it changes
    pending = {}          # name -> index of the skipped cell whose value it would hold
    found = []
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code" or not cell.source.strip():
            continue
        tree = _module(cell.source)
        skipped = SKIP_TAG in cell.metadata.get("tags", [])
        for statement in tree.body:
            for child in ast.walk(statement):
                if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    effects[child.name] = _globals_changed_by(child)
            if skipped:
                touched = _bound(statement) | _changed(statement)
                for name in _called(statement):
                    touched |= effects.get(name, set())
                pending.update({name: index for name in touched})
                continue
            read = _read(statement) & set(pending)
            if read:
                by_cell = {}
                for name in sorted(read):
                    by_cell.setdefault(pending[name], []).append(name)
                found += [(skipped_at, index, names) for skipped_at, names in by_cell.items()]
            for name in _bound(statement):
                pending.pop(name, None)
    return found


def source_notebook(assignment):
    """The instructor's notebook of `assignment` (the one that carries the tags)."""
    spec = ASSIGNMENTS[assignment]
    return nbformat.read(os.path.join(ROOT, "source", assignment, spec.notebook), as_version=4)


def main(argv=None):
    names = (argv if argv is not None else sys.argv[1:]) or list(ASSIGNMENTS)
    status = 0
    for assignment in names:
        found = problems(source_notebook(assignment))
        for skipped_at, read_at, names_read in found:
            print("%s: cell %d reads %s, which the skipped cell %d (tagged %s) sets; untag that cell or set the "
                  "name again in a cell that runs" % (assignment, read_at, ", ".join(names_read), skipped_at,
                                                      SKIP_TAG))
        if not found:
            print("%s: no cell that runs reads what a skipped cell sets" % assignment)
        status = status or int(bool(found))
    return status


if __name__ == "__main__":
    sys.exit(main())
