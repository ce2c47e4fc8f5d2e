/**
 * `# %%` cells in a Python file: which lines make up the cell at a given line, the same way the server's
 * "Run cell in sandbox" code lenses split a file. Pure, unit-tested.
 */

const marker = /^\s*#\s*%%/;

/** The 0-based line range [start, end) of the cell containing `line`; the whole file when there are no markers. */
export function cellAt(text: string, line: number): { readonly start: number; readonly end: number } {
  const ls = text.split(/\r?\n/);
  let start = 0;
  for (let i = Math.min(line, ls.length - 1); i >= 0; i--) {
    if (marker.test(ls[i])) {
      start = i;
      break;
    }
  }
  let end = ls.length;
  for (let i = start + 1; i < ls.length; i++) {
    if (marker.test(ls[i])) {
      end = i;
      break;
    }
  }
  return { start, end };
}
