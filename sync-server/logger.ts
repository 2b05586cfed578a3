/**
 * Structured one-line JSON logs. Callers pass identifiers and codes only: never ticket numbers,
 * event payloads or anything a person typed, so a My Number cannot end up in a log file.
 */
export interface Logger {
	info(msg: string, fields?: Record<string, unknown>): void;
	warn(msg: string, fields?: Record<string, unknown>): void;
	error(msg: string, fields?: Record<string, unknown>): void;
}

export function createLogger(write: (line: string) => void = (l) => process.stderr.write(l + '\n'), quiet = false): Logger {
	const log = (level: string) => (msg: string, fields: Record<string, unknown> = {}) => {
		if (quiet && level === 'info') return;
		write(JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields }));
	};
	return { info: log('info'), warn: log('warn'), error: log('error') };
}
