"""The test suite (pytest; tiers in pytest.ini, marked in each file).

Run by: `python3 kit.py test` (and .ci/run, which runs exactly that).
May import: anything of the course. Its helper modules (background, course_env, ...) are imported
as top-level modules (pytest.ini's pythonpath).
Must not: be imported by the course's own code, which runs where the tests are not (tests/test_layers.py).
"""
