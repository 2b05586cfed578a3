import { randomBytes } from 'node:crypto';
import type { IncomingMessage, Server, ServerOptions as NodeServerOptions, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Hono } from 'hono';
import { WebSocketServer } from 'ws';
import { MAX_FRAME_BYTES } from '#shared/protocol/frame';
import type { Config, HttpTimeouts } from './config';
import { createApp } from './http/app';
import { isRegisterUpload } from './http/office/register-routes';
import { clientAddress } from './http/client-address';
import { Ingest } from './ingest/ingest';
import { SignatureVerifier } from './crypto/signature-verifier';
import type { Ledger } from './ledger/ledger';
import { openLedgerWithSecrets } from './secrets/open';
import type { ServerKeyring } from './secrets/server-keyring';
import { createLogger, type Logger } from './logger';
import { DiskGuard } from './ledger/disk-guard';
import { checkReadiness } from './ledger/health';
import { TroubleLog } from './ledger/trouble-log';
import { Accounts } from './office/accounts';
import { Catalogs } from './catalog/catalogs';
import { Reconciler } from './reconciliation/reconciler';
import { handleConnection } from './transport/connection';
import { DeviceConnections } from './transport/device-connections';
import { KeyedRateLimiter } from './transport/rate-limit';
import { VenueHub, venueKey } from './transport/venue-hub';
import { MASTER_CHANNEL, VenueNotify, withApplicationName } from './transport/venue-notify';
import { CLOSE } from '#shared/sync/socket';

export const SYNC_PATH = '/sync';

export interface RunningServer {
	url: string;
	port: number;
	ledger: Ledger;
	/** The server's key pairs by generation (sealed in the ledger with the key file). */
	keyring: ServerKeyring;
	accounts: Accounts;
	/** Runs the reconciliation rules after each commit. */
	reconciler: Reconciler;
	/** The HTTP app (its route table is what the role test walks). */
	app: Hono;
	/** The ledger's free-space guard. */
	disk: DiskGuard;
	/** The first-run token while no back-office account exists. */
	setupToken(): string | null;
	close(): Promise<void>;
}

/** What a test may put in place of the real thing. */
export interface ServerOptions {
	/** The server's clock (epoch ms): today's date in Japan for ingest, the time in the welcome. */
	now?: () => number;
}

