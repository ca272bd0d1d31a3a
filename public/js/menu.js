// The header's "Menu" button on narrow screens. Loaded in <head> without defer, so the page is marked
// as scripted before it is first drawn: only then does the CSS show the button and fold the links
// away. Without script the whole header shows, as on a wide screen.
document.documentElement.classList.add('js');
document.addEventListener('DOMContentLoaded', () => {
  const header = document.querySelector('.site-header');
  const button = document.getElementById('menu-toggle');
  if (!header || !button) return;
  const setOpen = (open) => {
    header.classList.toggle('menu-open', open);
    button.setAttribute('aria-expanded', String(open));
  };
  button.addEventListener('click', () => setOpen(button.getAttribute('aria-expanded') !== 'true'));
  // Escape folds the menu from anywhere in the header and gives focus back to the button.
  header.addEventListener('keydown', (event) => {
    if (event.key !== 'Escape' || button.getAttribute('aria-expanded') !== 'true') return;
    setOpen(false);
    button.focus();
  });
});
