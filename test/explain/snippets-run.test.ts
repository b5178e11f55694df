/**
 * The --lang snippets RUN: each language's retry code, as `connreset explain ECONNRESET --lang X`
 * prints it, drives real requests on loopback. Against a server that resets the first request and
 * answers the second it must succeed on the second attempt; against the lab's reset-on-request
 * scenario (every request reset) it must give up after exactly the configured attempts.
 * Python, Node, Java (javac: .ci/run installs openjdk-17-jdk-headless when it is missing) and Go
 * (go, when installed: .ci/run installs golang-go where the disk has room) run; a missing tool skips
 * its language with the reason in the test's name.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { createServer, type Server, type Socket } from 'node:net';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderSnippet } from '../../src/knowledge/snippets.js';
import { startLab, type Lab } from '../../src/lab/server.js';

const dir = mkdtempSync(join(tmpdir(), 'connreset-snippets-run-'));
const HOST = '127.0.0.1';
const ATTEMPTS = 3;

function has(tool: string, versionArg = '--version'): boolean {
  return spawnSync(tool, [versionArg], { stdio: 'ignore', timeout: 10_000 }).status === 0;
}

/** Resets (RST) the first `failures` requests after reading them, answers every later one; counts connections. */
async function flakyServer(failures: number): Promise<{ server: Server; port: number; connections: () => number }> {
  let count = 0;
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    const n = ++count;
    let request = '';
    socket.on('data', (chunk) => {
      request += chunk.toString('latin1');
      if (!request.includes('\r\n\r\n')) return;
      if (n <= failures) socket.resetAndDestroy();
      else socket.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok');
    });
  });
  server.on('close', () => sockets.forEach((s) => s.destroy()));
  await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
  const address = server.address();
  return { server, port: typeof address === 'object' && address ? address.port : 0, connections: () => count };
}

