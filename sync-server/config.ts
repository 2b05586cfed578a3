import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { isValidMunicipalityCode } from '../shared/index';
import type { DevicePolicy } from '../shared/protocol/messages';

export interface Config {
	port: number;
	host: string;
	dataDir: string;
	databaseUrl: string | undefined;
	/** The deployment's municipality (tenant), 6-digit 全国地方公共団体コード. */
	municipality: string;
	/** Bearer token for the admin API until named accounts exist. */
	adminToken: string;
	adminTokenGenerated: boolean;
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
	quiet: boolean;
}

export class ConfigError extends Error {}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
	const raw = env[name];
	if (raw === undefined || raw === '') return fallback;
	const n = Number(raw);
	if (!Number.isInteger(n) || n < min || n > max) throw new ConfigError(`${name} must be an integer from ${min} to ${max} (got "${raw}")`);
	return n;
}

/** Reads the configuration from the environment when called, never at import time. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
	const municipality = env.MUNICIPALITY ?? '131016';
	if (!isValidMunicipalityCode(municipality)) {
		throw new ConfigError(`MUNICIPALITY must be a 6-digit municipality code with a valid check digit (got "${municipality}")`);
	}
	const databaseUrl = env.DATABASE_URL || undefined;
	if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) throw new ConfigError('DATABASE_URL must start with postgres://');
	const adminToken = env.ADMIN_TOKEN || randomBytes(24).toString('base64url');
	if (adminToken.length < 16) throw new ConfigError('ADMIN_TOKEN must be at least 16 characters');
	return {
		port: integer(env, 'PORT', 8080, 0, 65535),
		host: env.HOST || '127.0.0.1',
		dataDir: resolve(env.DATA_DIR || './data'),
		databaseUrl,
		municipality,
		adminToken,
		adminTokenGenerated: !env.ADMIN_TOKEN,
		staticDir: resolve(env.STATIC_DIR || 'build'),
		enrolmentTtlMinutes: integer(env, 'ENROLMENT_TTL_MINUTES', 60, 1, 60 * 24 * 7),
		handshakeBurst: integer(env, 'HANDSHAKE_BURST', 60, 1, 1_000_000),
		handshakesPerSecond: integer(env, 'HANDSHAKES_PER_SECOND', 10, 1, 1_000_000),
		connectionByteBurst: integer(env, 'CONNECTION_BYTE_BURST', 64 * 1024 * 1024, 64 * 1024, 2 ** 40),
		connectionBytesPerSecond: integer(env, 'CONNECTION_BYTES_PER_SECOND', 4 * 1024 * 1024, 1024, 2 ** 40),
		devicePolicy: {
			idleLockMinutes: integer(env, 'LOCK_IDLE_MINUTES', 5, 1, 240),
			offlineSessionHours: integer(env, 'OFFLINE_SESSION_HOURS', 72, 1, 24 * 30),
			retentionDays: integer(env, 'RETENTION_DAYS', 0, 0, 365)
		},
		quiet: env.LOG_LEVEL === 'warn'
	};
}
