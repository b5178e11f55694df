// The server of the locate tests (run in the server namespace): answers "ok <bytes>\n" to every
// chunk, and resets the connection (SO_LINGER 0 via resetAndDestroy) when a chunk contains RESETME.
import net from 'node:net';

const port = Number(process.argv[2]);
const server = net.createServer((socket) => {
  socket.on('error', () => undefined);
  socket.on('data', (chunk) => {
    if (chunk.includes('RESETME')) socket.resetAndDestroy();
    else socket.write(`ok ${chunk.length}\n`);
  });
});
// '::' takes IPv4 too (dual stack)
server.listen(port, '::', () => console.log('listening'));
process.on('SIGTERM', () => process.exit(0));
