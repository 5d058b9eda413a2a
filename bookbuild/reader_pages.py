"""A Sphinx extension: the reader's book shows an exercise, a check and a solution, not the
classroom's grading marks (issue 31, item 5), and its pages carry no dead assets (item 8).

The chapter notebooks are the instructor edition: nbgrader needs their marks (see
``bookbuild.student_edition``). This extension edits what the HTML book SHOWS, after MyST-NB
has executed and parsed a notebook, so the notebooks, their execution cache, the student
edition, the course kit and the edition checks all see the marks unchanged:

* code cells: the lines ``### BEGIN SOLUTION`` and ``### END SOLUTION`` are left out, and so
  is each region from ``### BEGIN HIDDEN TESTS`` to ``### END HIDDEN TESTS`` (as in the
  student edition, ``bookbuild.student_edition.visible_check_source``); a check's first line
  ``# Autograded check (N points)`` reads ``# Check``;
* markdown: a written answer's marker paragraph, ``**Your answer:** (N points)``, is left
  out: in the reader's book there is nowhere to answer, and the exercise's solution follows;
* chapter titles: a notebook's title carries its chapter's number (``# 8. A family of
  divergences``), for a reader of the notebook in Jupyter or Colab; the book numbers its
  chapters itself (``_toc.yml``: ``numbered``; figures, exercises and theorems read
  "Figure 8.2"), so the page's title loses the notebook's number and reads "8. A family of
  divergences" once, not "8. 8. ..." (tests/book/test_numbering.py checks the two agree);
* animations: matplotlib's ``to_jshtml`` shows its frames in an ``<img>`` with no alt text;
  it gets the alt text of its cell's figure (MyST-NB's ``mystnb.image.alt``), as a still
  image of the cell would;
* every page: matplotlib's ``to_jshtml`` animations link Font Awesome 4.4 from a CDN for
  their button icons; the theme ships Font Awesome, which draws the same icons offline, so
  the link is left out. A script that the theme stack adds twice to a page (sphinx-thebe's
  configuration, a ``const`` whose second declaration is a console error) is kept once.

The student site keeps the grading marks its readers need (points, answer cells): its
configuration sets ``hide_grading_scaffolding: false``.

Registered in ``_config.yml`` (``sphinx: local_extensions``).
"""

from __future__ import annotations

import re
from html import escape

from docutils import nodes

from bookbuild.student_edition import ANSWER_MARKER, CHECK_HEADER

READER_CHECK_HEADER = "# Check"
_SOLUTION_MARKER = re.compile(r"^\s*### (BEGIN|END) SOLUTION\s*$")
_HIDDEN_BEGIN = re.compile(r"^\s*### BEGIN HIDDEN TESTS\s*$")
_HIDDEN_END = re.compile(r"^\s*### END HIDDEN TESTS\s*$")
_CHECK_LINE = re.compile(r"^" + re.escape(CHECK_HEADER) + r"(\s*\(\d+ points?\))?\s*$")
_ANSWER_PARAGRAPH = re.compile(
    r"^\s*" + re.escape(ANSWER_MARKER.strip("*")) + r"\s*(\(\d+ points?\))?\s*$"
)
_CHAPTER_NUMBER = re.compile(r"^\d+\.\s+")
CHAPTERS_FOLDER = "chapters/"
_FONT_AWESOME_LINK = re.compile(r"<link\b[^>]*font-awesome[^>]*>\s*", re.IGNORECASE)


def reader_source(source: str) -> str:
    """A code cell's source as the reader's book shows it: no solution markers, no hidden
    tests, and a check headed ``# Check`` instead of ``# Autograded check (N points)``."""
    lines, hidden = [], False
    for line in source.split("\n"):
        if _HIDDEN_BEGIN.match(line):
            hidden = True
        elif _HIDDEN_END.match(line):
            hidden = False
        elif not hidden and not _SOLUTION_MARKER.match(line):
            lines.append(READER_CHECK_HEADER if _CHECK_LINE.match(line) else line)
    return "\n".join(lines).rstrip()


def is_answer_marker(paragraph: nodes.paragraph) -> bool:
    """True for the paragraph ``**Your answer:** (N points)`` of a written answer cell."""
    return _ANSWER_PARAGRAPH.match(paragraph.astext()) is not None


def without_font_awesome_link(html: str) -> str:
    """``html`` without ``<link ...font-awesome...>`` stylesheet links."""
    return _FONT_AWESOME_LINK.sub("", html)


