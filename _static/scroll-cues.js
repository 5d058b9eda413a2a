/* gan-book: a box that scrolls sideways shows that it does (issue 31).
   Tables wider than the column (on a phone), long formulas and figures that would shrink
   below readable text scroll inside their own box.
   Each such box whose content is wider than the box gets the class `gb-scrolls`, plus
   `gb-more-left` / `gb-more-right` while there is more to see on that side; gan-book.css
   fades the content out at those edges. A box is measured again whenever its size changes
   (MathJax typesets it, the window is resized, a solution dropdown opens and shows it), and
   its sides whenever it is scrolled. Jupyter Book includes every .js file of _static/ in
   every page. */
document.addEventListener("DOMContentLoaded", () => {
  const BOXES = "main .pst-scrollable-table-container, main table.indextable, " +
    "main span.math, main div.math, main pre";

  const markSides = (box) => {
    const more = box.scrollWidth - box.clientWidth;
    box.classList.toggle("gb-more-left", box.scrollLeft > 1);
    box.classList.toggle("gb-more-right", more - box.scrollLeft > 1);
  };

  const mark = (box) => {
    const scrolls = box.scrollWidth > box.clientWidth + 1;
    box.classList.toggle("gb-scrolls", scrolls);
    if (scrolls) {
      markSides(box);
    } else {
      box.classList.remove("gb-more-left", "gb-more-right");
    }
  };

  const resized = new ResizeObserver((entries) => entries.forEach((e) => mark(e.target)));
  const watch = (box) => {
    resized.observe(box);
    box.addEventListener("scroll", () => markSides(box), { passive: true });
  };
  document.querySelectorAll(BOXES).forEach(watch);

  // A figure keeps its text readable on a phone (issue 31). The chapters' figures set no
  // text below 9 pt and are saved at 100 dpi, so their smallest text is 12.5 px at natural
  // size (gan_lib.plotting); shown at 73% or more of its natural width it stays above 9 px.
  // A figure is never shown smaller than that: where the column is narrower, the figure
  // scrolls sideways in its own box (tests/browser/test_figures.py checks both).
  const FIGURE_SCALE = 0.73;
  document.querySelectorAll("main .cell_output img").forEach((img) => {
    if (img.closest(".animation")) return; // an animation fits the column by its own size
    const box = document.createElement("div");
    box.className = "gb-figure-box";
    img.replaceWith(box);
    box.appendChild(img);
    const size = () => {
      img.style.minWidth = `${Math.ceil(img.naturalWidth * FIGURE_SCALE)}px`;
    };
    if (img.complete && img.naturalWidth) size();
    else img.addEventListener("load", size);
    watch(box);
  });
  // MathJax replaces a display formula's source by an mjx-container, its scroll box.
  const typeset = () => document.querySelectorAll("main div.math mjx-container").forEach(watch);
  window.addEventListener("load", () => {
    if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
      MathJax.startup.promise.then(typeset);
    }
  });
});
