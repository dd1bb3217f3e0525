"""The class benchmark's account of where the time goes: wall-clock spans of the run, and CPU seconds per notebook.

CPU seconds are the run's own (proofs/class_measures.RunCpu: every process it started, sandboxes
included), so other work on a loaded machine does not count. They are split into phases from
what each process measured of itself: the pipeline (intake before the first task, the one
gradebook writer, export, report and table after the last result), each worker (nbgrader's steps,
judging, reading its scratch gradebook, the feedback page) and each notebook's interpreter (its
cells). What is left is start-up and the sandbox's own work (worker spawn and imports, the fork
server's preload, each notebook's fork, namespaces and relay, bubblewrap).
"""


def _sum(results, key):
    return sum(r.phases.get(key, 0.0) for r in results)


def wall_lines(pool, started, wall):
    """The run's wall-clock spans (under load they stretch: see the CPU lines)."""
    if not (pool.first_call and pool.first_result and pool.last_result):
        return []
    spans = [("start-up: release check, intake (admission, fingerprints, prechecks)", pool.first_call - started),
             ("grading, first task to last result (worker spawn and start-up included)",
              pool.last_result - pool.first_call),
             ("after grading: feedback step, export, report, grade table", started + wall - pool.last_result)]
    return ["  wall clock   %-78s %8.1f s" % span for span in spans]


def cpu_phases(pool, cpu_start, cpu_total):
    """[(phase, CPU seconds)] of the whole run; they add up to cpu_total."""
    results = pool.results
    marks = pool.cpu_marks
    if "first_call" not in marks or "last_result" not in marks:
        return [("the whole run (no task was graded)", cpu_total)]
    intake = marks["first_call"] - cpu_start
    after = cpu_start + cpu_total - marks["last_result"]
    cells = _sum(results, "execution_cpu")
    judging = _sum(results, "judging_cpu")
    nbgrader = _sum(results, "autograde_cpu") - judging
    gradebook = _sum(results, "records_cpu") + pool.writer_cpu
    feedback = _sum(results, "feedback_cpu")
    preload = _sum(results, "preload_cpu")
    measured = intake + after + cells + judging + nbgrader + gradebook + feedback
    return [("start-up and sandbox: worker spawn and imports, fork-server preload (%.1f s in all), each notebook's "
             "fork, namespaces and relay" % preload, cpu_total - measured),
            ("intake: admission, fingerprints, prechecks (the pipeline, before the first task)", intake),
            ("cells: the notebook's own interpreter, sandboxed", cells),
            ("judging the hidden tests' records (worker)", judging),
            ("nbgrader's steps: sanitize, restore, save grades, conversions, scratch gradebook (worker)", nbgrader),
            ("gradebook: reading the scratch one (worker), the one writer of the course's (pipeline)", gradebook),
            ("feedback pages (worker)", feedback),
            ("export, report, grade table (the pipeline, after the last result)", after)]


def cpu_lines(pool, cpu_start, cpu_total, notebooks):
    """The report's lines: each phase's CPU seconds per notebook (hundredths and below)."""
    lines = ["  CPU per nb   %-78s %8.3f s" % (name, seconds / max(1, notebooks))
             for name, seconds in cpu_phases(pool, cpu_start, cpu_total)]
    lines.append("  CPU per nb   %-78s %8.3f s" % ("total", cpu_total / max(1, notebooks)))
    return lines
