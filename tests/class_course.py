"""A throwaway course with a small class of Initialization submissions, and grading it through a pool."""
import os

from pipeline.course import Course, copy_course
from pipeline.grade_records import assignment_structure, write_submission
from pipeline.gradebook import open_gradebook, part_scores
from pipeline.intake import admit
from pipeline.release import generate
from pipeline.workers import INTAKE_FOLDER, Task
from samples.students import build_student, correct, partly_wrong, unimplemented

ASSIGNMENT = "initialization"
CLASS = {"correct": correct, "partly_wrong": partly_wrong, "unimplemented": unimplemented,
         "release": lambda assignment, nb: nb}   # handed in as released


def initialization_class(destination, students=tuple(CLASS)):
    """A course copy at `destination`, Initialization released into its gradebook, `students` submitted."""
    course = Course(copy_course(destination))
    generate(course, [ASSIGNMENT])
    for student in students:
        build_student(student, CLASS[student], root=course.root, assignments=[ASSIGNMENT])
    return course


def grade_through(pool, course, students=tuple(CLASS)):
    """Admit and grade `students` with `pool`, write the results into the course gradebook; their part scores."""
    with open_gradebook(course.root) as gradebook:
        structure = assignment_structure(gradebook, ASSIGNMENT)
    for student in students:
        admission = admit(course.submitted(student, ASSIGNMENT), course.notebook(ASSIGNMENT),
                          os.path.join(course.root, INTAKE_FOLDER, student, ASSIGNMENT), student, ASSIGNMENT)
        assert admission.problem is None, admission
    results = {r.student: r for r in pool.run([Task(s, ASSIGNMENT, structure) for s in students])}
    failed = {s: r.error[-1500:] for s, r in results.items() if not r.success}
    assert not failed, failed
    with open_gradebook(course.root) as gradebook:
        for student in students:
            write_submission(gradebook, results[student].grades)
        return {student: part_scores(gradebook, ASSIGNMENT, student) for student in students}
