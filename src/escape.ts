/**
 * Text that came from a peer or a user, made safe for a terminal: every control character (C0,
 * DEL, C1) becomes a visible \xHH escape, so no text can move the cursor, change colours or ring
 * the bell. Printable Unicode is kept. Pure: the diagnosis quotes peers with it, the reports too.
 */
export function escapeControls(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
