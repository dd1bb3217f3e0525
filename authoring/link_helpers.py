"""(Re)create each assignment folder's symlinks to utils/ and datasets/.

Usage: python -m authoring.link_helpers
"""
import os

from grader.manifest import ASSIGNMENTS, ROOT, shipped_files


def target_of(relative):
    """Where the master copy of a shipped file lives."""
    return os.path.join(ROOT, relative) if relative.startswith("datasets/") else os.path.join(ROOT, "utils", relative)


def link_assignment(assignment):
    folder = os.path.join(ROOT, "source", assignment)
    for relative in shipped_files(assignment):
        link = os.path.join(folder, relative)
        os.makedirs(os.path.dirname(link), exist_ok=True)
        wanted = os.path.relpath(target_of(relative), os.path.dirname(link))
        if os.path.islink(link) and os.readlink(link) == wanted:
            continue
        if os.path.lexists(link):
            os.remove(link)
        os.symlink(wanted, link)


def main():
    for assignment in ASSIGNMENTS:
        link_assignment(assignment)
        print("linked helpers of", assignment)


if __name__ == "__main__":
    main()
