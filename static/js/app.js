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
