/**
 * Code snippets per language, as data: one template per language (timeouts, keepalive, retry with
 * exponential backoff and full jitter) and, per error, the portable way to detect it in that
 * language (an exception class, Node's err.code, Go's errors.Is, .NET's SocketError), never one
 * platform's number alone.
 */
import { HTTP_STATUS_ERROR_CODES } from './explain-http-errors.js';

export const SNIPPET_LANGUAGES = ['python', 'node', 'go', 'java', 'csharp'] as const;
export type SnippetLanguage = (typeof SNIPPET_LANGUAGES)[number];

/**
 * An HTTP status a proxy answered (knowledge/explain-http-errors.ts): no socket error on your side,
 * so each language recognises the status its HTTP client reports (urllib's HTTPError.code, requests'
 * response.status_code, axios' response.status, your own StatusError in Go, HttpURLConnection's and
 * HttpClient's message text).
 */
function detectHttpStatus(status: number): Readonly<Record<SnippetLanguage, string>> {
  return {
    python: `getattr(exc, "code", None) == ${status} or getattr(getattr(exc, "response", None), "status_code", None) == ${status}`,
    node: `err?.status === ${status} || err?.response?.status === ${status}`,
    go: `errors.As(err, &statusErr) && statusErr.Code == ${status}`,
    java: `String.valueOf(e.getMessage()).contains("response code: ${status}")`,
    csharp: `e is HttpRequestException && e.Message.Contains("${status}")`,
  };
}

