"""The test suite: run by `python3 kit.py test` (pytest; tiers in pytest.ini, marked in each file).

May import anything of the course; nothing imports it. Its helper modules (background, course_env, ...)
are imported as top-level modules (pytest.ini's pythonpath).
"""
