// Exits 0 once addr:port accepts a TCP connection, 1 after the deadline. Run inside a namespace by
// the harness (the test runner's own sockets live outside the namespaces and cannot reach them).
import net from 'node:net';

const [addr, portText, timeoutText] = process.argv.slice(2);
const port = Number(portText);
const deadline = Date.now() + Number(timeoutText ?? 10_000);

function attempt() {
  const socket = net.connect({ host: addr, port });
  socket.setTimeout(1_000);
  socket.once('connect', () => {
    socket.destroy();
    process.exit(0);
  });
  const retry = () => {
    socket.destroy();
    if (Date.now() >= deadline) process.exit(1);
    setTimeout(attempt, 50);
  };
  socket.once('error', retry);
  socket.once('timeout', retry);
}
attempt();
