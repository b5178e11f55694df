/**
 * The lab's TLS certificate: self-signed, made fresh each time the lab starts (an EC P-256 key
 * takes milliseconds), so no key is ever committed and no openssl binary is needed. For the lab
 * only: nothing trusts it, and the probe does not ask anything to.
 */
import { generate } from 'selfsigned';

export interface LabCertificate {
  key: string;
  cert: string;
}

const DAY_MS = 24 * 3_600_000;

export async function makeLabCertificate(): Promise<LabCertificate> {
  const now = Date.now();
  const pems = await generate([{ name: 'commonName', value: 'connreset-lab' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    // a little in the past, so that a client clock slightly behind still accepts the dates
    notBeforeDate: new Date(now - DAY_MS),
    notAfterDate: new Date(now + 30 * DAY_MS),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
          { type: 7, ip: '::1' },
        ],
      },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}
