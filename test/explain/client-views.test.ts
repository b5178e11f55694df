import { describe, expect, it } from 'vitest';
import { explain } from '../../src/diagnose/explain/explain.js';
import { CLIENT_ERRORS_BY_SCHEME } from '../../src/knowledge/client-errors.js';

// what a probe says "your client would have seen" must be something explain understands when the
// user pastes it back from their own log
describe("protocol clients' messages in probe reports", () => {
  const texts = Object.entries(CLIENT_ERRORS_BY_SCHEME).flatMap(([scheme, families]) =>
    Object.entries(families).flatMap(([family, view]) =>
      Object.entries(view)
        .filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[0] !== 'symbol')
        // as a log would print it: no library label, no commentary in parentheses (a parenthesis that
        // opens with a number or a quote is part of the message), a real address for {remote}
        .map(([runtime, text]) => ({
          scheme,
          family,
          runtime,
          text: text.replace(/^[\w-]+: /, '').replace(/ \((?![\d'"]).*$/, '').replaceAll('{remote}', '127.0.0.1:6379'),
        })),
    ),
  );

  // a reset must read as a reset and a clean close as a close; a stale reuse may show either, or a broken pipe
  const EXPECTED: Record<string, string[]> = { reset: ['ECONNRESET'], eof: ['EOF'], stale_reuse: ['EOF', 'EPIPE', 'ECONNRESET'] };

  it.each(texts)('$scheme $family $runtime: "$text" is explained as that failure', async ({ family, text }) => {
    const r = await explain(text);
    expect(r.ok, r.ok ? '' : r.failure.reason).toBe(true);
    if (r.ok) expect(EXPECTED[family] ?? ['EOF', 'EPIPE', 'ECONNRESET']).toContain(r.explanation.error.id);
  });
});

describe('a redis:// probe report', () => {
  it("quotes Redis clients, not HTTP clients, for a server's idle close", async () => {
    const { diagnose } = await import('../../src/diagnose/diagnose.js');
    const { fixture } = await import('../diagnose/fixtures.js');
    const d = diagnose(fixture('real-redis-timeout-2').observation);
    expect(d.clientError?.python).toContain('redis.exceptions.ConnectionError: Connection closed by server.');
    expect(d.clientError?.linux).toContain('EPIPE'); // the OS rows stay
    const http = diagnose(fixture('real-nginx-keepalive-2s').observation);
    expect(http.clientError?.python).toContain('http.client.RemoteDisconnected');
  });
});

describe('the probe report of an HTTP 5xx', () => {
  it('shows what curl, Node, Python, Java, Go and .NET show for that status, and no OS error', async () => {
    const { diagnose } = await import('../../src/diagnose/diagnose.js');
    const { renderProbeText } = await import('../../src/report/probe-text.js');
    const { fixture } = await import('../diagnose/fixtures.js');
    const chalk = (await import('chalk')).default;
    const level = chalk.level;
    chalk.level = 0;
    try {
      for (const [name, status] of [
        ['real-nginx-502-upstream-reset', '502 (Bad Gateway)'],
        ['real-nginx-503-from-upstream', '503 (Service Unavailable)'],
      ] as const) {
        const obs = fixture(name).observation;
        const text = renderProbeText(obs, diagnose(obs));
        const block = text.slice(text.indexOf('your client would have seen'), text.indexOf('likely causes'));
        const labels = block.split('\n').slice(1).filter((line) => line.trim() !== '').map((line) => line.trim().split(/\s+/)[0]);
        expect(labels).toEqual(['curl', 'Node.js', 'Python', 'Java', 'Go', '.NET']);
        expect(block).toContain(`Response status code does not indicate success: ${status}.`);
      }
    } finally {
      chalk.level = level;
    }
  });
});
