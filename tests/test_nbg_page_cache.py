"""A feedback page keeps the HTML of the instructor's cells only; a student's own cells are rendered for their
page alone.

grader/feedback_page.py remembers, per process, what it rendered of cells whose content is exactly
that of a cell of the assignment's release notebooks. These tests render real pages with the
course's exporter (under a real nbgrader GenerateFeedback converter) and look at what was kept.
"""
import copy

import nbformat
import pytest

from hand_made import code, notebook
from test_preprocessors import feedback_html

LESSON = "The cost is $J = \\frac{1}{2} \\|W\\|^2$.\n\n* a lesson line"
EXAMPLE = "print('an example the lesson runs')"


@pytest.fixture
def course(tmp_path):
    """A GenerateFeedback converter of a course whose assignment `a` releases the lesson (nb.ipynb)."""
    from nbgrader.converters import GenerateFeedback
    from nbgrader.coursedir import CourseDirectory
    from grader.feedback_page import RENDERED
    release = notebook(nbformat.v4.new_markdown_cell(LESSON), code(EXAMPLE),
                       code("def f(x):\n    # YOUR CODE HERE\n    raise NotImplementedError()", "f", solution=True))
    (tmp_path / "release" / "a").mkdir(parents=True)
    nbformat.write(release, str(tmp_path / "release" / "a" / "nb.ipynb"))
    RENDERED.store.clear()
    yield GenerateFeedback(coursedir=CourseDirectory(root=str(tmp_path)))
    RENDERED.store.clear()


def student_page(own_markdown, own_code):
    return notebook(nbformat.v4.new_markdown_cell(LESSON), code(EXAMPLE), code(own_code, "f", solution=True),
                    nbformat.v4.new_markdown_cell(own_markdown))


def remembered_text():
    from grader.feedback_page import RENDERED
    return repr(list(RENDERED.store))


def test_the_lesson_is_remembered_and_a_students_own_cells_are_not(course):
    page = feedback_html(student_page("**my own note** $x^2$", "def f(x):\n    return 42 * x"), course)
    kept = remembered_text()
    assert "a lesson line" in kept and "an example the lesson runs" in kept
    assert "my own note" not in kept and "42 * x" not in kept
    assert "my own note" in page and "<mfrac>" in page and "42" in page


def test_a_page_is_the_same_whatever_was_remembered_before(course):
    from grader.feedback_page import RENDERED
    first = student_page("first student", "def f(x):\n    return 1")
    second = student_page("second student", "def f(x):\n    return 2")
    feedback_html(copy.deepcopy(first), course)
    after_another = feedback_html(copy.deepcopy(second), course)
    RENDERED.store.clear()
    alone = feedback_html(copy.deepcopy(second), course)
    assert after_another == alone and "first student" not in alone


def test_the_instructors_text_with_a_students_attachment_is_not_remembered(course):
    cell = nbformat.v4.new_markdown_cell(LESSON)
    cell.attachments = {"mine.png": {"image/png": "iVBORw0KGgo="}}
    feedback_html(notebook(cell), course)
    assert "mine.png" not in remembered_text() and "a lesson line" not in remembered_text()


def test_without_a_course_or_with_an_odd_assignment_name_nothing_is_remembered(course):
    from grader.feedback_page import instructor_keys
    feedback_html(student_page("x", "y"))   # no converter: no release to compare with
    assert remembered_text() == "[]"
    for name in ("../a", ".hidden", "", None, "a/../../a"):
        assert instructor_keys(course, {"nbgrader": {"assignment": name}}) == frozenset()
    assert instructor_keys(course, {"nbgrader": {"assignment": "a"}})


def test_a_changed_release_is_read_again(course, tmp_path):
    from grader.feedback_page import INSTRUCTOR_CELLS, cell_key
    folder = str(tmp_path / "release" / "a")
    assert cell_key("markdown", LESSON) in INSTRUCTOR_CELLS.keys(folder)
    changed = notebook(nbformat.v4.new_markdown_cell("A new lesson, longer than the old one."))
    nbformat.write(changed, str(tmp_path / "release" / "a" / "nb.ipynb"))
    keys = INSTRUCTOR_CELLS.keys(folder)
    assert cell_key("markdown", LESSON) not in keys
    assert cell_key("markdown", "A new lesson, longer than the old one.") in keys
