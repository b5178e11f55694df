// A delaying TCP proxy for the namespace tests (there is no `tc netem` on these machines).
// Usage: node delay-proxy.mjs LISTEN_ADDR LISTEN_PORT TARGET_ADDR TARGET_PORT DELAY_MS
// Each accepted connection is forwarded to the target; every chunk is held DELAY_MS before it is
// passed on, in each direction, in order. FIN and RST are passed on after the same delay, so a
// client sees the server's close (or reset) as it would through a slow path. It adds latency to
// data only: the TCP handshake with the client is the proxy's own and is not delayed.
import net from 'node:net';

const [listenAddr, listenPort, targetAddr, targetPort, delayText] = process.argv.slice(2);
const delayMs = Number(delayText);

/** Pipes `from` into `to`, each chunk and the end (or reset) delayed by delayMs. */
function delayedPipe(from, to) {
  from.on('data', (chunk) => setTimeout(() => to.destroyed || to.write(chunk), delayMs));
  from.on('end', () => setTimeout(() => to.destroyed || to.end(), delayMs));
  from.on('error', () => setTimeout(() => to.destroyed || to.resetAndDestroy(), delayMs));
}

// half-open on both sides: a FIN from one side must not cut off the other side's delayed data
const server = net.createServer({ allowHalfOpen: true }, (client) => {
  const upstream = net.connect({ host: targetAddr, port: Number(targetPort), allowHalfOpen: true });
  client.on('error', () => undefined);
  upstream.on('error', () => undefined);
  // upstream refused or unreachable: the client sees a reset, as a transparent path would show it
  upstream.once('error', () => client.destroyed || client.resetAndDestroy());
  upstream.once('connect', () => {
    delayedPipe(client, upstream);
    delayedPipe(upstream, client);
  });
});
server.listen(Number(listenPort), listenAddr);
process.on('SIGTERM', () => process.exit(0));
