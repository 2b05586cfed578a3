import { isAbsolute, relative, resolve, sep } from 'node:path';
import { isValidMunicipalityCode } from '#shared/index';
import {
	DEFAULT_PING_SECONDS,
	MAX_PING_SECONDS,
	MIN_PING_SECONDS,
	PIN_MAX_DIGITS,
	PIN_MIN_DIGITS,
	type DevicePolicy
} from '#shared/protocol/messages';
import { LOG_LEVELS, type LogLevel } from './logger';
import type { SessionPolicy } from './office/accounts';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

export interface Config {
	port: number;
	host: string;
	dataDir: string;
	databaseUrl: string | undefined;
	/**
	 * The key-encryption key (32 bytes, mode 0600) that seals the server's secret keys and TOTP
	 * secrets in the ledger; made on the first start. Outside DATA_DIR, so a copy of the data
	 * directory does not carry it (sync-server/secrets/).
	 */
	serverKeyFile: string;
	/** The deployment's municipality (tenant), 6-digit 全国地方公共団体コード. */
	municipality: string;
	/** Its name as printed on papers for residents (接種記録の証明); empty when not set. */
	municipalityName: string;
	/** Back-office sessions and login lockout. */
	office: SessionPolicy;
	/** Behind a load balancer: take the client's address from the last X-Forwarded-For entry (for the rate limits). */
	trustProxy: boolean;
	/** Login attempts allowed per remote address: burst, then per minute (on top of the per-account lockout). */
	loginBurst: number;
	loginsPerMinute: number;
	/** Marks the session cookie Secure (HTTPS only). On by default; off only when serving plain HTTP on loopback. */
	cookieSecure: boolean;
	/** Directory of the built PWA. */
	staticDir: string;
	enrolmentTtlMinutes: number;
	/** New sync handshakes allowed per remote address: burst, then per second. */
	handshakeBurst: number;
	handshakesPerSecond: number;
	/** Bytes a device may send per connection: burst, then per second. */
	connectionByteBurst: number;
	connectionBytesPerSecond: number;
	/** Imposed on every device at each connection. */
	devicePolicy: DevicePolicy;
	/** The least severe log level written (LOG_LEVEL). */
	logLevel: LogLevel;
	/** How long a client may take to send a request (see HttpTimeouts). */
	http: HttpTimeouts;
	/** The ledger's health bounds and free-space guard (README, "Disk and a stuck ledger"). */
	ledgerGuard: LedgerGuardConfig;
}

export interface LedgerGuardConfig {
	/** Longest the embedded ledger's thread may stay silent while calls wait before it is declared stuck and reopened (LEDGER_TIMEOUT_SECONDS). */
	callTimeoutMs: number;
	/** Longest /readyz waits for the ledger to answer a query (READY_TIMEOUT_SECONDS). */
	readyTimeoutMs: number;
	/** Free bytes kept in reserve on the ledger's filesystem: below it updates are refused LEDGER_FULL (DISK_FREE_MIN_MB). */
	diskFreeMinBytes: number;
	/** LEDGER_TEST_HOOKS=true: SIGUSR2 makes the ledger thread spin (fault tests only). */
	testHooks: boolean;
}

/**
 * Bounds on the time a client takes to send a request, so that a client sending slowly (a
 * slow-headers or slow-body attack, or a dead peer) cannot hold a socket for long. A socket
 * upgraded to the sync WebSocket is no longer an HTTP request and is bounded by none of them.
 */
export interface HttpTimeouts {
	/** The request line and headers, from the request's first byte. */
	headersMs: number;
	/** The whole request (headers and body) of every request but the register upload. */
	requestMs: number;
	/**
	 * The whole register upload (up to 32 MiB): long enough for a slow office link (15 minutes
	 * move 32 MiB at about 0.3 Mbit/s). Every other API body is 1 MiB at most.
	 */
	uploadMs: number;
	/** An idle keep-alive connection between two requests (behind a balancer: longer than its idle timeout). */
	keepAliveMs: number;
}

export class ConfigError extends Error {}

