import { describe, expect, it } from 'vitest';
import { foldForReading } from '#shared/domain/reading';
import { MY_NUMBER_REDACTED } from '#shared/index';
import { createLogger } from './logger';

const DIGITS = '123456789018';
const recoverable = (text: string) => foldForReading(text).text.replace(/\D/g, '');

describe('the logger is the My Number guard of the log file', () => {
	it('redacts a My Number in the message, in fields, nested values, numbers, errors and keys', () => {
		const lines: string[] = [];
		const log = createLogger((l) => lines.push(l));
		log.error('request failed for 1234.5678.9018', {
			path: '/api/office/lots/comirnaty/123456789018\u0000',
			nested: { list: ['ok', '１２３４\u200b５６７８\u200b９０１８'], deeper: { n: 123456789018 } },
			error: new Error('value 12-34-56-78-90-18 too long'),
			'1234 5678 9018': 'key'
		});
		expect(lines).toHaveLength(1);
		expect(recoverable(lines[0]!)).not.toContain(DIGITS);
		const entry = JSON.parse(lines[0]!) as Record<string, unknown>;
		expect(entry.msg).toBe(`request failed for ${MY_NUMBER_REDACTED}`);
		expect(entry.path).toBe(`/api/office/lots/comirnaty/${MY_NUMBER_REDACTED}\u0000`);
		expect((entry.nested as { deeper: { n: unknown } }).deeper.n).toBe(MY_NUMBER_REDACTED);
	});

	it('leaves everything else as it was: dates, counts, ids and codes', () => {
		const lines: string[] = [];
		createLogger((l) => lines.push(l)).info('committed', {
			batch: '01936f4e-1c2a-7b3d-8e4f-5a6b7c8d9e0f/V001/2026-12-05',
			updates: 12,
			at: '2026/12/05 10:30',
			code: 'LOT_EXPIRED'
		});
		const entry = JSON.parse(lines[0]!) as Record<string, unknown>;
		expect(entry).toMatchObject({
			level: 'info',
			msg: 'committed',
			batch: '01936f4e-1c2a-7b3d-8e4f-5a6b7c8d9e0f/V001/2026-12-05',
			updates: 12,
			at: '2026/12/05 10:30',
			code: 'LOT_EXPIRED'
		});
	});
});

describe('log levels', () => {
	it('writes the level given and the more severe ones only', () => {
		const written = (minimum: 'debug' | 'info' | 'warn' | 'error' | 'silent') => {
			const lines: string[] = [];
			const log = createLogger((l) => lines.push(l), minimum);
			log.debug('d');
			log.info('i');
			log.warn('w');
			log.error('e');
			return lines.map((l) => (JSON.parse(l) as { msg: string }).msg).join('');
		};
		expect(written('debug')).toBe('diwe');
		expect(written('info')).toBe('iwe');
		expect(written('warn')).toBe('we');
		expect(written('error')).toBe('e');
		expect(written('silent')).toBe('');
	});
});
