"""The class report from a PostgreSQL gradebook equals the report from SQLite: a class graded by the real pipeline
into each, and a synthesized 300-student class written into each (tests/postgres_server.py: a real server)."""
import os

import pytest

from class_course import class_course, run_pipeline
from postgres_server import PostgresUnavailable, postgres_server
from proofs.report_benchmark import COURSE_ID, synthesize

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def postgres_url():
    server = postgres_server(port=54331, database="kitreport")
    try:
        url = server.__enter__()
    except PostgresUnavailable as error:
        pytest.fail("the report's PostgreSQL test needs a real server: %s" % error)
    yield url
    server.__exit__(None, None, None)


def read(path):
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def test_a_class_graded_into_postgresql_reports_as_from_sqlite(postgres_url, tmp_path):
    on_postgres = class_course(str(tmp_path / "postgres"))
    run_pipeline(on_postgres, db_url=postgres_url)
    on_sqlite = class_course(str(tmp_path / "sqlite"))
    run_pipeline(on_sqlite)
    assert not os.path.exists(os.path.join(on_postgres, "gradebook.db"))
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
    synthetic_url = postgres_url.replace("/kitreport?", "/kitsynthetic?")
    synthesize(synthetic_url, 300, seed=11)
    sqlite_url = "sqlite:///" + str(tmp_path / "gradebook.db")
    synthesize(sqlite_url, 300, seed=11)
    pages = []
    for url, folder in ((synthetic_url, tmp_path / "pg"), (sqlite_url, tmp_path / "lite")):
        os.makedirs(folder)
        pages.append([read(p) for p in write_reports(str(folder), db_url=url, course_id=COURSE_ID)])
    assert pages[0] == pages[1]
    assert pages[0][0].count("\n") > 300 * 8   # every student's every test
