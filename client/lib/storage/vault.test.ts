import { describe, expect, it } from 'vitest';
import { Vault } from './vault';

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
});
