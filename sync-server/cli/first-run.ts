import type { RunningServer } from '../server';

/** What the person at the console needs to do next, while there is no admin or no device yet. */
export async function nextStepLines(server: RunningServer): Promise<string[]> {
	const token = server.setupToken();
	if (token) {
		return [
			'No back-office account exists yet. Create the first administrator in the browser (this link works once):',
			`  ${server.url}/office/setup#${token}`,
			'or from the command line with the server stopped: npm run admin -- create --username <name> --role admin'
		];
	}
	if ((await server.ledger.countDevices()) === 0) {
		return [
			`No device is enrolled yet. Sign in at ${server.url}/office, open 端末 (devices) and issue an enrolment code.`
		];
	}
	return [];
}
