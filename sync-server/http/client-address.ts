import type { IncomingMessage } from 'node:http';

/**
 * The address a request came from, for the per-address rate limits. Behind a load balancer
 * every device shares the balancer's address, so with TRUST_PROXY=true the last
 * X-Forwarded-For entry is used: the one the balancer itself appended (earlier entries are
 * whatever the client wrote). Without it the header is ignored, since anyone can send it.
 */
export function clientAddress(req: IncomingMessage | undefined, trustProxy: boolean): string {
	const peer = req?.socket?.remoteAddress ?? 'unknown';
	if (!trustProxy) return peer;
	const forwarded = req?.headers['x-forwarded-for'];
	const last = (Array.isArray(forwarded) ? forwarded.at(-1) : forwarded)?.split(',').at(-1)?.trim();
	return last || peer;
}

/** The same for a Hono request served by @hono/node-server (the Node request is c.env.incoming). */
export const requestAddress = (c: { env: unknown }, trustProxy: boolean) =>
	clientAddress((c.env as { incoming?: IncomingMessage }).incoming, trustProxy);
