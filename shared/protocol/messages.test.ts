import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
	decodeMessage,
	encodeMessage,
	MSG_ERROR,
	MSG_RECEIPT,
	MSG_REFUSED,
	MSG_SIGNED_SYNC,
	MSG_LOTS,
	MSG_SYNC,
	MSG_VENUE,
	MSG_WELCOME,
	MSG_UNRECEIPTED,
	MAX_UNRECEIPTED,
	MSG_CATALOG,
	MSG_SERVER_KEYS,
	MSG_SERVER_KEYS_ACK,
	type AppMessage
} from './messages';
import { DEFAULT_VACCINE_CATALOG } from '../domain/vaccines';

const bytes = fc.uint8Array({ maxLength: 64 });
const message: fc.Arbitrary<AppMessage> = fc.oneof(
	fc.record({
		type: fc.constant(MSG_WELCOME),
		serverTime: fc.string(),
		deviceStatus: fc.string(),
		policy: fc.record({
			idleLockMinutes: fc.integer({ min: 1, max: 240 }),
			offlineSessionHours: fc.integer({ min: 1, max: 720 }),
			retentionDays: fc.integer({ min: 0, max: 365 }),
			pinMinLength: fc.integer({ min: 6, max: 12 })
		})
	}),
	fc.record({ type: fc.constant(MSG_SYNC), doc: fc.string(), kind: fc.constantFrom(0, 1, 2), payload: bytes }),
	fc.record({
		type: fc.constant(MSG_SIGNED_SYNC),
		doc: fc.string(),
		kind: fc.constantFrom(1, 2),
		payload: bytes,
		signature: bytes
	}),
	fc.record({
		type: fc.constant(MSG_RECEIPT),
		doc: fc.string(),
		stateVector: bytes,
		eventCount: fc.nat(),
		signature: bytes
	}),
	fc.record({
		type: fc.constant(MSG_REFUSED),
		doc: fc.string(),
		code: fc.string(),
		message: fc.string(),
		eventIds: fc.array(fc.string()),
		stateVector: bytes
	}),
	fc.record({ type: fc.constant(MSG_ERROR), code: fc.string(), message: fc.string() }),
	fc.record({ type: fc.constant(MSG_VENUE), serviceDay: fc.string() }),
	fc.record({
		type: fc.constant(MSG_LOTS),
		lots: fc.array(fc.record({ product: fc.string(), lot: fc.string(), expiry: fc.string() }))
	}),
	fc.record({ type: fc.constant(MSG_UNRECEIPTED), count: fc.integer({ min: 0, max: MAX_UNRECEIPTED }) }),
	fc.record({
		type: fc.constant(MSG_CATALOG),
		version: fc.integer({ min: 1, max: 2 ** 31 }),
		catalog: fc
			.dictionary(
				fc.string().filter((k) => k !== '__proto__'),
				fc.jsonValue()
			)
			.map((v) => JSON.parse(JSON.stringify(v)) as unknown)
	}),
	fc.record({
		type: fc.constant(MSG_SERVER_KEYS),
		chain: fc.array(
			fc.record({
				generation: fc.integer({ min: 2, max: 2 ** 31 }),
				box: fc.uint8Array({ minLength: 32, maxLength: 32 }),
				sign: fc.uint8Array({ minLength: 32, maxLength: 32 }),
				signature: fc.uint8Array({ minLength: 64, maxLength: 64 })
			}),
			{ minLength: 1, maxLength: 4 }
		)
	}),
	fc.record({ type: fc.constant(MSG_SERVER_KEYS_ACK), generation: fc.integer({ min: 2, max: 2 ** 31 }) })
) as fc.Arbitrary<AppMessage>;

