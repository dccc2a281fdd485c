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

// Unit pickers (select[data-unit-search]) hold the tree of up to 90 units. A box before the select narrows its options
// to the units whose name holds what is typed, keeping the units above each match so that it reads in its place;
// Enter chooses the first match. A short list, read at a glance, gets no box. Without this script the select works as
// it is.
(function () {
  var INDENT = /^\u3000+/;
  var SEARCHED_FROM = 10;  // options

  function name(option) {
    return option.textContent.replace(INDENT, "").trim().toLowerCase();
  }

  function depth(option) {
    return Number(option.getAttribute("data-depth") || 0);
  }

  function searchable(select) {
    var options = Array.prototype.slice.call(select.options);
    var box = document.createElement("input");
    box.type = "search";
    box.className = "unit-search";
    box.autocomplete = "off";
    box.placeholder = select.getAttribute("data-unit-search");
    box.setAttribute("aria-label", box.placeholder);
    if (select.id) {
      box.setAttribute("aria-controls", select.id);
    }
    select.parentNode.insertBefore(box, select);

    function matches(option, text) {
      return option.value !== "" && name(option).indexOf(text) !== -1;
    }

    box.addEventListener("input", function () {
      var text = box.value.trim().toLowerCase();
      var shown = options.map(function (option) {
        return !text || option.value === "" || matches(option, text);
      });
      // Walking back from each match, the nearest option of each shallower depth is the unit above it.
      for (var i = options.length - 1; i >= 0; i -= 1) {
        if (!text || !matches(options[i], text)) {
          continue;
        }
        var level = depth(options[i]);
        for (var j = i - 1; j >= 0 && level > 0; j -= 1) {
          if (options[j].value !== "" && depth(options[j]) < level) {
            shown[j] = true;
            level = depth(options[j]);
          }
        }
      }
      options.forEach(function (option, index) {
        option.hidden = !shown[index];
      });
    });

    box.addEventListener("keydown", function (event) {
      if (event.key !== "Enter") {
        return;
      }
      event.preventDefault();
      var text = box.value.trim().toLowerCase();
      var first = options.filter(function (option) { return text && matches(option, text); })[0];
      if (first && !first.selected) {
        first.selected = true;
        select.dispatchEvent(new Event("change", {bubbles: true}));
      }
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("select[data-unit-search]"), function (select) {
    if (select.options.length >= SEARCHED_FROM) {
      searchable(select);
    }
  });
})();
