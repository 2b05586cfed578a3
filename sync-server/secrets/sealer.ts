import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { KEY_FILE_BYTES } from './key-file';

/** A sealed value did not open: another key file, or the bytes or their purpose were changed. */
export class SealError extends Error {}

const VERSION = 1;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Authenticated encryption of the secrets the ledger stores (AES-256-GCM, node:crypto), under a
 * key derived from the key file. Each sealed value names its purpose (the row and column it
 * belongs to) as associated data: a value moved to another row or column — one user's TOTP
 * secret copied onto another user, an old generation's keys put in a newer row — does not open.
 *
 * Layout: version (1 byte, 1) ‖ nonce (12 random bytes) ‖ ciphertext ‖ GCM tag (16 bytes).
 * Associated data: "vacc-sealed-v1" ‖ 0x00 ‖ purpose (UTF-8), with the version byte first.
 */
export class Sealer {
	private readonly key: Buffer;

	constructor(keyFileBytes: Uint8Array) {
		if (keyFileBytes.length !== KEY_FILE_BYTES)
			throw new Error(`the key-encryption key must be ${KEY_FILE_BYTES} bytes`);
		// A key of its own for this use, should the key file ever serve another.
		this.key = Buffer.from(hkdfSync('sha256', keyFileBytes, new Uint8Array(0), 'vacc-sealer-v1 aes-256-gcm', 32));
	}

	seal(plaintext: Uint8Array, purpose: string): Uint8Array {
		const nonce = randomBytes(NONCE_BYTES);
		const cipher = createCipheriv('aes-256-gcm', this.key, nonce, { authTagLength: TAG_BYTES });
		cipher.setAAD(associatedData(purpose));
		const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
		return new Uint8Array(Buffer.concat([Uint8Array.of(VERSION), nonce, body, cipher.getAuthTag()]));
	}

	open(sealed: Uint8Array, purpose: string): Uint8Array {
		if (sealed.length < 1 + NONCE_BYTES + TAG_BYTES || sealed[0] !== VERSION)
			throw new SealError(`the sealed ${purpose} is malformed`);
		const nonce = sealed.subarray(1, 1 + NONCE_BYTES);
		const tag = sealed.subarray(sealed.length - TAG_BYTES);
		const decipher = createDecipheriv('aes-256-gcm', this.key, nonce, { authTagLength: TAG_BYTES });
		decipher.setAAD(associatedData(purpose));
		decipher.setAuthTag(tag);
		try {
			return new Uint8Array(
				Buffer.concat([decipher.update(sealed.subarray(1 + NONCE_BYTES, sealed.length - TAG_BYTES)), decipher.final()])
			);
		} catch {
			throw new SealError(`the sealed ${purpose} does not open with this key file`);
		}
	}

	sealText(text: string, purpose: string): Uint8Array {
		return this.seal(new TextEncoder().encode(text), purpose);
	}

	openText(sealed: Uint8Array, purpose: string): string {
		return new TextDecoder('utf-8', { fatal: true }).decode(this.open(sealed, purpose));
	}
}

function associatedData(purpose: string): Buffer {
	return Buffer.concat([Uint8Array.of(VERSION), Buffer.from('vacc-sealed-v1\0' + purpose, 'utf8')]);
}

/** Purposes of the sealed values in the ledger (their associated data). */
export const SEALED = {
	/** The secret halves of one server key generation, bound to its number and public keys. */
	serverKeys: (generation: number, boxPublic: Uint8Array, signPublic: Uint8Array) =>
		`server_key_generations.secrets_sealed/${generation}/${Buffer.from(boxPublic).toString('hex')}/${Buffer.from(signPublic).toString('hex')}`,
	/** One back-office user's TOTP secret (base32 text). */
	totp: (userId: string) => `office_users.totp_sealed/${userId}`
};
