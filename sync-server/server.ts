import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { WebSocketServer } from 'ws';
import { MAX_FRAME_BYTES } from '../shared/protocol/frame';
import type { Config } from './config';
import { ed25519PrivateKey } from './crypto/ed25519';
import { createApp } from './http/app';
import { Ingest } from './ingest/ingest';
import type { Ledger } from './ledger/ledger';
import { openLedger } from './ledger/open';
import { createLogger, type Logger } from './logger';
import { handleConnection } from './transport/connection';
import { DeviceConnections } from './transport/device-connections';
import { KeyedRateLimiter } from './transport/rate-limit';
import { VenueHub, venueKey } from './transport/venue-hub';
import { CLOSE } from '../shared/sync/socket';

export const SYNC_PATH = '/sync';

export interface RunningServer {
	url: string;
	port: number;
	ledger: Ledger;
	close(): Promise<void>;
}

/** Opens the ledger, then serves HTTP and the sync WebSocket on one port. */
export async function startServer(config: Config, log: Logger = createLogger(undefined, config.quiet)): Promise<RunningServer> {
	const ledger = await openLedger({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
	const serverKeys = await ledger.serverKeys();
	const serverSignKey = ed25519PrivateKey(serverKeys.sign.secretKey);
	const ingest = new Ingest(ledger, serverSignKey);
	const connections = new DeviceConnections();
	const venues = new VenueHub();
	ingest.onCommitted((u) => venues.publish(venueKey(u.siteCode, u.serviceDay), u.deviceId, u.batchId, u.update));
	const app = createApp({ config, ledger, serverKeys, log, connections });

	const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
	const byteBudget = { burst: config.connectionByteBurst, perSecond: config.connectionBytesPerSecond };
	wss.on('connection', (ws) => handleConnection(ws, { ledger, ingest, serverKeys, serverSignKey, log, handshakeTimeoutMs: 10_000, connections, venues, byteBudget, devicePolicy: config.devicePolicy }));
	const handshakes = new KeyedRateLimiter(config.handshakeBurst, config.handshakesPerSecond);

	const http = await new Promise<ReturnType<typeof serve>>((resolve) => {
		const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () => resolve(s));
	});
	http.on('upgrade', (req, socket, head) => {
		// Compared as a string: parsing a hostile request target must not be able to throw here,
		// outside any request handler.
		const path = (req.url ?? '').split('?')[0];
		if (path !== SYNC_PATH) {
			socket.destroy();
			return;
		}
		const limited = !handshakes.take(req.socket.remoteAddress ?? 'unknown');
		wss.handleUpgrade(req, socket, head, (ws) => {
			// Refused inside the WebSocket, so the device reads a close code it backs off on.
			if (limited) ws.close(CLOSE.RATE_LIMITED, 'too many new connections');
			else wss.emit('connection', ws, req);
		});
	});

	const port = (http.address() as AddressInfo).port;
	const shownHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
	return {
		url: `http://${shownHost}:${port}`,
		port,
		ledger,
		close: async () => {
			for (const client of wss.clients) client.terminate();
			wss.close();
			await new Promise<void>((resolve) => {
				http.close(() => resolve());
				(http as import('node:http').Server).closeAllConnections?.();
			});
			await ledger.db.close();
		}
	};
}
