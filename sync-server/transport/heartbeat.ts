import type { WebSocket } from 'ws';

/**
 * The server's side of liveness (issue 15): a WebSocket ping frame every interval, which a
 * browser answers by itself; a connection that did not answer the previous one is terminated,
 * so a device whose link died silently does not hold a connection (and its venue subscription)
 * for ever. The device's side is MSG_PING / MSG_PONG (shared/sync/liveness.ts).
 * Returns the function that stops it.
 */
export function startHeartbeat(ws: WebSocket, intervalMs: number, onDead: () => void): () => void {
	let answered = true;
	const onPong = () => (answered = true);
	ws.on('pong', onPong);
	const timer = setInterval(() => {
		if (!answered) {
			stop();
			onDead();
			ws.terminate();
			return;
		}
		answered = false;
		ws.ping();
	}, intervalMs);
	timer.unref();
	function stop() {
		clearInterval(timer);
		ws.off('pong', onPong);
	}
	return stop;
}
