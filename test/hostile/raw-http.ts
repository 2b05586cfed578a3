import { connect } from 'node:net';
import { request } from 'node:http';

/**
 * One HTTP request written byte for byte (no client normalises the target: `..`, `%2e`,
 * backslashes reach the server as written). Resolves with the status and body.
 */
export function rawRequest(url: string, head: string, body = ''): Promise<{ status: number; body: string }> {
	const { hostname, port } = new URL(url);
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		const socket = connect(Number(port), hostname, () =>
			socket.write(`${head}\r\nHost: ${hostname}\r\nConnection: close\r\n\r\n${body}`)
		);
		socket.on('data', (d: Buffer) => chunks.push(d));
		socket.on('error', reject);
		socket.on('close', () => {
			const text = Buffer.concat(chunks).toString('latin1');
			const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
			resolve({ status, body: text.slice(text.indexOf('\r\n\r\n') + 4) });
		});
	});
}

/** A JSON POST from another loopback address (127.0.0.x), as a second client machine would. */
export function postFrom(
	localAddress: string,
	url: string,
	path: string,
	json: unknown
): Promise<{ status: number; body: string }> {
	const { hostname, port } = new URL(url);
	return new Promise((resolve, reject) => {
		const payload = JSON.stringify(json);
		const req = request(
			{
				host: hostname,
				port,
				path,
				method: 'POST',
				localAddress,
				headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }
			},
			(res) => {
				const chunks: Buffer[] = [];
				res.on('data', (d: Buffer) => chunks.push(d));
				res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
			}
		);
		req.on('error', reject);
		req.end(payload);
	});
}
