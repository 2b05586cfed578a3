import { describe, expect, it } from 'vitest';
import { isAcceptablePin, PinFormatError, Vault } from './vault';

describe('Vault (WebCrypto)', () => {
	const FAST = 1000; // iterations for tests; the product uses PBKDF2_ITERATIONS

	it('seals and opens; the ciphertext does not contain the plaintext', async () => {
		const { vault } = await Vault.create('N001', '482913', FAST);
		const box = await vault.sealJson({ ticketNumber: '0000012345', lot: 'FK7789' });
		expect(new TextDecoder().decode(box.data)).not.toContain('0000012345');
		expect(await vault.openJson(box)).toEqual({ ticketNumber: '0000012345', lot: 'FK7789' });
	});

	it("unlocks with the operator's PIN only, bound to the staff code", async () => {
		const { vault, wrapped } = await Vault.create('N001', '482913', FAST);
		const box = await vault.seal(Uint8Array.of(1, 2, 3));
		expect(await Vault.unlock(wrapped, '482914')).toBeNull();
		expect(await Vault.unlock({ ...wrapped, staffCode: 'N002' }, '482913')).toBeNull();
		const again = await Vault.unlock(wrapped, '482913');
		expect(await again!.open(box)).toEqual(Uint8Array.of(1, 2, 3));
	});

	it('refuses a tampered box', async () => {
		const { vault } = await Vault.create('N001', '482913', FAST);
		const box = await vault.seal(Uint8Array.of(1, 2, 3));
		box.data[0]! ^= 1;
		await expect(vault.open(box)).rejects.toThrow();
	});

	it('wraps the same data key for a second operator', async () => {
		const { vault } = await Vault.create('N001', '482913', FAST);
		const box = await vault.seal(Uint8Array.of(7));
		const second = await vault.wrapFor('N002', '771204', FAST);
		expect(await (await Vault.unlock(second, '771204'))!.open(box)).toEqual(Uint8Array.of(7));
		expect(await Vault.unlock(second, '482913')).toBeNull();
	});

	it('wraps only for a PIN of digits, from the minimum length (never under 6) to 12', async () => {
		expect(['482913', '123456789012'].map((p) => isAcceptablePin(p))).toEqual([true, true]);
		expect(['48291', '1234567890123', '48291a', '４８２９１３', ' 482913', ''].map((p) => isAcceptablePin(p))).toEqual([
			false,
			false,
			false,
			false,
			false,
			false
		]);
		expect(isAcceptablePin('4829130', 8)).toBe(false);
		expect(isAcceptablePin('48291307', 8)).toBe(true);
		// A deployment cannot lower the floor.
		expect(isAcceptablePin('48291', 4)).toBe(false);

		await expect(Vault.create('N001', '48291', FAST)).rejects.toThrow(PinFormatError);
		await expect(Vault.create('N001', '4829130', FAST, 8)).rejects.toThrow('a PIN must be 8 to 12 digits');
		const { vault, wrapped } = await Vault.create('N001', '48291307', FAST, 8);
		await expect(vault.wrapFor('N002', '7712045', FAST, 8)).rejects.toThrow(PinFormatError);
		// An operator whose PIN was set under a lower minimum still unlocks: the minimum is for new PINs.
		const older = await vault.wrapFor('N003', '771204', FAST);
		expect(await Vault.unlock(older, '771204')).not.toBeNull();
		expect(await Vault.unlock(wrapped, '48291307')).not.toBeNull();
	});
});
