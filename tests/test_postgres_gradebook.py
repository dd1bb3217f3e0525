"""The gradebook on a real PostgreSQL server (tests/postgres_server.py): a class graded into it by the real pipeline
equals the same class graded into SQLite (gradebook rows, grades.csv, the class report), and a synthesized
300-student class reports the same from both."""
import csv
import os

import pytest

from class_course import check_class_rows, class_course, gradebook_rows, run_pipeline
from postgres_server import PostgresUnavailable, postgres_server
from proofs.report_benchmark import COURSE_ID, synthesize

pytestmark = pytest.mark.e2e  # runs nbgrader, a kernel or a training


@pytest.fixture(scope="module")
def postgres_url():
    """A PostgreSQL server started here for this module (a failure to start it fails the tests)."""
    server = postgres_server()
    try:
        url = server.__enter__()
    except PostgresUnavailable as error:
        pytest.fail("the PostgreSQL gradebook tests need a real server: %s" % error)
    yield url
    server.__exit__(None, None, None)


@pytest.fixture(scope="module")
def graded_twice(postgres_url, class_graded, tmp_path_factory):
    """(course graded into PostgreSQL, the same class graded into SQLite), each by one pipeline run (the SQLite one
    is the shared build of tests/class_course.py)."""
    on_postgres = class_course(str(tmp_path_factory.mktemp("postgres") / "course"), sqlite=False)
    run_pipeline(on_postgres, db_url=postgres_url)
    return on_postgres, class_graded


def exported(course):
    with open(os.path.join(course, "grades.csv"), newline="") as handle:
        return sorted(tuple(sorted(row.items())) for row in csv.DictReader(handle))


def read(path):
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def test_a_class_graded_into_postgresql_equals_its_sqlite_grading(postgres_url, graded_twice):
    on_postgres, on_sqlite = graded_twice
    assert not os.path.exists(os.path.join(on_postgres, "gradebook.db"))   # nothing went to a SQLite file
    rows = gradebook_rows(postgres_url)
    check_class_rows(rows)
    assert rows == gradebook_rows("sqlite:///" + os.path.join(on_sqlite, "gradebook.db"))
    assert {dict(row)["student_id"] for row in exported(on_postgres)} == {student for student, _ in rows}
    assert exported(on_postgres) == exported(on_sqlite)


def test_its_class_report_is_the_one_from_sqlite(graded_twice):
    on_postgres, on_sqlite = graded_twice
    for name in ("grades_by_test.csv", "class_report.html"):
        mine, theirs = read(os.path.join(on_postgres, "reports", name)), read(os.path.join(on_sqlite, "reports", name))
        assert mine == theirs, name
    page = read(os.path.join(on_sqlite, "reports", "class_report.html"))
    assert "partly_wrong" in page and "not graded" in page   # a class whose report has something to say


def test_a_large_synthesized_class_reports_the_same_from_both(postgres_url, tmp_path):
    from sqlalchemy import create_engine, text
    from pipeline.report import write_reports
    engine = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("create database kitsynthetic"))
    engine.dispose()
    synthetic_url = postgres_url.replace("/kitgrades?", "/kitsynthetic?")
    assert synthetic_url != postgres_url
    synthesize(synthetic_url, 300, seed=11)
    sqlite_url = "sqlite:///" + str(tmp_path / "gradebook.db")
    synthesize(sqlite_url, 300, seed=11)
    pages = []
    for url, folder in ((synthetic_url, tmp_path / "pg"), (sqlite_url, tmp_path / "lite")):
        os.makedirs(folder)
        pages.append([read(p) for p in write_reports(str(folder), db_url=url, course_id=COURSE_ID)])
    assert pages[0] == pages[1]
    assert pages[0][0].count("\n") > 300 * 8   # every student's every test
