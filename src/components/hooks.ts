/**
 * A data-* hook: the attribute a component's markup sets on a part and its
 * script finds the part by. Each component lists its hooks in one module
 * (its hooks.ts) that both sides import, so neither can rename one alone.
 */
export type Hook = `data-${string}`;

/** The attribute for the markup: `<p {...hook(h)}>`, or with a value. */
export function hook(name: Hook, value = ''): Record<string, string> {
  return { [name]: value };
}

/** The selector for the script. */
export function is(name: Hook): string {
  return `[${name}]`;
}
