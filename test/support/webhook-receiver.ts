import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a receiver got: its headers and its raw body, exactly as sent. */
export interface Received {
  headers: IncomingHttpHeaders;
  raw: string;
  body: { id: string; type: string; occurredAt: string; tenant: string; data: Record<string, any> };
}

/**
 * A real HTTP receiver on 127.0.0.1 for webhook deliveries: it records every request and answers the statuses
 * it is told, in order (then the last one again).
 */
export async function startReceiver() {
  const received: Received[] = [];
  const arrivedAt: number[] = [];
  let statuses: number[] = [200];
  let holdMs = 0;
  let gate: Promise<void> | undefined;
  let answered = 0;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      received.push({ headers: request.headers, raw, body: JSON.parse(raw) });
      arrivedAt.push(Date.now());
      const status = statuses.length > 1 ? (statuses.shift() as number) : (statuses[0] as number);
      const answer = () => {
        answered += 1;
        response.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'no');
      };
      const held = () => setTimeout(answer, holdMs);
      if (gate) void gate.then(held);
      else held();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/gridsafe`,
    received,
    answer(...next: number[]) {
      statuses = next;
    },
    /** Answer each request only after `ms`, as a slow receiver does. */
    hold(ms: number) {
      holdMs = ms;
    },
    /** Answer nothing until the function answered is called (a receiver that is still thinking). */
    holdUntilReleased(): () => void {
      let release = () => {};
      gate = new Promise<void>((resolve) => {
        release = () => {
          gate = undefined;
          resolve();
        };
      });
      return release;
    },
    /** How many requests have been answered so far. */
    answered: () => answered,
    /** When each request arrived (Date.now()), in the order of `received`. */
    arrivedAt,
    /** Waits until an event of `type` has arrived and answers it; throws after `timeoutMs`. */
    async waitForEvent(type: string, timeoutMs: number): Promise<Received> {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const found = received.find((delivery) => delivery.body.type === type);
        if (found) return found;
        if (Date.now() > until) throw new Error(`no ${type} delivery arrived within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    /** Waits until `count` requests have arrived; throws after `timeoutMs`. */
    async waitFor(count: number, timeoutMs: number) {
      const until = Date.now() + timeoutMs;
      while (received.length < count) {
        if (Date.now() > until)
          throw new Error(`${received.length} of ${count} deliveries arrived within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * The receiver's check, written from docs/exchange.md alone (not with Gridsafe's own code): HMAC-SHA256 keyed with
 * the secret over "<x-gridsafe-timestamp>.<raw body>", lowercase hex, after "sha256=", compared in constant time,
 * and the timestamp within 5 minutes of `nowSeconds`.
 */
export function verifiedByDocs(secret: string, delivery: Received, nowSeconds: number): boolean {
  const timestamp = String(delivery.headers['x-gridsafe-timestamp'] ?? '');
  const signature = String(delivery.headers['x-gridsafe-signature'] ?? '');
  if (!/^\d+$/.test(timestamp) || Math.abs(nowSeconds - Number(timestamp)) > 300) return false;
  const expected = `sha256=${createHmac('sha256', secret).update(`${timestamp}.${delivery.raw}`).digest('hex')}`;
  return (
    expected.length === signature.length && timingSafeEqual(Buffer.from(expected), Buffer.from(signature))
  );
}
