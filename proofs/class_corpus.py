"""A class of N full submissions (3 notebooks each) for the class benchmark, built from the samples and catalogs.

Student i hands in, for each assignment, the i-th kind of that assignment's cycle: the
sample students (correct, partly wrong, unimplemented, tampered, deleted test) then every
catalog variant and mutant of the assignment. Each notebook gets a closing markdown cell
naming its student, so no two submissions are byte-identical. When the sample has room,
the robustness cases (samples.students.BAD_INPUTS: endless loop, kernel crash, broken JSON,
missing notebook, huge output, stderr) replace one notebook each of sampled students.
"""
import json

from grader.manifest import ASSIGNMENTS
from samples.catalog_entries import ENTRIES
from samples.notebook_edits import apply_catalog_entry, fill_all, notebook_text, read_release, write_submission
from samples.students import BAD_INPUTS, SAMPLE_STUDENTS


def student_name(index):
    return "s%05d" % index


def kinds(assignment):
    """The cycle of submission kinds of `assignment`: sample students, then its catalog entries."""
    entries = [e.id for e in ENTRIES if e.function in ASSIGNMENTS[assignment].functions]
    return list(SAMPLE_STUDENTS) + entries


def kind_notebook(assignment, kind, root):
    """The notebook (as a JSON dict) of one kind: a sample student, or the reference with a catalog entry."""
    release = read_release(assignment, root)
    if kind in SAMPLE_STUDENTS:
        nb = SAMPLE_STUDENTS[kind](assignment, release)
    else:
        nb = apply_catalog_entry(fill_all(release, assignment, root=root), kind)
    return json.loads(notebook_text(nb))


def sample_indices(count, sample):
    """`sample` student indices spread evenly over a class of `count`."""
    return sorted({i * count // min(sample, count) for i in range(min(sample, count))}) if count and sample else []


def bad_input_positions(sample):
    """{student index: bad-input name}: every third sampled student from the second, when the sample has room."""
    slots = sample[1::3]
    return dict(zip(slots, BAD_INPUTS)) if len(slots) >= len(BAD_INPUTS) else {}


def write_class(root, count, sample):
    """Write the class into <root>/submitted; returns {(student, assignment): kind}."""
    made, cache = {}, {}
    bad = bad_input_positions(sample)
    for index in range(count):
        student = student_name(index)
        for assignment in ASSIGNMENTS:
            if index in bad and BAD_INPUTS[bad[index]][0] == assignment:
                builder = BAD_INPUTS[bad[index]][1]
                write_submission(student, assignment, builder(read_release(assignment, root)), root=root)
                made[(student, assignment)] = "robustness:" + bad[index]
                continue
            cycle = kinds(assignment)
            kind = cycle[index % len(cycle)]
            if (assignment, kind) not in cache:
                cache[(assignment, kind)] = kind_notebook(assignment, kind, root)
            nb = dict(cache[(assignment, kind)])
            nb["cells"] = nb["cells"] + [{"cell_type": "markdown", "id": "submitted-by-" + student, "metadata": {},
                                          "source": "Submitted by %s." % student}]
            write_submission(student, assignment, json.dumps(nb, indent=1) + "\n", root=root)
            made[(student, assignment)] = kind
    return made


def describe(made):
    """Counts of the corpus's kinds of notebooks, for the report."""
    variants = {e.id for e in ENTRIES if e.kind == "variant"}
    groups = {"correct": 0, "sample students": 0, "catalog variants": 0, "catalog mutants": 0, "robustness cases": 0}
    for kind in made.values():
        key = ("correct" if kind == "correct" else "robustness cases" if kind.startswith("robustness:")
               else "sample students" if kind in SAMPLE_STUDENTS else
               "catalog variants" if kind in variants else "catalog mutants")
        groups[key] += 1
    return ", ".join("%s %d" % item for item in groups.items())


def write_late(root, count, late):
    """`late` submissions after a class of `count`: new students s<count>..., one notebook each, of the kinds
    their index gives, assignments in turn; returns their (student, assignment) pairs."""
    added = []
    names = list(ASSIGNMENTS)
    for index in range(count, count + late):
        student, assignment = student_name(index), names[index % len(names)]
        cycle = kinds(assignment)
        nb = kind_notebook(assignment, cycle[index % len(cycle)], root)
        nb["cells"] = nb["cells"] + [{"cell_type": "markdown", "id": "submitted-by-" + student, "metadata": {},
                                      "source": "Submitted late by %s." % student}]
        write_submission(student, assignment, json.dumps(nb, indent=1) + "\n", root=root)
        added.append((student, assignment))
    return added
