// Progressive enhancement only: every page works without this file.
//
// Marks the page as able to run govuk-frontend (the stylesheet hides
// conditionally revealed answers only then), and starts the components whose
// behaviour we use: double-submit protection on buttons, conditional reveal on
// checkboxes and radios, focus handling for the error summary, notification
// banners and the skip link. Added to the page as <script type="module">, so
// old browsers that cannot run it never get half-enhanced pages.

import {
  Button,
  Checkboxes,
  ErrorSummary,
  NotificationBanner,
  Radios,
  SkipLink,
  createAll,
} from "govuk-frontend";

document.body.classList.add("js-enabled", "govuk-frontend-supported");

for (const Component of [Button, Checkboxes, ErrorSummary, NotificationBanner, Radios, SkipLink]) {
  createAll(Component);
}
