/**
 * Bytes from a peer are shown escaped: a hostile or confused server must not be able to move
 * the cursor, change colours or ring the bell in the user's terminal.
 */
const NAMED: Readonly<Record<number, string>> = { 0x0a: '\\n', 0x0d: '\\r', 0x09: '\\t', 0x5c: '\\\\' };

export function escapeBytes(bytes: Uint8Array, maxChars: number): string {
  let out = '';
  for (const byte of bytes) {
    const piece = NAMED[byte] ?? (byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : `\\x${byte.toString(16).padStart(2, '0')}`);
    if (out.length + piece.length > maxChars) return `${out}…`;
    out += piece;
  }
  return out;
}
