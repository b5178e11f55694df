/**
 * -k/--insecure, --cacert, --cert, --key (and their config keys) turned into the PEM text the
 * probe hands to tls.connect. Files are read and checked once, before anything is probed: a
 * missing file, a file that is not PEM, or a key that does not belong to the certificate is one
 * clear line (exit 2), never a handshake failure blamed on the server.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { tls } from '../shared/lazy-require.js';
import type { TlsTrust } from './types.js';

export interface TlsTrustInput {
  insecure?: boolean;
  cacert?: string;
  cert?: string;
  key?: string;
}

/** How an option is named where the user wrote it: `--cacert` on the command line, `cacert` in a config. */
export type OptionName = (option: 'insecure' | 'cacert' | 'cert' | 'key') => string;

const FLAG: OptionName = (option) => `--${option}`;

/** null when nothing was asked for: the probe verifies against Node's built-in CA store. */
export function loadTlsTrust(input: TlsTrustInput, name: OptionName = FLAG, baseDir?: string): TlsTrust | null {
  const insecure = input.insecure === true;
  if (!insecure && input.cacert === undefined && input.cert === undefined && input.key === undefined) return null;
  const read = (option: 'cacert' | 'cert' | 'key', path: string | undefined): string | null => {
    if (path === undefined) return null;
    if (path.trim() === '') throw new UsageError(`bad ${name(option)}: empty file name`);
    const full = baseDir && !isAbsolute(path) ? resolve(baseDir, path) : path;
    let text: string;
    try {
      text = readFileSync(full, 'utf8');
    } catch (error) {
      throw new UsageError(`bad ${name(option)} ${JSON.stringify(path)}: cannot read it (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    if (!text.includes('-----BEGIN ')) throw new UsageError(`bad ${name(option)} ${JSON.stringify(path)}: not a PEM file (expected -----BEGIN …-----)`);
    return text;
  };
  const ca = read('cacert', input.cacert);
  let cert = read('cert', input.cert);
  let key = read('key', input.key);
  // curl accepts one PEM holding both the certificate and its key
  if (cert !== null && key === null) {
    if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(cert)) throw new UsageError(`${name('cert')} needs ${name('key')} (the client certificate's private key)`, 'or give one PEM file holding both');
    key = cert;
  }
  if (key !== null && cert === null) throw new UsageError(`${name('key')} needs ${name('cert')} (the client certificate)`);
  try {
    tls().createSecureContext({ ...(ca ? { ca } : {}), ...(cert ? { cert } : {}), ...(key ? { key } : {}) });
  } catch (error) {
    const which = [input.cacert && name('cacert'), input.cert && name('cert'), input.key && name('key')].filter(Boolean).join(', ');
    throw new UsageError(`bad ${which}: ${(error as Error).message}`);
  }
  if (cert === null) key = null;
  cert = cert ?? null;
  return { insecure, ca, cert, key };
}
