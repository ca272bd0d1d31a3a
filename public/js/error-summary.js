// A form sent back with errors: focus goes to its summary, so it is read out first and the next Tab
// reaches its first link; each link then moves focus to the field it names, with that field's label
// or legend in view (browsers only scroll to a link's target, and not all of them focus it).
document.addEventListener('DOMContentLoaded', () => {
  const summary = document.querySelector('.error-summary');
  if (!summary) return;
  summary.focus();
  summary.addEventListener('click', (event) => {
    const link = event.target.closest('a[href^="#"]');
    const field = link ? document.getElementById(link.hash.slice(1)) : null;
    if (!field) return;
    event.preventDefault();
    (field.closest('.field') ?? field).scrollIntoView({ block: 'start' });
    field.focus({ preventScroll: true });
  });
});
