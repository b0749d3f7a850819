// Applicant portal: record the channel as "mobile" when the page is used on a phone-sized screen (module 57).
(function () {
  "use strict";
  var phone = window.matchMedia && window.matchMedia("(max-width: 768px)").matches;
  var fields = document.querySelectorAll("input[name=channel]");
  for (var i = 0; i < fields.length; i++) {
    fields[i].value = phone ? "mobile" : "web";
  }
})();
