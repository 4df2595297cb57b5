// htmx for the officer pages (the queue and its claim buttons), loaded only
// there: citizens' pages never download it. Everything it enhances works
// without it; its settings come from the <meta name="htmx-config"> tag that
// templates/cases/office/_htmx.html writes before this script.

import htmx from "htmx.org";

// The Content-Security-Policy allows no inline script or style and no eval: these hold even
// on a page whose <meta name="htmx-config"> forgot them (the meta tag is merged on top).
htmx.config.allowEval = false;
htmx.config.allowScriptTags = false;
htmx.config.includeIndicatorStyles = false;

// A swapped-in row replaces the claim button that had focus: put focus on the
// row's link, so keyboard and screen-reader users keep their place.
document.body.addEventListener("htmx:afterSwap", (event) => {
  const target = event.detail.target;
  if (document.activeElement && document.activeElement !== document.body) return;
  const row = target && target.id ? document.getElementById(target.id) : null;
  const link = row && row.querySelector("a");
  if (link) link.focus();
});

window.htmx = htmx;
