import { containsMyNumber, isCode } from '#shared/index';
import { PIN_MIN_DIGITS } from '#shared/protocol/messages';
import { isAcceptablePin } from './storage/vault';

/** Staff codes as the event schema accepts them; PINs are digits, minLength (6 or more) to 12, and never a My Number. */

export type CredentialProblem = 'STAFF_CODE' | 'PIN_FORMAT' | 'PIN_MISMATCH' | 'MY_NUMBER';

/** What is wrong with a new operator's staff code and PIN (typed twice), or null. */
export function credentialProblem(
	staffCode: string,
	pin: string,
	again: string,
	minPinLength = PIN_MIN_DIGITS
): CredentialProblem | null {
	if (containsMyNumber(staffCode) || containsMyNumber(pin)) return 'MY_NUMBER';
	if (!isCode(staffCode)) return 'STAFF_CODE';
	if (!isAcceptablePin(pin, minPinLength)) return 'PIN_FORMAT';
	if (pin !== again) return 'PIN_MISMATCH';
	return null;
}
