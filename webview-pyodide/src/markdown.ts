/**
 * Markdown outputs to HTML with markdown-it, under the panel's CSP: raw HTML is off (it shows as text), links are
 * checked by markdown-it's own validator (no javascript: or vbscript: targets), table alignment becomes a class
 * (a style attribute would be refused by the policy), and an image is drawn only from a data: URL; any other
 * image source is shown as its alt text with a note, so a Markdown output never asks for a URL.
 */

import MarkdownIt from "markdown-it";

const markdown = new MarkdownIt({ html: false, linkify: false, typographer: false });

markdown.core.ruler.push("agentcode_align_class", (state) => {
  for (const token of state.tokens) {
    const style = token.attrGet("style");
    if (style === null) continue;
    const align = /^text-align:(left|right|center)$/.exec(String(style));
    token.attrs = (token.attrs ?? []).filter(([name]) => name !== "style");
    if (align !== null) token.attrJoin("class", `align-${align[1]}`);
  }
});

const inlineImage = /^data:image\/(png|gif|jpeg|webp);/i;

const drawImage = markdown.renderer.rules.image;

markdown.renderer.rules.image = (tokens, index, options, env, self) => {
  const token = tokens[index];
  const src = String(token.attrGet("src") ?? "");
  if (inlineImage.test(src) && drawImage !== undefined) return drawImage(tokens, index, options, env, self);
  const alt = markdown.utils.escapeHtml(self.renderInlineAsText(token.children ?? [], options, env) || "image");
  const title = markdown.utils.escapeHtml(`Not loaded: ${src} (the panel has no network)`);
  return `<span class="markdown-image-blocked" title="${title}">[${alt}]</span>`;
};

/** The HTML of a Markdown text, safe to assign to innerHTML under the panel's CSP. */
export function renderMarkdown(text: string): string {
  return markdown.render(text);
}
