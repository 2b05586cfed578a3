import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config';

describe('configuration from the environment', () => {
	it('has working defaults: loopback, PGlite, Chiyoda, 30-minute office sessions', () => {
		const c = loadConfig({});
		expect(c).toMatchObject({
			port: 8080,
			host: '127.0.0.1',
			databaseUrl: undefined,
			municipality: '131016',
			cookieSecure: false,
			trustProxy: false
		});
		expect(c.office).toEqual({ idleMinutes: 30, absoluteHours: 12, maxFailures: 5, lockMinutes: 15 });
		expect(c.devicePolicy).toEqual({
			idleLockMinutes: 5,
			offlineSessionHours: 72,
			retentionDays: 0,
			pinMinLength: 6,
			pingSeconds: 30
		});
		expect(loadConfig({ PIN_MIN_LENGTH: '8' }).devicePolicy.pinMinLength).toBe(8);
		expect(c.http).toEqual({ headersMs: 10_000, requestMs: 60_000, uploadMs: 900_000, keepAliveMs: 5_000 });
		expect(c.ledgerGuard).toEqual({
			callTimeoutMs: 30_000,
			readyTimeoutMs: 3_000,
			diskFreeMinBytes: 256 * 1024 * 1024,
			testHooks: false
		});
		expect(
			loadConfig({ DISK_FREE_MIN_MB: '0', LEDGER_TIMEOUT_SECONDS: '5', LEDGER_TEST_HOOKS: 'true' }).ledgerGuard
		).toMatchObject({ diskFreeMinBytes: 0, callTimeoutMs: 5000, testHooks: true });
	});

	it("takes the municipality's name for papers printed for residents, trimmed and bounded", () => {
		expect(loadConfig({}).municipalityName).toBe('');
		expect(loadConfig({ MUNICIPALITY_NAME: ' 千代田区 ' }).municipalityName).toBe('千代田区');
		expect(() => loadConfig({ MUNICIPALITY_NAME: 'あ'.repeat(41) })).toThrow(
			/MUNICIPALITY_NAME must be at most 40 characters/
		);
	});

	it('marks the session cookie Secure unless serving plain HTTP on loopback, or told otherwise', () => {
		expect(loadConfig({ HOST: '0.0.0.0' }).cookieSecure).toBe(true);
		expect(loadConfig({ HOST: '0.0.0.0', COOKIE_SECURE: 'false' }).cookieSecure).toBe(false);
		expect(loadConfig({ COOKIE_SECURE: 'true' }).cookieSecure).toBe(true);
		expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
	});

	it('refuses bad values with a message naming the variable', () => {
		const cases: [Record<string, string>, RegExp][] = [
			[{ MUNICIPALITY: '131017' }, /MUNICIPALITY/],
			[{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL/],
			[{ PORT: '70000' }, /PORT must be an integer from 0 to 65535/],
			[{ OFFICE_IDLE_MINUTES: '0' }, /OFFICE_IDLE_MINUTES/],
			[{ COOKIE_SECURE: 'yes' }, /COOKIE_SECURE must be true or false/],
			[{ TRUST_PROXY: '1' }, /TRUST_PROXY must be true or false/],
			[{ LEDGER_TEST_HOOKS: '1' }, /LEDGER_TEST_HOOKS must be true or false/],
			[{ DISK_FREE_MIN_MB: '-1' }, /DISK_FREE_MIN_MB must be an integer/],
			[{ LEDGER_TIMEOUT_SECONDS: '0' }, /LEDGER_TIMEOUT_SECONDS must be an integer from 1/],
			[{ PIN_MIN_LENGTH: '5' }, /PIN_MIN_LENGTH must be an integer from 6 to 12/],
			[{ PIN_MIN_LENGTH: '13' }, /PIN_MIN_LENGTH must be an integer from 6 to 12/],
			[{ HTTP_HEADERS_TIMEOUT_SECONDS: '0' }, /HTTP_HEADERS_TIMEOUT_SECONDS must be an integer from 1 to 300/],
			[{ HTTP_REQUEST_TIMEOUT_SECONDS: '1.5' }, /HTTP_REQUEST_TIMEOUT_SECONDS must be an integer/],
			[{ HTTP_KEEP_ALIVE_TIMEOUT_SECONDS: '-1' }, /HTTP_KEEP_ALIVE_TIMEOUT_SECONDS/],
			[
				{ HTTP_HEADERS_TIMEOUT_SECONDS: '30', HTTP_REQUEST_TIMEOUT_SECONDS: '20' },
				/HTTP_HEADERS_TIMEOUT_SECONDS \(30\) must not exceed HTTP_REQUEST_TIMEOUT_SECONDS \(20\)/
			],
			[
				{ HTTP_REQUEST_TIMEOUT_SECONDS: '600', HTTP_UPLOAD_TIMEOUT_SECONDS: '300' },
				/must not exceed HTTP_UPLOAD_TIMEOUT_SECONDS/
			]
		];
		for (const [env, message] of cases) expect(() => loadConfig(env), JSON.stringify(env)).toThrow(message);
		expect(() => loadConfig({ LOGIN_BURST: 'many' })).toThrow(ConfigError);
	});

	it('keeps the server key file outside the data directory', () => {
		expect(loadConfig({}).serverKeyFile).toBe(resolve('secrets/server.key'));
		expect(
			loadConfig({ DATA_DIR: '/srv/vacc/data', SERVER_KEY_FILE: '/srv/vacc/data-keys/server.key' }).serverKeyFile
		).toBe('/srv/vacc/data-keys/server.key');
		for (const inside of [
			'/srv/vacc/data/server.key',
			'/srv/vacc/data/secrets/server.key',
			'/srv/vacc/data/../data/k',
			'/srv/vacc/data/..key',
			'/srv/vacc/data'
		])
			expect(() => loadConfig({ DATA_DIR: '/srv/vacc/data', SERVER_KEY_FILE: inside }), inside).toThrow(
				/SERVER_KEY_FILE must be outside DATA_DIR/
			);
	});
});

describe('LOG_LEVEL', () => {
	it('takes the usual levels, in any case, and the common other spellings', () => {
		expect(loadConfig({}).logLevel).toBe('info');
		for (const level of ['debug', 'info', 'warn', 'error', 'silent'] as const)
			expect(loadConfig({ LOG_LEVEL: level }).logLevel).toBe(level);
		expect(loadConfig({ LOG_LEVEL: 'WARN' }).logLevel).toBe('warn');
		expect(loadConfig({ LOG_LEVEL: 'warning' }).logLevel).toBe('warn');
		expect(loadConfig({ LOG_LEVEL: 'trace' }).logLevel).toBe('debug');
	});

	it('refuses anything else, naming the variable', () => {
		expect(() => loadConfig({ LOG_LEVEL: 'verbose' })).toThrow(
			/LOG_LEVEL must be one of debug, info, warn, error, silent/
		);
	});
});
