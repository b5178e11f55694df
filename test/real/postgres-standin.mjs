// A stand-in for a PostgreSQL server's startup protocol, run as its own process by the tests
// (node postgres-standin.mjs PORT AUTH_TIMEOUT_MS). It does what a real backend does before
// authentication (postgres src/backend/tcop/backend_startup.c, ProcessStartupPacket): reads a
// 4-byte length; a length under 8 or over 10000 is "invalid length of startup packet" and the
// connection is closed without a reply; an SSLRequest (80877103) or GSSENCRequest (80877104) is
// answered 'N'; a StartupMessage (protocol 3.0) gets a FATAL ErrorResponse (no such role) and a
// close; a client that sends nothing is closed after authentication_timeout.
import { createServer } from 'node:net';

const port = Number(process.argv[2]);
const authTimeoutMs = Number(process.argv[3] ?? 60_000);
const MAX_STARTUP_PACKET_LENGTH = 10_000;

function errorResponse(message) {
  const fields = Buffer.from(`SFATAL\0VFATAL\0C28000\0M${message}\0\0`, 'utf8');
  const head = Buffer.alloc(5);
  head.write('E', 0);
  head.writeUInt32BE(fields.length + 4, 1);
  return Buffer.concat([head, fields]);
}

const server = createServer((socket) => {
  socket.on('error', () => undefined);
  const timer = setTimeout(() => socket.end(), authTimeoutMs);
  socket.on('close', () => clearTimeout(timer));
  let buffered = Buffer.alloc(0);
  socket.on('data', (chunk) => {
    buffered = Buffer.concat([buffered, chunk]);
    while (buffered.length >= 4) {
      const length = buffered.readUInt32BE(0);
      if (length < 8 || length > MAX_STARTUP_PACKET_LENGTH) {
        socket.end(); // "invalid length of startup packet": no reply
        return;
      }
      if (buffered.length < length) return;
      const code = buffered.readUInt32BE(4);
      buffered = buffered.subarray(length);
      if (code === 80877103 || code === 80877104) {
        socket.write('N');
        continue;
      }
      socket.end(errorResponse('role "connreset" does not exist'));
      return;
    }
  });
});
server.listen(port, '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
