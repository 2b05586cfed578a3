import { createServer, connect, type Server, type Socket } from 'node:net';

export interface Chaos {
	random: () => number;
	/** Each chunk, in either direction, waits up to this long before it is forwarded. */
	maxDelayMs: number;
	/**
	 * Every this-many-th chunk through the proxy (either direction, all connections counted
	 * together) is forwarded only in part, and then both sides are cut. A count, not a chance:
	 * a run sees a known number of cuts whatever the seed (a chance of 1 in 20 once gave a run
	 * of 180 doses only 4 cuts). Where in the chunk the cut falls is drawn from `random`.
	 */
	cutEvery: number;
}

export interface TcpProxy {
	url: string;
	port: number;
	/** Connections forwarded, chunks forwarded under chaos, connections cut by it, and refused while paused, so far. */
	stats: { connections: number; chunks: number; cuts: number; refused: number };
	/** Resolves once this many connections in all have been refused while paused. */
	refusals(n: number): Promise<void>;
	/** Where new connections go from now on (a load balancer moving traffic to another process). */
	setTarget(port: number): void;
	/**
	 * New connections wait, accepted but not forwarded, until the next setTarget(): a balancer
	 * holding requests while its backend restarts, so devices do not back off for long.
	 */
	hold(): void;
	/**
	 * A link that dies silently (Wi-Fi gone, no FIN, no RST): open connections stay open but carry
	 * nothing either way, and new ones are held, until the next setTarget().
	 */
	blackhole(): void;
	/** Drops every open connection, and refuses new ones until resume(). */
	pause(): void;
	resume(): void;
	setChaos(chaos: Chaos | null): void;
	close(): Promise<void>;
}

/**
 * A tiny TCP proxy on 127.0.0.1, between devices and a server (or a server and PostgreSQL). It
 * forwards bytes as they come, in order, and with chaos set delays them and cuts connections in
 * the middle of a chunk, so a WebSocket frame or a query arrives half-written.
 */
export async function startTcpProxy(targetPort: number, initialChaos: Chaos | null = null): Promise<TcpProxy> {
	let target: number | null = targetPort;
	const held: Socket[] = [];
	let chaos = initialChaos;
	let paused = false;
	let dropping = false;
	const open = new Set<Socket>();
	const stats = { connections: 0, chunks: 0, cuts: 0, refused: 0 };
	const refusalWaiters: (() => void)[] = [];

	const pipe = (from: Socket, to: Socket, cut: () => void) => {
		// One chain per direction keeps the bytes in order whatever each chunk's delay.
		let chain = Promise.resolve();
		from.on('data', (chunk: Buffer) => {
			if (dropping) return;
			const c = chaos;
			const delay = c ? Math.floor(c.random() * c.maxDelayMs) : 0;
			const cutHere = c ? ++stats.chunks % c.cutEvery === 0 : false;
			const part = cutHere ? Math.floor(c!.random() * chunk.length) : chunk.length;
			chain = chain.then(async () => {
				if (delay > 0) await new Promise((r) => setTimeout(r, delay));
				if (to.destroyed) return;
				to.write(chunk.subarray(0, part));
				if (cutHere) cut();
			});
		});
	};

	const forward = (client: Socket, port: number) => {
		stats.connections++;
		const upstream = connect(port, '127.0.0.1');
		open.add(client);
		open.add(upstream);
		const close = () => {
			client.destroy();
			upstream.destroy();
			open.delete(client);
			open.delete(upstream);
		};
		const cut = () => {
			stats.cuts++;
			close();
		};
		for (const s of [client, upstream]) {
			s.on('error', close);
			s.on('close', close);
		}
		pipe(client, upstream, cut);
		pipe(upstream, client, cut);
	};

	const server: Server = createServer((client) => {
		if (paused) {
			stats.refused++;
			for (const w of refusalWaiters.splice(0)) w();
			return client.destroy();
		}
		if (target !== null) return forward(client, target);
		// Unread until forwarded: what the client sends meanwhile waits in the socket's buffer.
		client.on('error', () => client.destroy());
		held.push(client);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const port = (server.address() as { port: number }).port;
	return {
		url: `http://127.0.0.1:${port}`,
		port,
		stats,
		refusals: (n) =>
			new Promise((resolve) => {
				const check = () => (stats.refused >= n ? resolve() : refusalWaiters.push(check));
				check();
			}),
		setTarget: (p) => {
			target = p;
			dropping = false;
			for (const c of held.splice(0)) if (!c.destroyed) forward(c, p);
		},
		hold: () => {
			target = null;
		},
		blackhole: () => {
			dropping = true;
			target = null;
		},
		pause: () => {
			paused = true;
			for (const s of open) s.destroy();
			open.clear();
		},
		resume: () => {
			paused = false;
		},
		setChaos: (c) => {
			chaos = c;
		},
		close: async () => {
			for (const s of [...open, ...held]) s.destroy();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		}
	};
}
