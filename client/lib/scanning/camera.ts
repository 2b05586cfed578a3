import { decodeFrame } from './decoder';

/**
 * Reads codes from the camera: the rear camera's stream in a live viewfinder, a frame decoded
 * a few times a second until a code is found. Returns a function that stops the camera.
 */
export async function startCameraScan(
	video: HTMLVideoElement,
	onCode: (text: string) => void,
	onError: (e: unknown) => void
): Promise<() => void> {
	const stream = await navigator.mediaDevices.getUserMedia({
		video: { facingMode: 'environment', width: { ideal: 1280 }, height: { ideal: 720 } },
		audio: false
	});
	video.srcObject = stream;
	video.muted = true;
	video.playsInline = true;
	await video.play();
	const canvas = document.createElement('canvas');
	const context = canvas.getContext('2d', { willReadFrequently: true })!;
	let stopped = false;
	let timer: ReturnType<typeof setTimeout> | null = null;
	const stop = () => {
		stopped = true;
		if (timer) clearTimeout(timer);
		for (const track of stream.getTracks()) track.stop();
		video.srcObject = null;
	};
	const tick = async () => {
		if (stopped) return;
		try {
			if (video.videoWidth > 0) {
				canvas.width = video.videoWidth;
				canvas.height = video.videoHeight;
				context.drawImage(video, 0, 0);
				const text = await decodeFrame(context.getImageData(0, 0, canvas.width, canvas.height));
				if (text && !stopped) {
					stop();
					onCode(text);
					return;
				}
			}
		} catch (e) {
			onError(e);
		}
		timer = setTimeout(() => void tick(), 150);
	};
	void tick();
	return stop;
}
