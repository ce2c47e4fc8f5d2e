/**
 * File names for generated code: a slug of the prompt and the first name not yet taken. Pure, unit-tested.
 */

/** Lower-case words of the prompt joined by `_` (a valid Python module name), at most 40 characters. */
export function slugOfPrompt(prompt: string): string {
  const words = prompt
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, " ")
    .trim()
    .split(/\s+/)
    .filter((w) => w !== "");
  let slug = "";
  for (const w of words) {
    const next = slug === "" ? w : `${slug}_${w}`;
    if (next.length > 40) break;
    slug = next;
  }
  if (slug === "") slug = words.length > 0 ? words[0].slice(0, 40) : "generated";
  return /^[0-9]/.test(slug) ? `code_${slug}` : slug;
}

/** `base.ext`, else `base_2.ext`, `base_3.ext`, ... : the first one `taken` says is free. */
export function uniqueName(base: string, ext: string, taken: (name: string) => boolean): string {
  const first = `${base}${ext}`;
  if (!taken(first)) return first;
  for (let i = 2; ; i++) {
    const name = `${base}_${i}${ext}`;
    if (!taken(name)) return name;
  }
}