def _cell_sources(doctree):
    for container in doctree.findall(nodes.container):
        if container.get("nb_element") == "cell_code_source":
            yield from container.findall(nodes.literal_block)


def hide_grading_scaffolding(app, doctree) -> None:
    """Take nbgrader's marks out of a parsed page (Sphinx's ``doctree-read`` event)."""
    if not app.config.hide_grading_scaffolding:
        return
    for block in list(_cell_sources(doctree)):
        text = block.astext()
        shown = reader_source(text)
        if shown != text:
            block.children = [nodes.Text(shown)]
            block.rawsource = shown
    for paragraph in list(doctree.findall(nodes.paragraph)):
        if is_answer_marker(paragraph):
            paragraph.parent.remove(paragraph)


def without_chapter_number(title: str) -> str:
    """A chapter title without the number it starts with: "8. A family" -> "A family"."""
    return _CHAPTER_NUMBER.sub("", title, count=1)


def drop_chapter_number(app, doctree) -> None:
    """Take the notebook's own number out of a chapter page's title (``doctree-read``, run
    before Sphinx's collectors read the title for the table of contents and the links)."""
    if not app.env.docname.startswith(CHAPTERS_FOLDER):
        return
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is None or not isinstance(section[0], nodes.title):
        return
    title = section[0]
    first = title[0] if len(title) else None
    if isinstance(first, nodes.Text) and _CHAPTER_NUMBER.match(first.astext()):
        title.replace(first, nodes.Text(without_chapter_number(first.astext())))


_ANIMATION_IMG = re.compile(r'<img id="_anim_img(\w*)">')


# Alt text that a screen reader should not read: a file name, a hash, a path.
FILE_LIKE = re.compile(r"(\.(png|jpe?g|svg|gif)\b|[0-9a-f]{16,}|[/\\_])", re.IGNORECASE)


def alt_says_what_it_shows(alt: str | None) -> bool:
    """Whether ``alt`` can describe a figure: four words or more, none of them file-like."""
    return bool(alt) and len(alt.split()) >= 4 and not FILE_LIKE.search(alt)


def with_animation_alt(html: str, alt: str) -> str:
    """``html`` with the alt text ``alt`` on each to_jshtml animation's frame ``<img>``."""
    return _ANIMATION_IMG.sub(
        lambda m: f'<img id="_anim_img{m.group(1)}" alt="{escape(alt, quote=True)}">', html
    )


def give_animations_alt_text(app, doctree) -> None:
    """Give an animation's frame image its cell's figure alt text (``doctree-read``)."""
    for cell in doctree.findall(nodes.container):
        if cell.get("nb_element") != "cell_code":
            continue
        alt = ((cell.get("cell_metadata") or {}).get("mystnb") or {}).get("image", {}).get("alt")
        if not alt:
            continue
        for raw in list(cell.findall(nodes.raw)):
            html = raw.astext()
            kept = with_animation_alt(html, str(alt))
            if kept != html:
                raw.children = [nodes.Text(kept)]
                raw.rawsource = kept


def drop_font_awesome_link(app, doctree) -> None:
    """Take the Font Awesome CDN link out of the page's raw HTML outputs."""
    for raw in list(doctree.findall(nodes.raw)):
        html = raw.astext()
        kept = without_font_awesome_link(html)
        if kept != html:
            raw.children = [nodes.Text(kept)]
            raw.rawsource = kept


def _script_key(script) -> tuple:
    # An inline script is added once with the file name None and once with "" (Sphinx 7.4
    # re-adds the registry's scripts with `filename or ""`), so the two do not compare equal.
    attributes = getattr(script, "attributes", {})
    return (getattr(script, "filename", script) or "", tuple(sorted(attributes.items())))


def keep_each_script_once(app, pagename, templatename, context, doctree) -> None:
    """Drop the second copy of any identical script of a page (``html-page-context``)."""
    seen, kept = set(), []
    for script in context.get("script_files", []):
        key = _script_key(script)
        if key not in seen:
            seen.add(key)
            kept.append(script)
    context["script_files"] = kept


def setup(app):
    app.add_config_value("hide_grading_scaffolding", True, "env", types=[bool])
    # Sphinx's collectors (titles, tables of contents) run at the default priority, 500.
    app.connect("doctree-read", drop_chapter_number, priority=400)
    app.connect("doctree-read", hide_grading_scaffolding)
    app.connect("doctree-read", drop_font_awesome_link)
    app.connect("doctree-read", give_animations_alt_text)
    app.connect("html-page-context", keep_each_script_once)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
