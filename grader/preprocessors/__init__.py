"""The course's nbgrader preprocessors, one per module, in the order nbgrader_config.py runs them.

Sanitize (before execution): restore_cell_roles, restore_cells.
Autograde: skip_training_cells, grading_execute, judge_hidden_tests, limit_output_size.
Feedback: hide_hidden_test_details, feedback_page (with the exporter of grader/feedback_page.py).
"""
