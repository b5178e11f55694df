import { describe, expect, it } from 'vitest';
import { probe } from '../../src/probe/probe.js';
import { parseTarget } from '../../src/probe/target.js';
import { probeOptions } from '../../src/probe/defaults.js';
import { cutPreview, escapeBytes } from '../../src/probe/preview.js';
import { diagnose } from '../../src/diagnose/diagnose.js';
import { closedAfterEachTest, tcpServer } from './servers.js';

const { adopt } = closedAfterEachTest();

// nginx 1.22.1's answer to plain HTTP on a TLS port (captured with curl -i): the words that tell
// a protocol mismatch from an application error are ~200 characters into the reply
const NGINX_HTTPS_PORT_400 =
  'HTTP/1.1 400 Bad Request\r\nServer: nginx/1.22.1\r\nDate: Wed, 25 Nov 2026 14:08:34 GMT\r\n' +
  'Content-Type: text/html\r\nContent-Length: 255\r\nConnection: close\r\n\r\n' +
  '<html>\r\n<head><title>400 The plain HTTP request was sent to HTTPS port</title></head>\r\n<body>\r\n' +
  '<center><h1>400 Bad Request</h1></center>\r\n<center>The plain HTTP request was sent to HTTPS port</center>\r\n' +
  '<hr><center>nginx/1.22.1</center>\r\n</body>\r\n</html>\r\n';

describe('reply previews', () => {
  it('keep enough of an HTTP error page for the diagnosis to see a TLS port', async () => {
    const server = await tcpServer((s) => s.once('data', () => s.end(NGINX_HTTPS_PORT_400)));
    adopt(server);
    const obs = await probe(parseTarget(`http://127.0.0.1:${server.port}/`), probeOptions({ replyTimeoutMs: 400 }));
    const diagnosis = diagnose(obs);
    expect(diagnosis.outcome).toBe('reply_then_close');
    expect(diagnosis.causes[0]?.id).toBe('protocol_mismatch');
    expect(diagnosis.causes[0]?.evidence.join(' ')).toContain(`https://127.0.0.1:${server.port}`);
    // the page's title says why, not its status line
    expect(diagnosis.causes[0]?.evidence[0]).toContain('the reply says "400 The plain HTTP request was sent to HTTPS port"');
  });

  it('are cut for display without splitting an escape sequence', () => {
    const escaped = escapeBytes(Buffer.from('ab\x1b\r\n\\cd'), 100); // ab\x1b\r\n\\cd
    expect(escaped).toBe('ab\\x1b\\r\\n\\\\cd');
    expect(cutPreview(escaped, 100)).toBe(escaped);
    expect(cutPreview(escaped, 5)).toBe('ab…'); // \x1b would not fit whole
    expect(cutPreview(escaped, 6)).toBe('ab\\x1b…');
    expect(cutPreview(escaped, 11)).toBe('ab\\x1b\\r\\n…'); // not half of \\\\
    expect(cutPreview(escaped, 12)).toBe('ab\\x1b\\r\\n\\\\…');
    expect(cutPreview('abc…', 2)).toBe('ab…');
  });
});
