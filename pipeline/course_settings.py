"""The course's gradebook URL and course id, as nbgrader_config.py sets them (loaded the way nbgrader loads it).

Kept apart from pipeline/gradebook.py so that reading them does not import nbgrader (seconds).
"""
import os

from traitlets.config.loader import PyFileConfigLoader

from grader.manifest import ROOT


def course_settings(root=None):
    """(db_url, course_id) as nbgrader_config.py at `root` sets them."""
    root = root or ROOT
    config = PyFileConfigLoader("nbgrader_config.py", path=root).load_config()
    course = config.get("CourseDirectory", {})
    db_url = course.get("db_url") or "sqlite:///" + os.path.join(root, "gradebook.db")
    return db_url, course.get("course_id") or "default_course"
