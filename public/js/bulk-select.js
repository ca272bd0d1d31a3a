// A button that acts on ticked rows (data-needs-selection="FORM-ID") stays disabled until a row of
// that form is ticked. Without script it stays enabled, and the server answers an empty selection
// with a message on the list instead.
document.addEventListener('DOMContentLoaded', () => {
  for (const button of document.querySelectorAll('button[data-needs-selection]')) {
    const form = button.getAttribute('data-needs-selection');
    const boxes = () => document.querySelectorAll(`input[type="checkbox"][form="${form}"]`);
    const update = () => {
      button.disabled = ![...boxes()].some((box) => box.checked);
    };
    for (const box of boxes()) box.addEventListener('change', update);
    update();
  }
});
