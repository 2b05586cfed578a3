import { describe, expect, it } from 'vitest';
import { credentialProblem } from './credentials';

describe("a new operator's staff code and PIN", () => {
	it('takes 6 to 12 digits by default and the deployment minimum when it is higher', () => {
		expect(credentialProblem('N001', '482913', '482913')).toBeNull();
		expect(credentialProblem('N001', '48291', '48291')).toBe('PIN_FORMAT');
		expect(credentialProblem('N001', '4829130', '4829130', 8)).toBe('PIN_FORMAT');
		expect(credentialProblem('N001', '48291307', '48291307', 8)).toBeNull();
		expect(credentialProblem('N001', '48291307', '48291308', 8)).toBe('PIN_MISMATCH');
	});

	it('refuses a bad staff code and a My Number as either', () => {
		expect(credentialProblem('N 001', '482913', '482913')).toBe('STAFF_CODE');
		expect(credentialProblem('N001', '123456789018', '123456789018')).toBe('MY_NUMBER');
		expect(credentialProblem('123456789018', '482913', '482913')).toBe('MY_NUMBER');
	});
});
