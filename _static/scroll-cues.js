/* gan-book: a box that scrolls sideways shows that it does (issue 31).
   Tables wider than the column (on a phone) and long formulas scroll inside their own box.
   Each such box whose content is wider than the box gets the class `gb-scrolls`, plus
   `gb-more-left` / `gb-more-right` while there is more to see on that side; gan-book.css
   fades the content out at those edges. Boxes are measured once MathJax has typeset the
   page, again when the window is resized, and a box's sides when it is scrolled.
   Jupyter Book includes every .js file of _static/ in every page. */
(() => {
  const BOXES = "main .pst-scrollable-table-container, main span.math, " +
    "main div.math mjx-container, main pre";

  const markSides = (box) => {
    const more = box.scrollWidth - box.clientWidth;
    box.classList.toggle("gb-more-left", box.scrollLeft > 1);
    box.classList.toggle("gb-more-right", more - box.scrollLeft > 1);
  };

  const mark = () => {
    document.querySelectorAll(BOXES).forEach((box) => {
      const scrolls = box.scrollWidth > box.clientWidth + 1;
      box.classList.toggle("gb-scrolls", scrolls);
      if (scrolls) {
        markSides(box);
        if (!box.dataset.gbCue) {
          box.dataset.gbCue = "1";
          box.addEventListener("scroll", () => markSides(box), { passive: true });
        }
      } else {
        box.classList.remove("gb-more-left", "gb-more-right");
      }
    });
  };

  let pending = null;
  const markSoon = () => {
    clearTimeout(pending);
    pending = setTimeout(mark, 100);
  };

  window.addEventListener("load", () => {
    mark();
    if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
      MathJax.startup.promise.then(mark);
    }
  });
  window.addEventListener("resize", markSoon);
})();
