"""nbgrader configuration of a gan-book course (written by ``make course``; edit it freely).

Run every nbgrader command from the course directory that holds this file. Measured cell
times and the reasons for each setting: teachers.md ("Grading").
"""

# ruff: noqa: F821  (traitlets runs this file with get_config defined)
import os

from nbgrader.preprocessors import (
    CheckCellMetadata,
    ClearOutput,
    DeduplicateIds,
    NbGraderPreprocessor,
    OverwriteCells,
    OverwriteKernelspec,
)

COURSE_ID = "gan-book"
# Seconds per cell when autograde runs a submission (nbgrader's default is 30).
CELL_TIMEOUT = 300

c = get_config()
c.CourseDirectory.course_id = COURSE_ID
# Prepended to every released notebook by generate_assignment.
c.IncludeHeaderFooter.header = "source/header.ipynb"
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"
c.Execute.timeout = CELL_TIMEOUT
# Seconds to wait for a cell's next output message (nbclient's default is 4). nbgrader
# raises on that wait, so on a busy machine a training cell that prints nothing for 4 s
# dropped the whole submission.
c.Execute.iopub_timeout = 60
# Grade with the small budgets of quick mode: every check holds in both modes, and a
# submission then runs in about a minute. The kernels that autograde starts inherit it.
os.environ.setdefault("GAN_BOOK_MODE", "quick")
# zip_collect: files downloaded from a learning management system, named
# <student id>_<notebook>.ipynb (a student id without "_").
c.FileNameCollectorPlugin.named_regexp = r".*/(?P<student_id>[^/_]+)_(?P<file_id>[^/]+\.ipynb)$"


class RequireGradedCells(NbGraderPreprocessor):
    """Refuse a submission that lacks graded cells of the assignment, instead of scoring 0.

    A notebook that did not come from ``release/`` (the book's notebook, or a copy that lost
    its cell metadata) has no nbgrader cells: autograde would run it without its checks and
    record 0 points without a warning. This stops autograde for that submission with an
    error that names it (autograde exits with a non-zero status).
    """

    def preprocess(self, nb, resources):
        from nbgrader.api import Gradebook

        info = resources["nbgrader"]
        with Gradebook(info["db_url"]) as gradebook:
            notebook = gradebook.find_notebook(info["notebook"], info["assignment"])
            expected = {cell.name for cell in notebook.grade_cells + notebook.solution_cells}
        present = {cell.metadata.get("nbgrader", {}).get("grade_id") for cell in nb.cells}
        missing = sorted(expected - present)
        if missing:
            message = (
                f"{info['student']}/{info['assignment']}/{info['notebook']}.ipynb lacks "
                f"{len(missing)} of the {len(expected)} graded cells of the assignment "
                f"({', '.join(missing[:4])}{', ...' if len(missing) > 4 else ''}). It is not "
                "the notebook that generate_assignment released, or cells were deleted: "
                "nbgrader would grade it 0. Ask for the work in the notebook from release/."
            )
            self.log.error(message)
            raise ValueError(message)
        return nb, resources


c.Autograde.sanitize_preprocessors = [
    RequireGradedCells,
    ClearOutput,
    DeduplicateIds,
    OverwriteKernelspec,
    OverwriteCells,
    CheckCellMetadata,
]
