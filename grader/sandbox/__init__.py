"""The sandbox every student notebook runs in while it is graded (bubblewrap), and the budget that bounds it.

A graded notebook sees read-only system files and the course's Python, fresh private writable
folders, its helper files read-only ahead of anything writable, no network, a fixed environment,
and PID, IPC and user namespaces that die with it. Nothing of the course (solutions, gradebook,
other students, feedback) is visible to it, and nothing it writes is trusted.

Run by: the grading processes (nbgrader's executors, the pipeline's workers). May import: grader's
own settings, messages and step clock. The modules named "in the sandbox" run inside it and import
only the standard library and the preloaded packages.

    bwrap.py, limits.py, workfiles.py   the sandbox's command line, its limits, the notebook's files
    sandbox_uids.py, uid_mapping.py     leased uids (grading as root): one per sandbox, one per notebook
    launch.py, kernel_manager.py        the kernel path: the kernelspec's launcher, nbgrader's kernel manager
    kernel_output_cap.py                (in the sandbox) a kernel's own cap on outputs per cell
    exec_limited.py, cgroup_enter.py    exec wrappers: rlimits, then the budget's cgroup, then bwrap
    forkserver.py                       the grader's handle on a fork server: one waiting loop, tokens,
                                        heartbeat, replacement of a dead server
    zygote.py, framing.py               (in the sandbox) the fork server's loop and its frames
    child_isolation.py                  (in the sandbox) a notebook's child in namespaces of its own
    child_runner.py, output_capture.py  (in the sandbox) the child: cells in a fresh IPython shell, outputs
    history_scrub.py                    (in the sandbox) no hidden test source left in any history
    budget.py, budget_cgroups.py        one budget per notebook over all its processes: cgroup or watchdog
    budget_kernel.py, budget_messages.py  the budget on the kernel path; what a student reads on a budget stop
    sandbox_tree.py, sandbox_ipc.py     a sandbox's processes and System V IPC, seen from outside
"""