/** Opens the ledger, then serves HTTP and the sync WebSocket on one port. */
export async function startServer(
	config: Config,
	log: Logger = createLogger(undefined, config.logLevel),
	options: ServerOptions = {}
): Promise<RunningServer> {
	const now = options.now ?? Date.now;
	// On PostgreSQL each process names its sessions, so it can tell its own update notices apart.
	const origin = `vacc-sync-${randomBytes(6).toString('hex')}`;
	const databaseUrl = config.databaseUrl && withApplicationName(config.databaseUrl, origin);
	// The key file (SERVER_KEY_FILE) opens the server's keys and TOTP secrets; refused when it is
	// readable by others or belongs to another ledger.
	const guard = config.ledgerGuard;
	const pglite = {
		callTimeoutMs: guard.callTimeoutMs,
		testHooks: guard.testHooks,
		onHealthChange: (h: { ok: boolean; reason?: string }) =>
			h.ok
				? log.warn('ledger answers again')
				: log.error('ledger not answering; its thread is ended and reopened', { reason: h.reason })
	};
	const { ledger, keyring, sealer } = await openLedgerWithSecrets({
		databaseUrl,
		dataDir: config.dataDir,
		serverKeyFile: config.serverKeyFile,
		pglite
	});
	// Below the free-space threshold no update is taken (devices back off on LEDGER_FULL).
	const disk = new DiskGuard({
		dataDir: config.databaseUrl ? null : config.dataDir,
		thresholdBytes: guard.diskFreeMinBytes,
		trouble: new TroubleLog(log)
	});
	await disk.start();
	// The vaccine catalogue: version 1 from the built-in default on a new ledger, then whatever the back office stores.
	const catalogs = new Catalogs(ledger);
	await catalogs.seed();
	// Device signatures are checked on a thread of their own, a group at a time (Ingest.submit).
	const ingest = new Ingest(ledger, catalogs, now, new SignatureVerifier());
	const connections = new DeviceConnections();
	const venues = new VenueHub();
	ingest.onCommitted((u) => venues.publish(venueKey(u.siteCode, u.serviceDay), u.deviceId, u.batchId, u.update));
	// Scale-out: what the other processes on this PostgreSQL commit reaches this one's devices.
	const notices = config.databaseUrl
		? await VenueNotify.start({
				databaseUrl: config.databaseUrl,
				origin,
				db: ledger.db,
				log,
				onUpdate: (u) => {
					venues.publish(venueKey(u.siteCode, u.serviceDay), u.deviceId, u.batchId, u.update);
					void ingest
						.absorb(u.batchId, u.update)
						.catch((e: unknown) => log.warn('could not apply a remote update', { error: String(e) }));
				},
				onMastersChanged: () => connections.sendMastersToAll()
			})
		: null;
	// Lots and the vaccine catalogue are the master data devices hold: after any committed change
	// to either (a trigger notifies, migration 0012), every connected device gets them again.
	// PostgreSQL: VenueNotify above hears every process's notices; PGlite hears its own here.
	const stopMasterNotices = notices
		? null
		: ((await ledger.db.listen?.(MASTER_CHANNEL, () => connections.sendMastersToAll())) ?? null);
	// Reconciliation rules after each committed update, outside the ingest transaction.
	const reconciler = new Reconciler(ledger.db, config.municipality, log, catalogs);
	ingest.onCommitted((u) => reconciler.batchChanged(u.batchId));
	const accounts = new Accounts(ledger.db, config.office, sealer);
	// First run: while no back-office account exists, a one-time token (printed by `npm start`)
	// lets the person who installed the server create the first admin in the browser.
	let setupToken: string | null = (await accounts.count()) === 0 ? randomBytes(18).toString('base64url') : null;
	const setup = { token: () => setupToken, done: () => void (setupToken = null) };
	const readiness = () => checkReadiness({ db: ledger.db, disk, notices, probeTimeoutMs: guard.readyTimeoutMs });
	const app = createApp({
		config,
		ledger,
		catalogs,
		log,
		connections,
		accounts,
		setup,
		reconciler,
		readiness,
		troubles: disk
	});

	const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
	const byteBudget = { burst: config.connectionByteBurst, perSecond: config.connectionBytesPerSecond };
	wss.on('connection', (ws) =>
		handleConnection(ws, {
			ledger,
			catalogs,
			ingest,
			keyring,
			log,
			handshakeTimeoutMs: 10_000,
			connections,
			venues,
			byteBudget,
			disk,
			now,
			onRefused: (batchId) => reconciler.batchChanged(batchId),
			devicePolicy: config.devicePolicy
		})
	);
	const handshakes = new KeyedRateLimiter(config.handshakeBurst, config.handshakesPerSecond);

	const http = await new Promise<ReturnType<typeof serve>>((resolve) => {
		const s = serve(
			{ fetch: app.fetch, port: config.port, hostname: config.host, serverOptions: httpServerOptions(config.http) },
			() => resolve(s)
		);
	});
	boundRequestTime(http as Server, config.http);
	http.on('upgrade', (req, socket, head) => {
		// Compared as a string: parsing a hostile request target must not be able to throw here,
		// outside any request handler.
		const path = (req.url ?? '').split('?')[0];
		if (path !== SYNC_PATH) {
			socket.destroy();
			return;
		}
		const limited = !handshakes.take(clientAddress(req, config.trustProxy));
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
		keyring,
		accounts,
		reconciler,
		app,
		disk,
		setupToken: setup.token,
		close: async () => {
			disk.stop();
			for (const client of wss.clients) client.terminate();
			wss.close();
			await new Promise<void>((resolve) => {
				http.close(() => resolve());
				(http as Server).closeAllConnections?.();
			});
			await notices?.close();
			await stopMasterNotices?.();
			await reconciler.stop();
			await ingest.close();
			await ledger.db.close();
		}
	};
}

/**
 * Node's own bounds: the headers (HTTP_HEADERS_TIMEOUT_SECONDS) and the whole request, set to
 * the longest any request may take (the register upload); boundRequestTime holds every other
 * request to the shorter HTTP_REQUEST_TIMEOUT_SECONDS. Node checks them every
 * connectionsCheckingInterval (30 s by default, which would let a 10 s bound run to 40 s).
 */
function httpServerOptions(t: HttpTimeouts): NodeServerOptions {
	return {
		headersTimeout: t.headersMs,
		requestTimeout: t.uploadMs,
		keepAliveTimeout: t.keepAliveMs,
		connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(t.headersMs / 4)))
	};
}

/**
 * Every request but the register upload must have arrived whole (headers and body) within
 * HTTP_REQUEST_TIMEOUT_SECONDS of its headers, or its socket is destroyed: a client dripping a
 * body holds a socket for a minute, not for the upload's quarter of an hour. Only receiving is
 * bounded: a request received whole may take as long as its answer needs (an export).
 * WebSocket upgrades never emit 'request': the sync socket is not bounded here.
 */
function boundRequestTime(server: Server, t: HttpTimeouts): void {
	// Keep-alive applies between requests only (Node resets it per request); set here too, as
	// not every Node version takes it from the options.
	server.keepAliveTimeout = t.keepAliveMs;
	server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
		if (req.complete || isRegisterUpload(req.method ?? '', (req.url ?? '').split('?')[0] ?? '')) return;
		const timer = setTimeout(() => {
			if (!req.complete) req.socket.destroy();
		}, t.requestMs);
		timer.unref();
		// Answered and received whole: nothing left to bound. Answered early (a refusal) while the
		// body still trickles in: the timer stays and ends it.
		res.once('finish', () => {
			if (req.complete) clearTimeout(timer);
		});
	});
}