/** Runs a child to completion (bounded), returning stdout and stderr together. */
function run(cmd: string, args: readonly string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

interface Runner {
  lang: 'python' | 'node' | 'java' | 'go';
  available: boolean;
  why: string;
  /** prepares the files once; returns the command that runs one client against host:port with ATTEMPTS */
  prepare: () => Promise<(port: number) => Promise<{ code: number | null; out: string }>>;
}

const REQUEST = 'GET / HTTP/1.1\\r\\nHost: lab\\r\\nConnection: close\\r\\n\\r\\n';

const RUNNERS: Runner[] = [
  {
    lang: 'python',
    available: has('python3'),
    why: 'python3 is not installed',
    prepare: async () => {
      const d = join(dir, 'python');
      mkdirSync(d, { recursive: true });
      writeFileSync(join(d, 'netretry.py'), renderSnippet('python', 'ECONNRESET'));
      writeFileSync(
        join(d, 'main.py'),
        `import sys\nfrom netretry import connect, with_retries\nhost, port, attempts = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])\n\ndef op():\n    s = connect(host, port)\n    try:\n        s.sendall(b"${REQUEST}")\n        data = b""\n        while b"\\r\\n" not in data:\n            chunk = s.recv(4096)\n            if not chunk:\n                raise EOFError("closed before the status line")\n            data += chunk\n        return data.split(b"\\r\\n")[0].decode()\n    finally:\n        s.close()\n\ntry:\n    print("OK", with_retries(op, attempts=attempts, base=0.01))\nexcept Exception as exc:\n    print("GAVEUP", type(exc).__name__)\n`,
      );
      return (port) => run('python3', ['main.py', HOST, String(port), String(ATTEMPTS)], { cwd: d });
    },
  },
  {
    lang: 'node',
    available: true,
    why: '',
    prepare: async () => {
      const d = join(dir, 'node');
      mkdirSync(d, { recursive: true });
      writeFileSync(join(d, 'netretry.mjs'), renderSnippet('node', 'ECONNRESET'));
      writeFileSync(
        join(d, 'main.mjs'),
        `import { connect, withRetries } from './netretry.mjs';\nconst [host, port, attempts] = process.argv.slice(2);\nconst op = async () => {\n  const s = await connect(host, Number(port));\n  return new Promise((resolve, reject) => {\n    let buf = '';\n    s.on('data', (d) => { buf += d; if (buf.includes('\\r\\n')) { s.destroy(); resolve(buf.split('\\r\\n')[0]); } });\n    s.once('error', reject);\n    s.once('end', () => reject(Object.assign(new Error('closed before the status line'), { code: 'EOF' })));\n    s.write('${REQUEST}');\n  });\n};\ntry { console.log('OK', await withRetries(op, { attempts: Number(attempts), baseMs: 10 })); } catch (err) { console.log('GAVEUP', err.code); }\n`,
      );
      return (port) => run(process.execPath, ['main.mjs', HOST, String(port), String(ATTEMPTS)], { cwd: d });
    },
  },
  {
    lang: 'java',
    available: has('javac', '-version'),
    why: 'javac is not installed (apt-get install openjdk-17-jdk-headless; .ci/run installs it when missing)',
    prepare: async () => {
      const d = join(dir, 'java');
      mkdirSync(d, { recursive: true });
      writeFileSync(join(d, 'NetRetry.java'), renderSnippet('java', 'ECONNRESET'));
      writeFileSync(
        join(d, 'RetryMain.java'),
        `import java.io.*;\nimport java.net.*;\nimport java.nio.charset.StandardCharsets;\n\npublic class RetryMain {\n    public static void main(String[] a) {\n        String host = a[0];\n        int port = Integer.parseInt(a[1]);\n        int attempts = Integer.parseInt(a[2]);\n        try {\n            String r = NetRetry.withRetries(() -> {\n                try (Socket s = NetRetry.connect(host, port)) {\n                    s.getOutputStream().write("${REQUEST}".getBytes(StandardCharsets.US_ASCII));\n                    String line = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();\n                    if (line == null) throw new EOFException("closed before the status line");\n                    return line;\n                }\n            }, attempts, 10);\n            System.out.println("OK " + r);\n        } catch (Exception e) {\n            System.out.println("GAVEUP " + e.getClass().getSimpleName());\n        }\n    }\n}\n`,
      );
      const c = await run('javac', ['-d', join(d, 'classes'), join(d, 'NetRetry.java'), join(d, 'RetryMain.java')], { timeoutMs: 120_000 });
      if (c.code !== 0) throw new Error(`javac failed: ${c.out}`);
      return (port) => run('java', ['-cp', join(d, 'classes'), 'RetryMain', HOST, String(port), String(ATTEMPTS)], { cwd: d });
    },
  },
  {
    lang: 'go',
    available: has('go', 'version'),
    why: 'go is not installed (apt-get install golang-go)',
    prepare: async () => {
      const d = join(dir, 'go');
      mkdirSync(join(d, 'netretry'), { recursive: true });
      writeFileSync(join(d, 'go.mod'), 'module example.com/run\n\ngo 1.19\n');
      writeFileSync(join(d, 'netretry', 'netretry.go'), renderSnippet('go', 'ECONNRESET'));
      writeFileSync(
        join(d, 'main.go'),
        `package main\n\nimport (\n\t"bufio"\n\t"context"\n\t"fmt"\n\t"net"\n\t"os"\n\t"strconv"\n\t"strings"\n\t"time"\n\n\t"example.com/run/netretry"\n)\n\nfunc main() {\n\thost, port := os.Args[1], os.Args[2]\n\tattempts, _ := strconv.Atoi(os.Args[3])\n\tvar line string\n\terr := netretry.DoN(context.Background(), attempts, 10*time.Millisecond, func(ctx context.Context) error {\n\t\tvar d net.Dialer\n\t\tc, err := d.DialContext(ctx, "tcp", net.JoinHostPort(host, port))\n\t\tif err != nil {\n\t\t\treturn err\n\t\t}\n\t\tdefer c.Close()\n\t\tif _, err := c.Write([]byte("${REQUEST}")); err != nil {\n\t\t\treturn err\n\t\t}\n\t\tl, err := bufio.NewReader(c).ReadString('\\n')\n\t\tif err != nil {\n\t\t\treturn err\n\t\t}\n\t\tline = strings.TrimSpace(l)\n\t\treturn nil\n\t})\n\tif err != nil {\n\t\tfmt.Println("GAVEUP", err)\n\t\treturn\n\t}\n\tfmt.Println("OK", line)\n}\n`,
      );
      const env = { ...process.env, GOFLAGS: '-mod=mod', GOPROXY: 'off', GOTOOLCHAIN: 'local', GOCACHE: join(dir, 'go-cache'), GOPATH: join(dir, 'gopath') };
      const b = await run('go', ['build', '-o', join(d, 'retry'), '.'], { cwd: d, env, timeoutMs: 180_000 });
      if (b.code !== 0) throw new Error(`go build failed: ${b.out}`);
      return (port) => run(join(d, 'retry'), [HOST, String(port), String(ATTEMPTS)], { cwd: d });
    },
  },
];

let lab: Lab;
beforeAll(async () => {
  lab = await startLab({ host: HOST, basePort: 0, only: ['reset-on-request'] });
});
afterAll(async () => {
  await lab?.close();
  rmSync(dir, { recursive: true, force: true });
});

// each language builds and spawns real processes: room for a loaded 2-core machine
describe.each(RUNNERS)('the $lang snippet', { timeout: 240_000 }, (runner) => {
  it.skipIf(!runner.available)(`retries a reset and gives up after the configured attempts${runner.available ? '' : ` (skipped: ${runner.why})`}`, async () => {
    const client = await runner.prepare();

    const flaky = await flakyServer(1);
    try {
      const ok = await client(flaky.port);
      expect(ok.out, ok.out).toMatch(/^OK HTTP\/1\.1 200 OK$/m);
      expect(flaky.connections()).toBe(2); // the reset request, then the answered one
    } finally {
      await new Promise<void>((resolve) => flaky.server.close(() => resolve()));
    }

    const port = lab.scenarios.find((s) => s.name === 'reset-on-request')?.port ?? 0;
    const gaveUp = await client(port);
    expect(gaveUp.out, gaveUp.out).toMatch(/^GAVEUP /m);
    expect(gaveUp.out).not.toMatch(/^OK /m);
    // every attempt was reset and reported, and there were exactly ATTEMPTS of them
    const reported = [...gaveUp.out.matchAll(/ECONNRESET on attempt (\d+)/g)].map((m) => Number(m[1]));
    expect(reported, gaveUp.out).toEqual(Array.from({ length: ATTEMPTS }, (_, i) => i + 1));
  });
});
