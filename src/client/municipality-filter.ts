/**
 * Type a few letters to narrow the list of municipalities on /<locale>/hjalp/.
 * A small enhancement (2 KB budget): the list itself is plain links and
 * works without JavaScript. Matching ignores case and accents (Örebro ~ orebro).
 */
const box = document.querySelector<HTMLElement>('[data-municipality-filter]');
if (box) {
  const input = box.querySelector('input')!;
  const status = box.querySelector<HTMLElement>('[data-municipality-filter-status]')!;
  const fold = (text: string) => text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
  const links = [...document.querySelectorAll<HTMLAnchorElement>('[data-municipality]')].map((a) => ({
    item: a.parentElement!,
    name: fold(a.textContent ?? ''),
  }));
  const counties = [...document.querySelectorAll<HTMLElement>('[data-county]')];
  box.hidden = false;
  input.addEventListener('input', () => {
    const query = fold(input.value.trim());
    let shown = 0;
    for (const { item, name } of links) {
      const match = name.includes(query);
      item.hidden = !match;
      if (match) shown++;
    }
    for (const county of counties) county.hidden = !county.querySelector('li:not([hidden])');
    status.textContent = shown === 0 ? (box.dataset['none'] ?? '') : '';
  });
}
