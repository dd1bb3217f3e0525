"""Dependencies point one way: utils <- grader <- pipeline <- authoring, samples, proofs, kit.py; tests import anything.

Every module's imports are read with `ast` (imports inside functions included). A module may import
its own folder and the folders of lower layers; folders of one layer may import each other only
without a cycle. utils/ is lowest: the students' notebooks import it inside the sandbox, where no
other folder of the course exists.
"""
import ast
import os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LAYERS = {"utils": 0, "grader": 1, "pipeline": 2, "authoring": 3, "samples": 3, "proofs": 3, "tests": 4}
ROOT_MODULES = {"nbgrader_config.py": "grader", "kit.py": "authoring"}  # files in the course folder itself


def python_files():
    """{path relative to ROOT: folder it belongs to}."""
    found = dict(ROOT_MODULES)
    for folder in LAYERS:
        for directory, subfolders, files in os.walk(os.path.join(ROOT, folder)):
            subfolders[:] = [name for name in subfolders if not name.startswith((".", "__pycache__"))]
            for name in files:
                if name.endswith(".py"):
                    found[os.path.relpath(os.path.join(directory, name), ROOT)] = folder
    return found


def folder_of_name(files):
    """{top-level import name: folder}: the packages, and the flat modules of utils/ and tests/."""
    names = {folder: folder for folder in LAYERS if folder not in ("utils", "tests")}
    for path, folder in files.items():
        if folder in ("utils", "tests") and os.path.dirname(path) == folder:
            names[os.path.splitext(os.path.basename(path))[0]] = folder
    return names


def imported_names(path):
    """(top-level name, line) of every absolute import in the file at `path`."""
    with open(os.path.join(ROOT, path), encoding="utf-8") as handle:
        tree = ast.parse(handle.read(), path)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name.split(".")[0], node.lineno
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module.split(".")[0], node.lineno


def folder_edges():
    """{(importing folder, imported folder): ["path:line", ...]} between different folders."""
    files = python_files()
    names = folder_of_name(files)
    edges = {}
    for path, folder in sorted(files.items()):
        for name, line in imported_names(path):
            target = names.get(name)
            if target and target != folder:
                edges.setdefault((folder, target), []).append("%s:%d" % (path, line))
    return edges


def cycles(edges):
    """The folder cycles in `edges`, each as a list of folders (first repeated last)."""
    graph = {}
    for source, target in edges:
        graph.setdefault(source, set()).add(target)
    found = []

    def walk(start, node, trail):
        for target in sorted(graph.get(node, ())):
            if target == start:
                found.append(trail + [start])
            elif target not in trail and target > start:  # each cycle once, from its smallest folder
                walk(start, target, trail + [target])
    for start in sorted(graph):
        walk(start, start, [start])
    return found


def test_the_scan_sees_the_known_imports():
    """The scan finds imports at module level and inside functions, of packages and of flat helpers."""
    edges = folder_edges()
    assert ("pipeline", "grader") in edges
    assert any(site.startswith("grader/judge.py") for site in edges[("grader", "utils")])
    assert ("tests", "proofs") in edges and ("tests", "utils") in edges


def test_no_module_imports_a_higher_layer():
    upward = ["%s imports %s: %s" % (source, target, ", ".join(sites))
              for (source, target), sites in sorted(folder_edges().items()) if LAYERS[target] > LAYERS[source]]
    assert not upward, "imports against the layers:\n" + "\n".join(upward)


def test_no_import_cycle_between_folders():
    edges = folder_edges()
    found = cycles(edges)
    details = ["%s (%s)" % (" -> ".join(cycle), "; ".join(
        "%s->%s at %s" % (a, b, ", ".join(edges[(a, b)][:3])) for a, b in zip(cycle, cycle[1:]))) for cycle in found]
    assert not found, "import cycles between folders:\n" + "\n".join(details)


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({("a", "b"): [], ("b", "c"): [], ("c", "a"): [], ("c", "d"): []}) == [["a", "b", "c", "a"]]
    assert cycles({("a", "b"): [], ("b", "c"): []}) == []
