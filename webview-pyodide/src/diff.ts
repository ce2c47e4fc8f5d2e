/**
 * A line diff for the attempt history and the consistency check: the lines two texts share, and those only one has,
 * in order. Common leading and trailing lines are matched first; the middle is an LCS, which is quadratic, so a
 * middle too large to compare is shown as all removed then all added rather than freezing the page.
 */

export type DiffLine = { readonly kind: "same" | "added" | "removed"; readonly text: string };

/** Largest product of the two middles' line counts compared line by line (about 16 MB of table). */
const maxCells = 4_000_000;

function lines(text: string): string[] {
  if (text === "") return [];
  const parts = text.split("\n");
  if (parts[parts.length - 1] === "") parts.pop();
  return parts;
}

/** The line diff turning `before` into `after`. */
export function diffLines(before: string, after: string): DiffLine[] {
  const a = lines(before);
  const b = lines(after);
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const head: DiffLine[] = a.slice(0, start).map((text) => ({ kind: "same", text }));
  const tail: DiffLine[] = a.slice(endA).map((text) => ({ kind: "same", text }));
  const midA = a.slice(start, endA);
  const midB = b.slice(start, endB);
  if (midA.length * midB.length > maxCells) {
    return [...head, ...midA.map((text) => ({ kind: "removed", text }) as const), ...midB.map((text) => ({ kind: "added", text }) as const), ...tail];
  }
  // lcs[i][j]: length of the longest common subsequence of midA[i..] and midB[j..].
  const width = midB.length + 1;
  const lcs = new Uint32Array((midA.length + 1) * width);
  for (let i = midA.length - 1; i >= 0; i--) {
    for (let j = midB.length - 1; j >= 0; j--) {
      lcs[i * width + j] = midA[i] === midB[j] ? lcs[(i + 1) * width + j + 1] + 1 : Math.max(lcs[(i + 1) * width + j], lcs[i * width + j + 1]);
    }
  }
  const middle: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < midA.length && j < midB.length) {
    if (midA[i] === midB[j]) {
      middle.push({ kind: "same", text: midA[i] });
      i++;
      j++;
    } else if (lcs[(i + 1) * width + j] >= lcs[i * width + j + 1]) middle.push({ kind: "removed", text: midA[i++] });
    else middle.push({ kind: "added", text: midB[j++] });
  }
  while (i < midA.length) middle.push({ kind: "removed", text: midA[i++] });
  while (j < midB.length) middle.push({ kind: "added", text: midB[j++] });
  return [...head, ...middle, ...tail];
}

/** True when the diff has at least one added or removed line. */
export function differs(diff: readonly DiffLine[]): boolean {
  return diff.some((line) => line.kind !== "same");
}