/** How to recognise each error portably, per language: an expression over `exc` / `err` / `e`. */
export const DETECT: Readonly<Record<string, Readonly<Record<SnippetLanguage, string>>>> = {
  ...Object.fromEntries(HTTP_STATUS_ERROR_CODES.map((status) => [`HTTP_${status}`, detectHttpStatus(status)])),
  ECONNRESET: {
    python: 'isinstance(exc, ConnectionResetError)',
    node: "err?.code === 'ECONNRESET'",
    go: 'errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.Errno(10054)) // 10054 = WSAECONNRESET on Windows',
    java: 'e instanceof SocketException && !(e instanceof ConnectException) && String.valueOf(e.getMessage()).toLowerCase().contains("reset")',
    csharp: 'Socket(e)?.SocketErrorCode == SocketError.ConnectionReset',
  },
  ECONNREFUSED: {
    python: 'isinstance(exc, ConnectionRefusedError)',
    node: "err?.code === 'ECONNREFUSED'",
    go: 'errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.Errno(10061)) // WSAECONNREFUSED',
    java: 'e instanceof ConnectException',
    csharp: 'Socket(e)?.SocketErrorCode == SocketError.ConnectionRefused',
  },
  ECONNABORTED: {
    python: 'isinstance(exc, ConnectionAbortedError)',
    node: "err?.code === 'ECONNABORTED'",
    go: 'errors.Is(err, syscall.ECONNABORTED) || errors.Is(err, syscall.Errno(10053)) // WSAECONNABORTED',
    java: 'e instanceof SocketException && String.valueOf(e.getMessage()).toLowerCase().contains("abort")',
    csharp: 'Socket(e)?.SocketErrorCode == SocketError.ConnectionAborted',
  },
  ETIMEDOUT: {
    python: 'isinstance(exc, TimeoutError)  # socket.timeout is TimeoutError since 3.10',
    node: "err?.code === 'ETIMEDOUT'",
    go: 'errors.Is(err, os.ErrDeadlineExceeded) || errors.Is(err, syscall.ETIMEDOUT) || errors.Is(err, syscall.Errno(10060))',
    java: 'e instanceof SocketTimeoutException',
    csharp: 'Socket(e)?.SocketErrorCode == SocketError.TimedOut || e is TaskCanceledException',
  },
  EPIPE: {
    python: 'isinstance(exc, BrokenPipeError)',
    node: "err?.code === 'EPIPE'",
    go: 'errors.Is(err, syscall.EPIPE) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.Errno(10054)) // Windows reports a reset instead',
    java: 'e instanceof SocketException && String.valueOf(e.getMessage()).toLowerCase().contains("broken pipe")',
    csharp: 'HasCode(e, SocketError.Shutdown, SocketError.ConnectionReset, SocketError.ConnectionAborted)',
  },
  EHOSTUNREACH: {
    python: 'isinstance(exc, OSError) and exc.errno == errno.EHOSTUNREACH',
    node: "err?.code === 'EHOSTUNREACH'",
    go: 'errors.Is(err, syscall.EHOSTUNREACH) || errors.Is(err, syscall.Errno(10065))',
    java: 'e instanceof NoRouteToHostException',
    csharp: 'Socket(e)?.SocketErrorCode == SocketError.HostUnreachable',
  },
  ENETUNREACH: {
    python: 'isinstance(exc, OSError) and exc.errno == errno.ENETUNREACH',
    node: "err?.code === 'ENETUNREACH'",
    go: 'errors.Is(err, syscall.ENETUNREACH) || errors.Is(err, syscall.Errno(10051))',
    java: 'e instanceof SocketException && String.valueOf(e.getMessage()).contains("Network is unreachable")',
    csharp: 'Socket(e)?.SocketErrorCode == SocketError.NetworkUnreachable',
  },
  ENETDOWN: {
    python: 'isinstance(exc, OSError) and exc.errno == errno.ENETDOWN',
    node: "err?.code === 'ENETDOWN'",
    go: 'errors.Is(err, syscall.ENETDOWN) || errors.Is(err, syscall.Errno(10050))',
    java: 'e instanceof SocketException && String.valueOf(e.getMessage()).contains("Network is down")',
    csharp: 'Socket(e)?.SocketErrorCode == SocketError.NetworkDown',
  },
  ENETRESET: {
    python: 'isinstance(exc, OSError) and exc.errno == errno.ENETRESET',
    node: "err?.code === 'ENETRESET' || err?.errno === -(os.constants.errno.ENETRESET ?? NaN)",
    go: 'errors.Is(err, syscall.ENETRESET) || errors.Is(err, syscall.Errno(10052))',
    java: 'e instanceof SocketException',
    csharp: 'Socket(e)?.SocketErrorCode == SocketError.NetworkReset',
  },
  EADDRINUSE: {
    python: 'isinstance(exc, OSError) and exc.errno == errno.EADDRINUSE',
    node: "err?.code === 'EADDRINUSE'",
    go: 'errors.Is(err, syscall.EADDRINUSE) || errors.Is(err, syscall.Errno(10048))',
    java: 'e instanceof BindException',
    csharp: 'Socket(e)?.SocketErrorCode == SocketError.AddressAlreadyInUse',
  },
  EADDRNOTAVAIL: {
    python: 'isinstance(exc, OSError) and exc.errno == errno.EADDRNOTAVAIL',
    node: "err?.code === 'EADDRNOTAVAIL'",
    go: 'errors.Is(err, syscall.EADDRNOTAVAIL) || errors.Is(err, syscall.Errno(10049))',
    java: 'e instanceof BindException || (e instanceof SocketException && String.valueOf(e.getMessage()).contains("assign requested address"))',
    csharp: 'Socket(e)?.SocketErrorCode == SocketError.AddressNotAvailable',
  },
  ENOTCONN: {
    python: 'isinstance(exc, OSError) and exc.errno == errno.ENOTCONN',
    node: "err?.code === 'ENOTCONN'",
    go: 'errors.Is(err, syscall.ENOTCONN) || errors.Is(err, syscall.Errno(10057))',
    java: 'e instanceof SocketException && String.valueOf(e.getMessage()).toLowerCase().contains("not connected")',
    csharp: 'Socket(e)?.SocketErrorCode == SocketError.NotConnected',
  },
  ESHUTDOWN: {
    python: 'isinstance(exc, OSError) and exc.errno == errno.ESHUTDOWN',
    node: "err?.code === 'ESHUTDOWN' || err?.code === 'ERR_STREAM_WRITE_AFTER_END'",
    go: 'errors.Is(err, syscall.ESHUTDOWN) || errors.Is(err, syscall.Errno(10058))',
    java: 'e instanceof SocketException && String.valueOf(e.getMessage()).toLowerCase().contains("shutdown")',
    csharp: 'Socket(e)?.SocketErrorCode == SocketError.Shutdown',
  },
  EHOSTDOWN: {
    python: 'isinstance(exc, OSError) and exc.errno == errno.EHOSTDOWN',
    node: "err?.code === 'EHOSTDOWN'",
    go: 'errors.Is(err, syscall.EHOSTDOWN) || errors.Is(err, syscall.Errno(10064))',
    java: 'e instanceof NoRouteToHostException || e instanceof ConnectException',
    csharp: 'Socket(e)?.SocketErrorCode == SocketError.HostDown',
  },
  ENOBUFS: {
    python: 'isinstance(exc, OSError) and exc.errno == errno.ENOBUFS',
    node: "err?.code === 'ENOBUFS'",
    go: 'errors.Is(err, syscall.ENOBUFS) || errors.Is(err, syscall.Errno(10055))',
    java: 'e instanceof SocketException && String.valueOf(e.getMessage()).contains("No buffer space")',
    csharp: 'Socket(e)?.SocketErrorCode == SocketError.NoBufferSpaceAvailable',
  },
  EMFILE: {
    python: 'isinstance(exc, OSError) and exc.errno in (errno.EMFILE, getattr(errno, "WSAEMFILE", None))',
    node: "err?.code === 'EMFILE'",
    go: 'errors.Is(err, syscall.EMFILE) || errors.Is(err, syscall.Errno(10024))',
    java: 'String.valueOf(e.getMessage()).contains("Too many open files")',
    csharp: 'Socket(e)?.SocketErrorCode == SocketError.TooManyOpenSockets',
  },
  EPROTO: {
    python: 'isinstance(exc, ssl.SSLError)',
    node: "err?.code === 'EPROTO'",
    go: 'errors.Is(err, syscall.EPROTO) || errors.As(err, new(tls.RecordHeaderError))',
    java: 'e instanceof javax.net.ssl.SSLException',
    csharp: 'e is System.Security.Authentication.AuthenticationException',
  },
  ENOTFOUND: {
    python: 'isinstance(exc, socket.gaierror) and exc.errno in (socket.EAI_NONAME, getattr(socket, "EAI_NODATA", None))',
    node: "err?.code === 'ENOTFOUND'",
    go: 'errors.As(err, &dnsErr) && dnsErr.IsNotFound // var dnsErr *net.DNSError',
    java: 'e instanceof UnknownHostException',
    csharp: 'HasCode(e, SocketError.HostNotFound, SocketError.NoData)',
  },
  EAI_AGAIN: {
    python: 'isinstance(exc, socket.gaierror) and exc.errno == socket.EAI_AGAIN',
    node: "err?.code === 'EAI_AGAIN'",
    go: 'errors.As(err, &dnsErr) && (dnsErr.IsTemporary || dnsErr.IsTimeout) // var dnsErr *net.DNSError',
    java: 'e instanceof UnknownHostException /* Java does not tell temporary DNS failures apart */',
    csharp: 'Socket(e)?.SocketErrorCode == SocketError.TryAgain',
  },
  TLS_UNEXPECTED_EOF: {
    python: 'isinstance(exc, ssl.SSLEOFError)',
    node: "err?.code === 'ECONNRESET' && /secure TLS connection|socket disconnected/.test(err.message)",
    go: 'errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) // during tls.Conn.Handshake',
    java: 'e instanceof javax.net.ssl.SSLHandshakeException || e instanceof java.io.EOFException',
    csharp: 'e is IOException && e.Message.Contains("unexpected EOF") /* from SslStream.AuthenticateAsClientAsync */',
  },
  EOF: {
    python: 'isinstance(exc, (http.client.RemoteDisconnected, EOFError))  # or sock.recv() returned b""',
    node: "err?.message === 'socket hang up' // Node sets err.code = 'ECONNRESET' here too",
    go: 'errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)',
    java: 'e instanceof java.io.EOFException /* or InputStream.read() returned -1 */',
    csharp: 'e is HttpRequestException && e.InnerException is IOException /* or Socket.Receive returned 0 */',
  },
};

