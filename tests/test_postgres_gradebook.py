"""The gradebook on a real PostgreSQL server: a class graded into it equals the same class graded into SQLite."""
import csv
import os

import pytest

from class_course import check_class_rows, class_course, gradebook_rows, run_pipeline
from postgres_server import PostgresUnavailable, postgres_server

pytestmark = pytest.mark.e2e  # runs nbgrader, a kernel or a training


@pytest.fixture(scope="module")
def postgres_url():
    """A PostgreSQL server started here for this module (a failure to start it fails the tests)."""
    server = postgres_server()
    try:
        url = server.__enter__()
    except PostgresUnavailable as error:
        pytest.fail("the PostgreSQL gradebook test needs a real server: %s" % error)
    yield url
    server.__exit__(None, None, None)


def exported(course):
    with open(os.path.join(course, "grades.csv"), newline="") as handle:
        return sorted(tuple(sorted(row.items())) for row in csv.DictReader(handle))


def test_a_class_graded_into_postgresql_equals_its_sqlite_grading(postgres_url, tmp_path):
    on_postgres = class_course(str(tmp_path / "postgres"))
    run_pipeline(on_postgres, db_url=postgres_url)
    on_sqlite = class_course(str(tmp_path / "sqlite"))
    run_pipeline(on_sqlite)
    assert not os.path.exists(os.path.join(on_postgres, "gradebook.db"))
    rows = gradebook_rows(postgres_url)
    check_class_rows(rows)
    assert rows == gradebook_rows("sqlite:///" + os.path.join(on_sqlite, "gradebook.db"))
    assert {dict(row)["student_id"] for row in exported(on_postgres)} == {student for student, _ in rows}
    assert exported(on_postgres) == exported(on_sqlite)