describe('application messages', () => {
	it("take an older server's welcome without a PIN length as the floor, and refuse one out of range", () => {
		const welcome = (policy: unknown) => {
			const e = encodeMessage({ type: MSG_WELCOME, serverTime: 't', deviceStatus: 'active', policy: policy as never });
			return decodeMessage(e);
		};
		const old = { idleLockMinutes: 5, offlineSessionHours: 72, retentionDays: 0 };
		expect(welcome(old)).toMatchObject({ policy: { ...old, pinMinLength: 6 } });
		expect(welcome({ ...old, pinMinLength: 8 })).toMatchObject({ policy: { pinMinLength: 8 } });
		for (const bad of [5, 13, 7.5, '8']) expect(welcome({ ...old, pinMinLength: bad })).toBeNull();
	});

	it('round-trip', () => {
		fc.assert(
			fc.property(message, (m) => {
				expect(decodeMessage(encodeMessage(m))).toEqual(m);
			})
		);
	});

	it('reject trailing bytes, truncation, unknown types and unsigned SyncStep1 disguised as signed', () => {
		const m = encodeMessage({ type: MSG_SYNC, doc: 'a', kind: 0, payload: Uint8Array.of(1) });
		expect(decodeMessage(Uint8Array.of(...m, 0))).toBeNull();
		expect(decodeMessage(m.subarray(0, m.length - 1))).toBeNull();
		expect(decodeMessage(Uint8Array.of(99))).toBeNull();
		expect(
			decodeMessage(
				encodeMessage({
					type: MSG_SIGNED_SYNC,
					doc: 'a',
					kind: 0 as 1,
					payload: Uint8Array.of(1),
					signature: Uint8Array.of(1)
				})
			)
		).toBeNull();
		fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (b) => void decodeMessage(b)));
	});

	it('carry the vaccine catalogue with its version, and refuse version 0 or a catalogue that is not an object', () => {
		const m: AppMessage = { type: MSG_CATALOG, version: 3, catalog: DEFAULT_VACCINE_CATALOG };
		expect(decodeMessage(encodeMessage(m))).toEqual({
			...m,
			catalog: JSON.parse(JSON.stringify(DEFAULT_VACCINE_CATALOG))
		});
		expect(decodeMessage(encodeMessage({ type: MSG_CATALOG, version: 0, catalog: {} }))).toBeNull();
		expect(decodeMessage(encodeMessage({ type: MSG_CATALOG, version: 1, catalog: [1] }))).toBeNull();
		expect(decodeMessage(encodeMessage({ type: MSG_CATALOG, version: 1, catalog: 'x' }))).toBeNull();
		const whole = encodeMessage(m);
		expect(decodeMessage(whole.subarray(0, whole.length - 1))).toBeNull();
	});

	it('refuse an unreceipted count above the bound', () => {
		expect(decodeMessage(encodeMessage({ type: MSG_UNRECEIPTED, count: MAX_UNRECEIPTED + 1 }))).toBeNull();
		expect(decodeMessage(encodeMessage({ type: MSG_UNRECEIPTED, count: 2 ** 40 }))).toBeNull();
	});

	it('refuse a key change without certificates or with keys of the wrong size, and an acknowledgement of generation 1', () => {
		const cert = { generation: 2, box: new Uint8Array(32), sign: new Uint8Array(32), signature: new Uint8Array(64) };
		expect(decodeMessage(encodeMessage({ type: MSG_SERVER_KEYS, chain: [] }))).toBeNull();
		expect(
			decodeMessage(encodeMessage({ type: MSG_SERVER_KEYS, chain: [{ ...cert, box: new Uint8Array(31) }] }))
		).toBeNull();
		expect(
			decodeMessage(encodeMessage({ type: MSG_SERVER_KEYS, chain: [{ ...cert, signature: new Uint8Array(63) }] }))
		).toBeNull();
		expect(
			decodeMessage(encodeMessage({ type: MSG_SERVER_KEYS, chain: Array.from({ length: 65 }, () => cert) }))
		).toBeNull();
		expect(decodeMessage(encodeMessage({ type: MSG_SERVER_KEYS_ACK, generation: 1 }))).toBeNull();
	});
});