const TEMPLATES: Readonly<Record<SnippetLanguage, string>> = {
  python: `import errno, http.client, random, socket, ssl, time

def is_{{lower}}(exc: BaseException) -> bool:
    # portable: exception classes and errno/socket names, never one OS's number
    return {{detect}}

TRANSIENT = (ConnectionError, TimeoutError)  # reset, refused, aborted, broken pipe, timeout

def connect(host: str, port: int) -> socket.socket:
    sock = socket.create_connection((host, port), timeout=5)  # connect timeout
    sock.settimeout(30)                                        # each read/write
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
    if hasattr(socket, "TCP_KEEPIDLE"):                        # Linux; macOS uses TCP_KEEPALIVE
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, 30)
    return sock

def with_retries(op, attempts=5, base=0.2, cap=10.0):
    """Retry an idempotent operation on transient network errors."""
    for attempt in range(attempts):
        try:
            return op()
        except OSError as exc:
            if is_{{lower}}(exc):
                print(f"{{id}} on attempt {attempt + 1}: {exc}")
            if not isinstance(exc, TRANSIENT) or attempt == attempts - 1:
                raise
            time.sleep(random.uniform(0, min(cap, base * 2 ** attempt)))  # full jitter
`,
  node: `import net from 'node:net';
import os from 'node:os';

// portable: libuv gives err.code the same name on Linux, macOS and Windows
const is{{camel}} = (err) => {{detect}};

const TRANSIENT = new Set(['ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN']);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export function connect(host, port) {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port, keepAlive: true, keepAliveInitialDelay: 30_000 });
    socket.setTimeout(5_000, () => socket.destroy(Object.assign(new Error('connect timed out'), { code: 'ETIMEDOUT' })));
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.setTimeout(30_000); // idle read/write timeout from now on
      resolve(socket);
    });
  });
}

export async function withRetries(op, { attempts = 5, baseMs = 200, capMs = 10_000 } = {}) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await op();
    } catch (err) {
      if (is{{camel}}(err)) console.warn(\`{{id}} on attempt \${attempt + 1}: \${err.message}\`);
      if (!TRANSIENT.has(err?.code) || attempt >= attempts - 1) throw err;
      await sleep(Math.random() * Math.min(capMs, baseMs * 2 ** attempt)); // full jitter
    }
  }
}
`,
  go: `package netretry

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"log"
	"math/rand"
	"net"
	"os"
	"strconv"
	"syscall"
	"time"
)

var (
	_         = tls.VersionTLS12
	_         = io.EOF
	_         = os.ErrDeadlineExceeded
	dnsErr    *net.DNSError
	statusErr *StatusError
)

// StatusError is what op returns for an HTTP error reply: net/http returns no error for one.
type StatusError struct{ Code int }

func (e *StatusError) Error() string { return "HTTP status " + strconv.Itoa(e.Code) }

// Is{{camel}} detects the error on every OS (Windows reports Winsock numbers, not errno).
func Is{{camel}}(err error) bool {
	return {{detect}}
}

func transient(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout() ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNREFUSED) ||
		errors.Is(err, syscall.ECONNABORTED) || errors.Is(err, syscall.EPIPE) ||
		errors.Is(err, syscall.Errno(10054)) || errors.Is(err, syscall.Errno(10061)) || errors.Is(err, syscall.Errno(10053))
}

var dialer = net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}

// Do retries an idempotent operation with exponential backoff and full jitter.
func Do(ctx context.Context, op func(context.Context) error) error {
	return DoN(ctx, 5, 200*time.Millisecond, op)
}

// DoN is Do with the number of attempts and the first backoff chosen by the caller.
func DoN(ctx context.Context, attempts int, base time.Duration, op func(context.Context) error) error {
	const maxDelay = 10 * time.Second
	for attempt := 0; ; attempt++ {
		opCtx, cancel := context.WithTimeout(ctx, 30*time.Second) // whole-operation timeout
		err := op(opCtx)
		cancel()
		if err == nil {
			return nil
		}
		if Is{{camel}}(err) {
			log.Printf("{{id}} on attempt %d: %v", attempt+1, err)
		}
		if !transient(err) || attempt == attempts-1 {
			return err
		}
		backoff := base << attempt
		if backoff > maxDelay { // no min(): builds with Go before 1.21 too
			backoff = maxDelay
		}
		select {
		// full jitter; math/rand is seeded at random since Go 1.20 (before: rand.Seed once at start)
		case <-time.After(time.Duration(rand.Int63n(int64(backoff)))):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}
`,
  java: `import java.io.IOException;
import java.net.*;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;

final class NetRetry {
    // Java has no portable errno: detect by exception type (and the JDK's own message text).
    static boolean is{{camel}}(IOException e) {
        return {{detect}};
    }

    static Socket connect(String host, int port) throws IOException {
        Socket s = new Socket();
        s.setKeepAlive(true);                                    // SO_KEEPALIVE
        s.connect(new InetSocketAddress(host, port), 5_000);     // connect timeout
        s.setSoTimeout(30_000);                                  // read timeout
        return s;
    }

    /** Retries an idempotent operation on transient network errors, exponential backoff + full jitter. */
    static <T> T withRetries(Callable<T> op) throws Exception {
        return withRetries(op, 5, 200);
    }

    static <T> T withRetries(Callable<T> op, int attempts, long baseMs) throws Exception {
        final long capMs = 10_000;
        for (int attempt = 0; ; attempt++) {
            try {
                return op.call();
            } catch (IOException e) {
                if (is{{camel}}(e)) System.err.println("{{id}} on attempt " + (attempt + 1) + ": " + e);
                boolean transientError = e instanceof SocketException || e instanceof SocketTimeoutException;
                if (!transientError || attempt == attempts - 1) throw e;
                long backoff = Math.min(capMs, baseMs << attempt);
                Thread.sleep(ThreadLocalRandom.current().nextLong(backoff + 1));
            }
        }
    }
}
`,
  csharp: `using System;
using System.IO;
using System.Net.Http;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

// C# 7.3 syntax on purpose: it builds with every compiler from the .NET Framework's to .NET 8's.
static class NetRetry
{
    // The SocketException somewhere in the chain (HttpRequestException -> IOException -> SocketException).
    static SocketException Socket(Exception e)
    {
        for (; e != null; e = e.InnerException) if (e is SocketException se) return se;
        return null;
    }

    // SocketErrorCode is the same enum on every OS (10054 on Windows, 104 on Linux, 54 on macOS all map to it).
    static bool HasCode(Exception e, params SocketError[] codes)
    {
        var se = Socket(e);
        return se != null && Array.IndexOf(codes, se.SocketErrorCode) >= 0;
    }

    public static bool Is{{camel}}(Exception e) => {{detect}};

    static bool Transient(Exception e) =>
        HasCode(e, SocketError.ConnectionReset, SocketError.ConnectionRefused, SocketError.ConnectionAborted,
            SocketError.TimedOut, SocketError.Shutdown, SocketError.TryAgain)
        || e is HttpRequestException || e is IOException;

    // .NET Core 2.1+ / .NET 5+: SocketsHttpHandler (on the .NET Framework: HttpClientHandler and ServicePoint settings)
    public static readonly HttpClient Http = new HttpClient(new SocketsHttpHandler
    {
        ConnectTimeout = TimeSpan.FromSeconds(5),
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30), // below the server's keep-alive timeout
        KeepAlivePingDelay = TimeSpan.FromSeconds(30),           // HTTP/2 keepalive pings (.NET 5+)
    }) { Timeout = TimeSpan.FromSeconds(30) };

    public static async Task<T> WithRetries<T>(Func<CancellationToken, Task<T>> op, CancellationToken ct = default(CancellationToken))
    {
        const int attempts = 5;
        var baseDelay = TimeSpan.FromMilliseconds(200);
        var cap = TimeSpan.FromSeconds(10);
        for (var attempt = 0; ; attempt++)
        {
            try { return await op(ct); }
            catch (Exception e) when (attempt < attempts - 1 && Transient(e))
            {
                if (Is{{camel}}(e)) Console.Error.WriteLine($"{{id}} on attempt {attempt + 1}: {e.Message}");
                var backoff = Math.Min(cap.TotalMilliseconds, baseDelay.TotalMilliseconds * Math.Pow(2, attempt));
                // full jitter; Random.Shared is thread-safe (.NET 6+; before: one Random per thread)
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * backoff), ct);
            }
        }
    }
}
`,
};

function camel(id: string): string {
  return id
    .toLowerCase()
    .split('_')
    .map((w) => (w ? w[0]?.toUpperCase() + w.slice(1) : w))
    .join('');
}

export function renderSnippet(language: SnippetLanguage, errorId: string): string {
  const detect = DETECT[errorId]?.[language] ?? DETECT.ECONNRESET?.[language] ?? 'false';
  return TEMPLATES[language]
    .replaceAll('{{detect}}', detect)
    .replaceAll('{{lower}}', errorId.toLowerCase())
    .replaceAll('{{camel}}', camel(errorId))
    .replaceAll('{{id}}', errorId);
}
