// The copy button on the "token created" page. Works without it too: the field is selectable.
document.addEventListener('DOMContentLoaded', () => {
  const button = document.getElementById('copy-secret');
  const status = document.getElementById('copy-status');
  if (!button || !status) return;
  button.addEventListener('click', async () => {
    const field = document.getElementById(button.dataset.copyTarget);
    if (!field) return;
    try {
      await navigator.clipboard.writeText(field.value);
      button.textContent = 'Copied';
      status.textContent = 'Copied to the clipboard.';
      // Some browsers do not focus a clicked button: keep the person where they were.
      button.focus();
    } catch {
      field.select();
      status.textContent = 'Could not copy automatically: the token is selected, press Ctrl+C (or ⌘C) to copy it.';
    }
  });
});
