/* gan-book: search result snippets without raw TeX (issue 16).
   Sphinx builds each snippet from the page's HTML, where formulas are still MathJax
   source such as \(D^*(x)\); the snippet shows text, not typeset math. Before Sphinx
   extracts the text, every formula is replaced by an ellipsis. Jupyter Book includes
   every .js file of _static/ in every page; only search.html defines `Search`. */
document.addEventListener("DOMContentLoaded", () => {
  if (typeof Search === "undefined" || !Search.htmlToText) return;
  const htmlToText = Search.htmlToText;
  Search.htmlToText = (htmlString, anchor) => {
    const page = new DOMParser().parseFromString(htmlString, "text/html");
    page.querySelectorAll(".math, mjx-container").forEach((formula) => {
      formula.replaceWith(page.createTextNode(" … "));
    });
    return htmlToText(page.documentElement.outerHTML, anchor);
  };
});
