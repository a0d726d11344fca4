// The reading layer's few lines of behaviour (no dependencies):
// * keyboard: the copy buttons of code cells leave the Tab order (one per cell
//   stood between a reader and the content); a display equation too wide for
//   its column scrolls in its own box and becomes focusable, so the keyboard can
//   scroll it;
// * printing (and `make pdf`): solutions and "Going deeper" detours open, and
//   what the reader had closed closes again afterwards. Hidden figure code stays
//   hidden.
(function () {
  function keyboard() {
    document.querySelectorAll("button.copybtn").forEach(function (b) {
      b.setAttribute("tabindex", "-1");
    });
    document.querySelectorAll("div.math").forEach(function (m) {
      if (m.scrollWidth > m.clientWidth + 1) {
        m.setAttribute("tabindex", "0");
      } else {
        m.removeAttribute("tabindex");
      }
    });
  }
  if (document.readyState === "complete") {
    keyboard();
  } else {
    window.addEventListener("load", keyboard);
  }
  window.addEventListener("resize", keyboard);

  var opened = [];
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("main details:not(.hide):not([open])").forEach(
      function (d) { d.open = true; opened.push(d); });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (d) { d.open = false; });
    opened = [];
  });
})();
