/**
 * Keeps a flood of printed output from freezing the panel: one stream (stdout or stderr) of a run keeps its head and
 * its tail within a cap of lines and characters (default 5,000 lines or 1 MiB, set by agentcode.panel.outputCap*),
 * counts the lines hidden between them, and keeps the full text (up to a larger bound) for "Open full output". Pure:
 * no DOM; the cell view draws `shown()`.
 */

import { maxFullOutputChars } from "./protocol";

/** The caps of one stream: lines and characters shown; what passes them is hidden. */
export interface StreamCaps {
  readonly lines: number;
  readonly chars: number;
}

export const defaultStreamCaps: StreamCaps = { lines: 5000, chars: 1024 * 1024 };

/** Largest full output kept for "Open full output", in characters; past it the full text is cut at its end. */
export const maxFullOutput = maxFullOutputChars - 100;

export interface ShownStream {
  readonly head: string;
  /** Lines hidden between head and tail (0: the whole stream is in `head`). */
  readonly hiddenLines: number;
  readonly tail: string;
}

export class CappedStream {
  private head = "";
  private headLines = 0;
  private headFull = false;
  /** The tail as complete lines (each with its "\n") plus the partial last line. */
  private tailLines: string[] = [];
  private tailStart = 0;
  private tailChars = 0;
  private partial = "";
  private hidden = 0;
  private readonly full: string[] = [];
  private fullChars = 0;
  private fullCut = false;

  constructor(private readonly caps: StreamCaps = defaultStreamCaps) {}

  /** Adds a piece of the stream (any split, partial lines included). */
  append(text: string): void {
    if (this.fullChars + text.length <= maxFullOutput) {
      this.full.push(text);
      this.fullChars += text.length;
    } else this.fullCut = true;
    let rest = text;
    if (!this.headFull) {
      rest = this.fillHead(text);
      if (rest === "") return;
    }
    this.appendTail(rest);
  }

  /** Takes what fits into the head (half the caps, whole lines); returns the rest. */
  private fillHead(text: string): string {
    const maxLines = Math.floor(this.caps.lines / 2);
    const maxChars = Math.floor(this.caps.chars / 2);
    let i = 0;
    while (i < text.length) {
      const nl = text.indexOf("\n", i);
      const end = nl === -1 ? text.length : nl + 1;
      if (this.headLines >= maxLines || this.head.length + (end - i) > maxChars) {
        this.headFull = true;
        return text.slice(i);
      }
      this.head += text.slice(i, end);
      if (nl !== -1) this.headLines++;
      i = end;
    }
    return "";
  }

  private appendTail(text: string): void {
    const maxLines = this.caps.lines - Math.floor(this.caps.lines / 2);
    const maxChars = this.caps.chars - Math.floor(this.caps.chars / 2);
    let i = 0;
    while (i < text.length) {
      const nl = text.indexOf("\n", i);
      if (nl === -1) {
        this.partial += text.slice(i);
        // A line longer than the tail's cap is kept in pieces, so that it is cut like lines are.
        if (this.partial.length > maxChars) {
          this.tailLines.push(this.partial);
          this.tailChars += this.partial.length;
          this.partial = "";
        }
        break;
      }
      const line = this.partial + text.slice(i, nl + 1);
      this.partial = "";
      this.tailLines.push(line);
      this.tailChars += line.length;
      i = nl + 1;
    }
    while (this.tailLines.length - this.tailStart > maxLines || (this.tailChars > maxChars && this.tailLines.length - this.tailStart > 1)) {
      this.tailChars -= this.tailLines[this.tailStart].length;
      this.tailStart++;
      this.hidden++;
    }
    // Dropping from the front of a large array is costly; compact it now and then.
    if (this.tailStart > 4096 && this.tailStart * 2 > this.tailLines.length) {
      this.tailLines = this.tailLines.slice(this.tailStart);
      this.tailStart = 0;
    }
  }

  /** Whether some lines are hidden. */
  get truncated(): boolean {
    return this.hidden > 0;
  }

  shown(): ShownStream {
    const tail = this.tailLines.slice(this.tailStart).join("") + this.partial;
    return { head: this.head, hiddenLines: this.hidden, tail };
  }

  /** The stream as the cell and the run summary keep it: head, a line naming the hidden lines, tail. */
  text(): string {
    const { head, hiddenLines, tail } = this.shown();
    return hiddenLines === 0 ? head + tail : `${head}[${hiddenLines} lines hidden]\n${tail}`;
  }

  /** The whole stream as printed (cut at `maxFullOutput` characters, with a last line saying so). */
  fullText(): string {
    const text = this.full.join("");
    return this.fullCut ? `${text}\n[output cut at ${maxFullOutput} characters]\n` : text;
  }
}
