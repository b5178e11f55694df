/**
 * Bytes from a peer are shown escaped: a hostile or confused server must not be able to move
 * the cursor, change colours or ring the bell in the user's terminal.
 */
const NAMED: Readonly<Record<number, string>> = { 0x0a: '\\n', 0x0d: '\\r', 0x09: '\\t', 0x5c: '\\\\' };

/** An escaped preview cut to maxChars for display, never inside an escape sequence. */
export function cutPreview(preview: string, maxChars: number): string {
  if (preview.length <= maxChars) return preview;
  let out = '';
  for (const [piece] of preview.matchAll(/\\x[0-9a-f]{2}|\\.|[^\\]/g)) {
    if (out.length + piece.length > maxChars) break;
    out += piece;
  }
  return `${out.replace(/…$/, '')}…`;
}

export function escapeBytes(bytes: Uint8Array, maxChars: number): string {
  let out = '';
  for (const byte of bytes) {
    const piece = NAMED[byte] ?? (byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : `\\x${byte.toString(16).padStart(2, '0')}`);
    if (out.length + piece.length > maxChars) return `${out}…`;
    out += piece;
  }
  return out;
}
