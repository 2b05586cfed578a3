/** Debian's Chromium and the flags this machine needs (no downloads, no background traffic). */
export const CHROMIUM_LAUNCH = {
	executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
	args: [
		'--no-sandbox',
		'--disable-gpu',
		'--disable-background-networking',
		'--disable-component-update',
		'--no-first-run',
		'--disable-quic',
		'--disable-sync'
	]
};
