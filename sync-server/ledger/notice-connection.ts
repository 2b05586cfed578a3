import pg from 'pg';

/** A dedicated PostgreSQL session that LISTENs on some channels. */
export interface NoticeConnection {
	end(): Promise<void>;
}

const CHANNEL = /^[a-z_][a-z0-9_]*$/;

/**
 * Opens one session outside the pool (a LISTEN ends with its session, so it cannot live in the
 * pool) and listens on the channels before it resolves. onLost is called when the session
 * errs or ends: without an error listener a dropped connection would crash the process. When
 * connecting or listening fails the session is ended and the promise rejects.
 */
export async function openNoticeConnection(o: {
	connectionString: string;
	channels: readonly string[];
	onNotice: (channel: string, payload: string) => void;
	onLost: () => void;
}): Promise<NoticeConnection> {
	const bad = o.channels.find((c) => !CHANNEL.test(c));
	if (bad !== undefined) throw new Error(`not a channel name: ${JSON.stringify(bad)}`);
	const client = new pg.Client({ connectionString: o.connectionString });
	client.on('error', o.onLost);
	client.on('end', o.onLost);
	client.on('notification', (n) => o.onNotice(n.channel, n.payload ?? ''));
	try {
		await client.connect();
		await client.query(o.channels.map((c) => `LISTEN ${c};`).join(' '));
	} catch (e) {
		await client.end().catch(() => undefined);
		throw e;
	}
	return { end: () => client.end() };
}
