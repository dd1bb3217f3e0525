"""Dependencies point one way: utils <- grader <- pipeline <- authoring, samples, proofs, kit.py; tests import anything.

Every module's imports are read with `ast` (imports inside functions included). A module may import
its own folder and the folders of lower layers; folders of one layer may import each other only
without a cycle. utils/ is lowest: the students' notebooks import it inside the sandbox, where no
other folder of the course exists.
"""
import ast
import os
import re

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


# ----------------------------------------------------------------------------- the house explains itself
def folder_docstring(folder):
    with open(os.path.join(ROOT, folder, "__init__.py"), encoding="utf-8") as handle:
        return ast.get_docstring(ast.parse(handle.read())) or ""


def part_after(text, mark, end_marks=()):
    """The words of `text` after `mark`, up to the first of `end_marks` (or the end)."""
    rest = text.split(mark, 1)[1] if mark in text else ""
    for end in end_marks:
        rest = rest.split(end, 1)[0]
    return " ".join(rest.split())


def readme_layout_row(folder):
    """The cells of the README layout table's row of `folder` (folder, what it holds, who runs it, may import)."""
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("| `%s/` |" % folder):
                return [cell.strip() for cell in line.strip().strip("|").split("|")]
    return None


def test_each_folder_says_who_runs_it_what_it_may_import_and_what_it_must_not():
    """Each folder's __init__.py docstring: "Run by", "May import" naming every folder it does import, and
    "Must not" naming every folder above it."""
    edges = folder_edges()
    problems = []
    for folder in LAYERS:
        doc = folder_docstring(folder)
        for mark in ("Run by", "May import", "Must not"):
            if mark not in doc:
                problems.append("%s/__init__.py does not say %r" % (folder, mark))
        may = part_after(doc, "May import", ("Must not",))
        if "anything" not in may:
            problems += ["%s/__init__.py imports %s but does not name it under May import" % (folder, target)
                         for (source, target) in edges if source == folder and target not in may]
        must_not = part_after(doc, "Must not")
        problems += ["%s/__init__.py does not name %s (a higher layer) under Must not" % (folder, higher)
                     for higher in LAYERS if LAYERS[higher] > LAYERS[folder] and higher not in must_not]
    assert not problems, "\n".join(problems)


def test_the_readme_layout_table_names_what_each_folder_imports():
    """The "may import" column of the README's layout table: every folder the code imports, none above it."""
    edges = folder_edges()
    problems = []
    for folder in LAYERS:
        row = readme_layout_row(folder)
        if row is None:
            problems.append("the README's layout table has no row for %s/" % folder)
            continue
        may = set(re.findall(r"`(\w+)`", row[-1]))
        if row[-1] == "anything":
            continue
        problems += ["%s imports %s; the README's table does not say it may" % (folder, target)
                     for (source, target) in edges if source == folder and target not in may]
        problems += ["the README's table lets %s import %s, a higher layer" % (folder, name)
                     for name in may if LAYERS.get(name, -1) > LAYERS[folder]]
    assert not problems, "\n".join(problems)
