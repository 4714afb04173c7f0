/**
 * Small accessible building blocks for the app's forms: an error is tied
 * to its field (aria-describedby, aria-invalid) and gets the focus, so a
 * screen reader and a keyboard user land on it at once.
 */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

/** Shows `text` in an error box (role=alert) and moves the focus to `focus` (the field) or the box. */
export function showError(box: HTMLElement, text: string, focus?: HTMLElement): void {
  box.textContent = text;
  box.hidden = false;
  if (focus) {
    focus.setAttribute('aria-invalid', 'true');
    focus.focus();
  } else {
    if (!box.hasAttribute('tabindex')) box.setAttribute('tabindex', '-1');
    box.focus();
  }
}

export function clearError(box: HTMLElement, field?: HTMLElement): void {
  box.hidden = true;
  box.textContent = '';
  field?.removeAttribute('aria-invalid');
}

/** A labelled text field with its error line, wired together. */
export function field(id: string, label: string, options: { type?: string; autocomplete?: string; hint?: string } = {}) {
  const errorId = `${id}-error`;
  const input = el('input', {
    id,
    name: id,
    type: options.type ?? 'text',
    autocomplete: options.autocomplete ?? 'off',
    'aria-describedby': options.hint ? `${id}-hint ${errorId}` : errorId,
    required: '',
  });
  const error = el('p', { class: 'flash error', id: errorId, hidden: '' });
  const parts: Node[] = [el('label', { for: id }, label)];
  if (options.hint) parts.push(el('p', { class: 'hint', id: `${id}-hint` }, options.hint));
  parts.push(input, error);
  return { input, error, parts };
}

/** Runs `work` with `button` disabled, so a second click cannot start it twice. */
export async function busy<T>(button: HTMLButtonElement | null, work: () => Promise<T>): Promise<T> {
  if (button) button.disabled = true;
  try {
    return await work();
  } finally {
    if (button) button.disabled = false;
  }
}
