// The token form's choices, kept in step with what is typed (progressive enhancement: without this
// script the server reads the form the same way and says what does not fit):
// - typing a date in the date box chooses "On a date of my choice"; choosing a number of days
//   afterwards empties the box, so the form never holds both;
// - "Full access" disables the scope list (it allows everything), and says so;
// - the name's counter says how long it is, "N of 100 characters", and when it is too long.
document.addEventListener('DOMContentLoaded', () => {
  const form = document.querySelector('form.token-form');
  if (!form) return;

  const date = document.getElementById('customDate');
  const custom = document.getElementById('expiry-custom');
  if (date && custom) {
    const chooseDate = () => {
      if (date.value !== '') custom.checked = true;
    };
    date.addEventListener('input', chooseDate);
    date.addEventListener('change', chooseDate);
    for (const radio of form.querySelectorAll('input[name="expiry"]')) {
      if (radio === custom) continue;
      radio.addEventListener('change', () => {
        if (radio.checked) date.value = '';
      });
    }
  }

  const full = document.getElementById('access-full');
  const note = document.getElementById('full-access-note');
  const groups = Array.from(form.querySelectorAll('fieldset.scope-group'));
  if (full && note && groups.length > 0) {
    const showAccess = () => {
      for (const group of groups) group.disabled = full.checked;
      note.hidden = !full.checked;
    };
    for (const radio of form.querySelectorAll('input[name="access"]')) radio.addEventListener('change', showAccess);
    showAccess();
  }

  const name = document.getElementById('displayName');
  const counter = document.getElementById('displayName-count');
  const max = Number(name?.dataset.maxLength);
  if (name && counter && max > 0) {
    const count = () => {
      const length = name.value.trim().length;
      counter.textContent =
        length > max ? `${length} of ${max} characters: ${length - max} too many.` : `${length} of ${max} characters`;
      counter.classList.toggle('too-long', length > max);
    };
    name.addEventListener('input', count);
    count();
  }
});
