// After a refused submit: focus the error summary (when the browser ignored autofocus), and make
// its links move the focus into the field itself, not just scroll to it. Without this script the
// summary is still announced (role=alert) and its links still scroll to the fields.
(function () {
  var summary = document.getElementById('form-error');
  if (!summary) return;
  if (document.activeElement === document.body || document.activeElement === null) summary.focus();
  summary.addEventListener('click', function (event) {
    var link = event.target.closest && event.target.closest('a[href^="#"]');
    if (!link) return;
    var target = document.getElementById(link.getAttribute('href').slice(1));
    if (!target) return;
    event.preventDefault();
    target.scrollIntoView({ block: 'center' });
    target.focus();
  });
})();
