// Small progressive enhancements; every page works without JavaScript.
document.addEventListener("change", function (event) {
  var target = event.target;
  if (target.matches && target.matches("select[data-autosubmit]")) {
    target.form.submit();
  }
});

// A button with data-confirm asks before its form is sent: approving a unit locks its data.
document.addEventListener("submit", function (event) {
  var question = event.submitter && event.submitter.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});

// A form sent back with errors: its summary takes the focus, so that it is read first; a link of the summary puts the
// cursor in the field it names (following the link alone only scrolls there).
(function () {
  var summary = document.querySelector(".error-summary");
  if (!summary) {
    return;
  }
  summary.focus();
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    var target = link && document.getElementById(link.getAttribute("href").slice(1));
    if (!target) {
      return;
    }
    var field = target.matches("input, select, textarea") ? target : target.querySelector("input, select, textarea");
    if (field) {
      event.preventDefault();
      target.scrollIntoView({block: "center"});
      field.focus();
    }
  });
})();
