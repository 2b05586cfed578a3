import { PIN_MAX_DIGITS, PIN_MIN_DIGITS } from '#shared/protocol/messages';

/**
 * Encryption at rest on the device (WebCrypto). Everything stored in IndexedDB that could
 * identify a dose (events, Yjs updates, the device's keys, the day's settings) is sealed with
 * a random data key (AES-256-GCM). The data key is stored only wrapped, once per operator, by
 * a key derived from that operator's PIN (PBKDF2-SHA-256); unwrapped, it lives in memory only
 * while the station is unlocked, as a non-extractable CryptoKey.
 */
export const PBKDF2_ITERATIONS = 600_000; // OWASP's 2023 figure for PBKDF2-HMAC-SHA256

/**
 * A PIN the vault will wrap the data key for: digits only, from `minLength` (the deployment's
 * PIN_MIN_LENGTH, never under the product's 6) to 12. Each digit more multiplies an offline
 * search of a copied disk by ten (see the README's threat model of the PIN).
 */
export function isAcceptablePin(pin: string, minLength = PIN_MIN_DIGITS): boolean {
	return /^\d+$/.test(pin) && pin.length >= Math.max(minLength, PIN_MIN_DIGITS) && pin.length <= PIN_MAX_DIGITS;
}

/** Wrapping was asked for a PIN that isAcceptablePin refuses; nothing was wrapped. */
export class PinFormatError extends RangeError {
	constructor(readonly minLength: number) {
		super(`a PIN must be ${Math.max(minLength, PIN_MIN_DIGITS)} to ${PIN_MAX_DIGITS} digits`);
	}
}

export interface SealedBox {
	iv: Uint8Array;
	data: Uint8Array;
}

/** The data key wrapped for one operator. */
export interface WrappedKey {
	staffCode: string;
	salt: Uint8Array;
	iterations: number;
	iv: Uint8Array;
	wrapped: Uint8Array;
}

const subtle = () => globalThis.crypto.subtle;
const random = (n: number) => globalThis.crypto.getRandomValues(new Uint8Array(n));
const utf8 = (s: string) => new TextEncoder().encode(s);

async function pinKey(pin: string, salt: Uint8Array, iterations: number): Promise<CryptoKey> {
	const material = await subtle().importKey('raw', utf8(pin), 'PBKDF2', false, ['deriveKey']);
	return subtle().deriveKey(
		{ name: 'PBKDF2', hash: 'SHA-256', salt: salt as BufferSource, iterations },
		material,
		{ name: 'AES-GCM', length: 256 },
		false,
		['encrypt', 'decrypt']
	);
}

/**
 * Extractable only so that an unlocked operator can wrap the same key for another operator
 * (`wrapFor`); it never leaves memory unwrapped.
 */
function importDataKey(raw: Uint8Array): Promise<CryptoKey> {
	return subtle().importKey('raw', raw as BufferSource, 'AES-GCM', true, ['encrypt', 'decrypt']);
}

async function wrap(
	raw: Uint8Array,
	staffCode: string,
	pin: string,
	iterations: number,
	minPinLength: number
): Promise<WrappedKey> {
	if (!isAcceptablePin(pin, minPinLength)) throw new PinFormatError(minPinLength);
	const salt = random(16);
	const iv = random(12);
	const kek = await pinKey(pin, salt, iterations);
	const wrapped = new Uint8Array(
		await subtle().encrypt(
			{ name: 'AES-GCM', iv: iv as BufferSource, additionalData: utf8(staffCode) },
			kek,
			raw as BufferSource
		)
	);
	return { staffCode, salt, iterations, iv, wrapped };
}

export class Vault {
	private constructor(private readonly key: CryptoKey) {}

	/** A new data key, wrapped for the first operator. */
	static async create(
		staffCode: string,
		pin: string,
		iterations = PBKDF2_ITERATIONS,
		minPinLength = PIN_MIN_DIGITS
	): Promise<{ vault: Vault; wrapped: WrappedKey }> {
		const raw = random(32);
		try {
			return {
				vault: new Vault(await importDataKey(raw)),
				wrapped: await wrap(raw, staffCode, pin, iterations, minPinLength)
			};
		} finally {
			raw.fill(0);
		}
	}

	/** The vault for this operator's PIN, or null when the PIN is wrong. */
	static async unlock(w: WrappedKey, pin: string): Promise<Vault | null> {
		const kek = await pinKey(pin, w.salt, w.iterations);
		let raw: Uint8Array;
		try {
			raw = new Uint8Array(
				await subtle().decrypt(
					{ name: 'AES-GCM', iv: w.iv as BufferSource, additionalData: utf8(w.staffCode) },
					kek,
					w.wrapped as BufferSource
				)
			);
		} catch {
			return null;
		}
		try {
			return new Vault(await importDataKey(raw));
		} finally {
			raw.fill(0);
		}
	}

	/** The same data key, wrapped for another operator's staff code and PIN. */
	async wrapFor(
		staffCode: string,
		pin: string,
		iterations = PBKDF2_ITERATIONS,
		minPinLength = PIN_MIN_DIGITS
	): Promise<WrappedKey> {
		if (!isAcceptablePin(pin, minPinLength)) throw new PinFormatError(minPinLength);
		const raw = new Uint8Array(await subtle().exportKey('raw', this.key));
		try {
			return await wrap(raw, staffCode, pin, iterations, minPinLength);
		} finally {
			raw.fill(0);
		}
	}

	async seal(bytes: Uint8Array): Promise<SealedBox> {
		const iv = random(12);
		return {
			iv,
			data: new Uint8Array(
				await subtle().encrypt({ name: 'AES-GCM', iv: iv as BufferSource }, this.key, bytes as BufferSource)
			)
		};
	}

	async open(box: SealedBox): Promise<Uint8Array> {
		return new Uint8Array(
			await subtle().decrypt({ name: 'AES-GCM', iv: box.iv as BufferSource }, this.key, box.data as BufferSource)
		);
	}

	sealJson(value: unknown): Promise<SealedBox> {
		return this.seal(utf8(JSON.stringify(value)));
	}

	async openJson<T>(box: SealedBox): Promise<T> {
		return JSON.parse(new TextDecoder().decode(await this.open(box))) as T;
	}
}
