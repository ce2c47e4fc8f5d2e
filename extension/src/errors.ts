/**
 * The message of a thrown value, for logs and notifications: an Error's own sentence (ResponseError and
 * ServerUnavailable included), never its stack; anything else as text.
 */
export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
