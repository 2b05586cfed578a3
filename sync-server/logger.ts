import { redactMyNumbers } from '#shared/index';

/**
 * Structured one-line JSON logs. Callers pass identifiers and codes only, never ticket numbers,
 * event payloads or anything a person typed. The logger does not rely on that: every line is
 * the guard's last front door (DESIGN §2), so each text value — message, fields, nested values,
 * error text — is redacted before it is serialised, and the serialised line once more (keys).
 * A log file can therefore never hold a My Number, disguised or not.
 */
export interface Logger {
	debug(msg: string, fields?: Record<string, unknown>): void;
	info(msg: string, fields?: Record<string, unknown>): void;
	warn(msg: string, fields?: Record<string, unknown>): void;
	error(msg: string, fields?: Record<string, unknown>): void;
}

/** Redacts every text in a log field: strings, numbers, errors, arrays and objects, to a depth. */
function redactValue(value: unknown, depth = 0): unknown {
	if (typeof value === 'string') return redactMyNumbers(value);
	if (typeof value === 'number' || typeof value === 'bigint') {
		const text = String(value);
		const redacted = redactMyNumbers(text);
		return redacted === text ? (typeof value === 'bigint' ? text : value) : redacted;
	}
	if (value instanceof Error) return redactMyNumbers(String(value));
	if (value === null || typeof value !== 'object') return value;
	if (depth > 8) return '[nested too deep]';
	if (Array.isArray(value)) return value.map((v) => redactValue(v, depth + 1));
	return Object.fromEntries(Object.entries(value).map(([k, v]) => [redactMyNumbers(k), redactValue(v, depth + 1)]));
}

/** Levels from the most to the least verbose; LOG_LEVEL names the least severe one written. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export function createLogger(
	write: (line: string) => void = (l) => process.stderr.write(l + '\n'),
	minimum: LogLevel = 'info'
): Logger {
	const log =
		(level: Exclude<LogLevel, 'silent'>) =>
		(msg: string, fields: Record<string, unknown> = {}) => {
			if (LOG_LEVELS.indexOf(level) < LOG_LEVELS.indexOf(minimum)) return;
			const entry = redactValue({ ...fields, time: new Date().toISOString(), level, msg }) as Record<string, unknown>;
			// Fixed keys first for readers; the line itself is read once more for anything a key held.
			const { time, level: lvl, msg: text, ...rest } = entry;
			write(redactMyNumbers(JSON.stringify({ time, level: lvl, msg: text, ...rest })));
		};
	return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}
