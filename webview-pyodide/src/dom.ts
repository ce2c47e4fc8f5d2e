/**
 * The DOM helpers every view of the panel uses: an element with its class and text (always textContent, never
 * markup), a button that acts only on trusted (real user) clicks, the base64 of text for saving it, and the failed
 * state of a chart (shared by the chart code and the view that loads it).
 */

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

export function button(label: string, ariaLabel: string, action: string, enabled: boolean, onClick: () => void): HTMLButtonElement {
  const node = el("button", `action action-${action}`, label);
  node.type = "button";
  node.setAttribute("aria-label", ariaLabel);
  node.dataset.action = action;
  node.disabled = !enabled;
  // Only real user clicks become host messages; synthetic events (e.g. from script) are ignored.
  node.addEventListener("click", (event) => {
    if (event.isTrusted) onClick();
  });
  return node;
}

/** The base64 of a string's UTF-8 bytes. */
export function utf8Base64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** Marks a chart's figure as failed and shows why, as text. */
export function failChart(root: HTMLElement, message: string): void {
  root.dataset.chart = "failed";
  root.append(el("div", "chart-error", `The chart could not be drawn: ${message}`));
}