function logLevel(env: NodeJS.ProcessEnv): LogLevel {
	const raw = (env.LOG_LEVEL ?? 'info').trim().toLowerCase();
	// `warning` and `trace` as other tools spell them; everything else is refused, not guessed.
	const level = raw === 'warning' ? 'warn' : raw === 'trace' ? 'debug' : raw;
	if (!(LOG_LEVELS as readonly string[]).includes(level))
		throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got "${env.LOG_LEVEL}")`);
	return level as LogLevel;
}

function httpTimeouts(env: NodeJS.ProcessEnv): HttpTimeouts {
	const headers = integer(env, 'HTTP_HEADERS_TIMEOUT_SECONDS', 10, 1, 300);
	const request = integer(env, 'HTTP_REQUEST_TIMEOUT_SECONDS', 60, 1, 3600);
	const upload = integer(env, 'HTTP_UPLOAD_TIMEOUT_SECONDS', 900, 1, 24 * 3600);
	const keepAlive = integer(env, 'HTTP_KEEP_ALIVE_TIMEOUT_SECONDS', 5, 1, 600);
	// The headers are part of the request, and the upload is a request.
	if (headers > request)
		throw new ConfigError(
			`HTTP_HEADERS_TIMEOUT_SECONDS (${headers}) must not exceed HTTP_REQUEST_TIMEOUT_SECONDS (${request})`
		);
	if (request > upload)
		throw new ConfigError(
			`HTTP_REQUEST_TIMEOUT_SECONDS (${request}) must not exceed HTTP_UPLOAD_TIMEOUT_SECONDS (${upload})`
		);
	return {
		headersMs: headers * 1000,
		requestMs: request * 1000,
		uploadMs: upload * 1000,
		keepAliveMs: keepAlive * 1000
	};
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
	const raw = env[name];
	if (raw === undefined || raw === '') return fallback;
	const n = Number(raw);
	if (!Number.isInteger(n) || n < min || n > max)
		throw new ConfigError(`${name} must be an integer from ${min} to ${max} (got "${raw}")`);
	return n;
}

/** Reads the configuration from the environment when called, never at import time. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
	const municipality = env.MUNICIPALITY ?? '131016';
	if (!isValidMunicipalityCode(municipality)) {
		throw new ConfigError(
			`MUNICIPALITY must be a 6-digit municipality code with a valid check digit (got "${municipality}")`
		);
	}
	const municipalityName = (env.MUNICIPALITY_NAME ?? '').trim();
	if (municipalityName.length > 40)
		throw new ConfigError(`MUNICIPALITY_NAME must be at most 40 characters (got ${municipalityName.length})`);
	const databaseUrl = env.DATABASE_URL || undefined;
	if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl))
		throw new ConfigError('DATABASE_URL must start with postgres://');
	const host = env.HOST || '127.0.0.1';
	const dataDir = resolve(env.DATA_DIR || './data');
	const serverKeyFile = resolve(env.SERVER_KEY_FILE || './secrets/server.key');
	const inside = relative(dataDir, serverKeyFile);
	if (inside === '' || (inside.split(sep)[0] !== '..' && !isAbsolute(inside))) {
		throw new ConfigError(
			`SERVER_KEY_FILE must be outside DATA_DIR (got ${serverKeyFile} in ${dataDir}): a copy of the data directory must not carry the key that opens its secrets`
		);
	}
	const cookieSecure = env.COOKIE_SECURE ? env.COOKIE_SECURE === 'true' : !LOOPBACK.has(host);
	for (const flag of ['COOKIE_SECURE', 'TRUST_PROXY', 'LEDGER_TEST_HOOKS']) {
		if (env[flag] && !['true', 'false'].includes(env[flag]))
			throw new ConfigError(`${flag} must be true or false (got "${env[flag]}")`);
	}
	return {
		port: integer(env, 'PORT', 8080, 0, 65535),
		host,
		dataDir,
		databaseUrl,
		serverKeyFile,
		municipality,
		municipalityName,
		office: {
			idleMinutes: integer(env, 'OFFICE_IDLE_MINUTES', 30, 1, 24 * 60),
			absoluteHours: integer(env, 'OFFICE_SESSION_HOURS', 12, 1, 24 * 7),
			maxFailures: integer(env, 'LOGIN_MAX_FAILURES', 5, 1, 100),
			lockMinutes: integer(env, 'LOGIN_LOCK_MINUTES', 15, 1, 24 * 60)
		},
		cookieSecure,
		trustProxy: env.TRUST_PROXY === 'true',
		loginBurst: integer(env, 'LOGIN_BURST', 30, 1, 1_000_000),
		loginsPerMinute: integer(env, 'LOGINS_PER_MINUTE', 30, 1, 1_000_000),
		staticDir: resolve(env.STATIC_DIR || 'build'),
		enrolmentTtlMinutes: integer(env, 'ENROLMENT_TTL_MINUTES', 60, 1, 60 * 24 * 7),
		handshakeBurst: integer(env, 'HANDSHAKE_BURST', 60, 1, 1_000_000),
		handshakesPerSecond: integer(env, 'HANDSHAKES_PER_SECOND', 10, 1, 1_000_000),
		connectionByteBurst: integer(env, 'CONNECTION_BYTE_BURST', 64 * 1024 * 1024, 64 * 1024, 2 ** 40),
		connectionBytesPerSecond: integer(env, 'CONNECTION_BYTES_PER_SECOND', 4 * 1024 * 1024, 1024, 2 ** 40),
		devicePolicy: {
			idleLockMinutes: integer(env, 'LOCK_IDLE_MINUTES', 5, 1, 240),
			offlineSessionHours: integer(env, 'OFFLINE_SESSION_HOURS', 72, 1, 24 * 30),
			retentionDays: integer(env, 'RETENTION_DAYS', 0, 0, 365),
			pinMinLength: integer(env, 'PIN_MIN_LENGTH', PIN_MIN_DIGITS, PIN_MIN_DIGITS, PIN_MAX_DIGITS),
			pingSeconds: integer(env, 'SYNC_PING_SECONDS', DEFAULT_PING_SECONDS, MIN_PING_SECONDS, MAX_PING_SECONDS)
		},
		logLevel: logLevel(env),
		http: httpTimeouts(env),
		ledgerGuard: {
			callTimeoutMs: integer(env, 'LEDGER_TIMEOUT_SECONDS', 30, 1, 3600) * 1000,
			readyTimeoutMs: integer(env, 'READY_TIMEOUT_SECONDS', 3, 1, 60) * 1000,
			// One WAL segment (16 MB) plus a busy venue's day (2,000 doses × ~4 KB) is 24 MB; the
			// default keeps ten times that, so the operator has room and time to act.
			diskFreeMinBytes: integer(env, 'DISK_FREE_MIN_MB', 256, 0, 1024 * 1024) * 1024 * 1024,
			testHooks: env.LEDGER_TEST_HOOKS === 'true'
		}
	};
}
