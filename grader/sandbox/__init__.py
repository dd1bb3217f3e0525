"""The sandbox every student notebook runs in while it is graded (bubblewrap).

A graded kernel sees read-only system files and the course's Python, a private
writable working folder holding only the notebook's helper files and data, its
own IPC folder, no network, and a PID namespace that dies with it. Nothing of
the course (solutions, gradebook, other students, feedback) is visible to it.

    bwrap.py           find and probe bubblewrap; build the sandbox's command line
    limits.py          resource limits of a sandboxed kernel (memory, processes, files, CPU)
    workfiles.py       which files of a notebook's folder go into its sandbox
    launch.py          the kernelspec's entry point: start ipykernel inside the sandbox
    kernel_manager.py  the kernel manager nbgrader uses: IPC transport, a private connection folder
"""
