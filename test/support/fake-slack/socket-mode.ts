// Socket Mode's WebSocket on /socket: the handshake and Slack's hello.
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { WsConnection } from './websocket.js';

/**
 * Accepts a WebSocket upgrade on /socket (else answers 400 and returns undefined), hands the
 * connection to `onOpen`, then says hello as Slack does.
 */
export function acceptSocketMode(
  req: IncomingMessage,
  socket: Socket,
  head: Buffer,
  onText: (text: string) => void,
  onOpen: (ws: WsConnection) => void,
): WsConnection | undefined {
  const key = req.headers['sec-websocket-key'];
  if (!req.url?.startsWith('/socket') || typeof key !== 'string') {
    socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
    return undefined;
  }
  const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
  socket.write(['HTTP/1.1 101 Switching Protocols', 'Upgrade: websocket', 'Connection: Upgrade', `Sec-WebSocket-Accept: ${accept}`, '', ''].join('\r\n'));
  const ws = new WsConnection(socket, onText);
  onOpen(ws);
  if (head.length) ws.feed(head);
  ws.sendText(
    JSON.stringify({
      type: 'hello',
      num_connections: 1,
      debug_info: { host: 'fake-slack', build_number: 1, approximate_connection_time: 18060 },
      connection_info: { app_id: 'A0SSBTEK' },
    }),
  );
  return ws;
}
