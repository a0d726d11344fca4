// The reading layer's few lines of behaviour (no dependencies):
// * keyboard: the copy buttons of code cells leave the Tab order (one per cell
//   stood between a reader and the content); a display equation too wide for
//   its column scrolls in its own box and becomes focusable, so the keyboard can
//   scroll it;
// * printing (and `make pdf`): solutions and "Going deeper" detours open, and
//   what the reader had closed closes again afterwards. Hidden figure code stays
//   hidden;
// * the kernel-free sliders of lecture_utils.interactive_figure (below).
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

  // A slider figure (.lu-interactive) holds one range input per parameter and
  // every frame as an <img>; the frame shown is the row-major index over the
  // sliders (itertools.product order). A frame without src (the build names its
  // file in data-src) is fetched when first shown; after the first move, the
  // frames one step away are fetched too, so the next step is instant.
  function sliders(root) {
    var inputs = Array.prototype.slice.call(root.querySelectorAll("input[type=range]"));
    var frames = root.querySelectorAll(".lu-frames img");
    var strides = inputs.map(function (s, i) {
      return inputs.slice(i + 1).reduce(function (p, t) {
        return p * (Number(t.max) + 1); }, 1);
    });
    function load(k) {
      var f = frames[k];
      if (f && !f.getAttribute("src") && f.dataset.src) { f.src = f.dataset.src; }
    }
    function update(moved) {
      var index = 0;
      inputs.forEach(function (s, i) {
        index += strides[i] * Number(s.value);
        var text = JSON.parse(s.dataset.labels)[Number(s.value)];
        s.setAttribute("aria-valuetext", text);
        s.nextElementSibling.textContent = text;  // the <output> after the track
      });
      load(index);
      for (var k = 0; k < frames.length; k++) {
        frames[k].style.display = k === index ? "" : "none";
      }
      root.dataset.frame = String(index);
      if (!moved) { return; }
      inputs.forEach(function (s, i) {
        if (Number(s.value) > 0) { load(index - strides[i]); }
        if (Number(s.value) < Number(s.max)) { load(index + strides[i]); }
      });
    }
    inputs.forEach(function (s) {
      s.addEventListener("input", function () { update(true); });
    });
    update(false);
  }
  document.querySelectorAll(".lu-interactive").forEach(sliders);
})();
