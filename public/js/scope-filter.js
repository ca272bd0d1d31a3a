// The token form's "Find an area" box: narrows the scope areas to those whose name contains what is
// typed. Shown only when this script runs; without it every area is listed, collapsed. Hiding an
// area never changes what is chosen in it.
document.addEventListener('DOMContentLoaded', () => {
  const box = document.getElementById('scope-filter');
  const status = document.getElementById('scope-filter-status');
  if (!box || !status) return;
  const areas = Array.from(document.querySelectorAll('#scope-areas .scope-area'));
  box.closest('.scope-filter').hidden = false;
  box.addEventListener('input', () => {
    const wanted = box.value.trim().toLocaleLowerCase();
    let shown = 0;
    for (const area of areas) {
      area.hidden = !area.dataset.area.toLocaleLowerCase().includes(wanted);
      if (!area.hidden) shown++;
    }
    if (wanted === '') status.textContent = '';
    else if (shown === 0) status.textContent = `No area's name contains "${box.value.trim()}".`;
    else status.textContent = `${shown} of ${areas.length} areas shown.`;
  });
  // Enter in the box would send the whole form; here it only narrows the list.
  box.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') event.preventDefault();
  });
});
