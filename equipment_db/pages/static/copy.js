document.querySelectorAll("button.copy").forEach(function (button) {
  button.addEventListener("click", function () {
    var text = document.getElementById(button.dataset.copy).textContent;
    var status = document.getElementById("copy-status");
    function done(ok) {
      status.textContent = ok ? "Copied to the clipboard." : "Select the text and copy it (the browser refused).";
      button.dataset.copied = ok ? "yes" : "no";
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () { done(true); }, function () { done(false); });
    } else {
      var range = document.createRange();
      range.selectNodeContents(document.getElementById(button.dataset.copy));
      getSelection().removeAllRanges(); getSelection().addRange(range);
      done(document.execCommand("copy"));
    }
  });
});
