// Entity look-up on the clue and record forms: as a name or credit code is typed, known entities are suggested; picking
// one fills the entity fields, and the form says when other units have already reported it in the campaign.
// The form works without this script: the server resolves the entity by its code when the form is saved.
(function () {
  "use strict";
  var form = document.querySelector("form[data-entity-lookup]");
  if (!form || !form.elements.name || form.elements.name.disabled) {
    return;
  }
  var nameInput = form.elements.name;
  var codeInput = form.elements.credit_code;
  var list = document.getElementById("entity-suggestions");
  var notice = document.getElementById("entity-reported");
  var CODE_LENGTH = 18;
  var DELAY_MS = 250;
  var timer = null;
  var pending = null;

  function normalisedCode(text) {
    // Full-width letters and digits (ＡＢ１２) become ASCII, spaces go: as the server normalises codes.
    return text.replace(/[\uFF01-\uFF5E]/g, function (c) {
      return String.fromCharCode(c.charCodeAt(0) - 0xFEE0);
    }).replace(/\s+/g, "").toUpperCase();
  }

  function unitId() {
    return form.elements.unit ? form.elements.unit.value : form.getAttribute("data-unit");
  }

  function lookup(text, done) {
    if (pending) {
      pending.abort();
    }
    var request = new XMLHttpRequest();
    var url = form.getAttribute("data-entity-lookup") +
      "?q=" + encodeURIComponent(text) +
      "&campaign=" + encodeURIComponent(form.getAttribute("data-campaign")) +
      "&unit=" + encodeURIComponent(unitId() || "");
    request.open("GET", url);
    request.setRequestHeader("Accept", "application/json");
    request.onload = function () {
      if (request.status === 200) {
        done(JSON.parse(request.responseText).results);
      }
    };
    request.send();
    pending = request;
  }

  function showReported(result) {
    notice.textContent = "";
    var names = result ? result.reported_by : [];
    var unseen = result ? result.reported_unseen : 0;
    if (!names.length && !unseen) {
      notice.hidden = true;
      return;
    }
    var label = document.createElement("strong");
    label.textContent = notice.getAttribute("data-label");
    notice.appendChild(label);
    names.forEach(function (name) {
      var tag = document.createElement("span");
      tag.className = "tag";
      tag.textContent = name;
      notice.appendChild(document.createTextNode(" "));
      notice.appendChild(tag);
    });
    if (unseen) {
      notice.appendChild(document.createTextNode(" " + notice.getAttribute("data-unseen").replace("{count}", unseen)));
    }
    notice.hidden = false;
  }

  function fill(result) {
    Object.keys(result.fields).forEach(function (name) {
      var field = form.elements[name];
      if (field && !field.disabled) {
        field.value = result.fields[name];
      }
    });
    list.hidden = true;
    showReported(result);
  }

  function suggest(results) {
    list.textContent = "";
    results.forEach(function (result) {
      var item = document.createElement("li");
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = result.fields.name + (result.fields.credit_code ? " · " + result.fields.credit_code : "");
      button.addEventListener("click", function () {
        fill(result);
        nameInput.focus();
      });
      item.appendChild(button);
      list.appendChild(item);
    });
    list.hidden = results.length === 0;
  }

  function typed(event) {
    var text = event.target.value.trim();
    window.clearTimeout(timer);
    if (text.length < 2) {
      list.hidden = true;
      return;
    }
    timer = window.setTimeout(function () {
      lookup(event.target === codeInput ? normalisedCode(text) : text, function (results) {
        suggest(results);
        var code = normalisedCode(codeInput.value);
        if (code.length === CODE_LENGTH) {
          showReported(results.filter(function (r) { return r.fields.credit_code === code; })[0]);
        }
      });
    }, DELAY_MS);
  }

  nameInput.setAttribute("autocomplete", "off");
  codeInput.setAttribute("autocomplete", "off");
  nameInput.addEventListener("input", typed);
  codeInput.addEventListener("input", typed);
  form.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      list.hidden = true;
    }
  });
}());
