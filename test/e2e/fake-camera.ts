import { writeFile } from 'node:fs/promises';
import qrcode from 'qrcode-generator';

/**
 * A Y4M video of a QR code for Chromium's fake camera (--use-file-for-fake-video-capture):
 * white page, black modules, 640×480, the same frame repeated. Pure luma, neutral chroma.
 */
export async function writeQrVideo(path: string, text: string): Promise<void> {
	const [W, H] = [640, 480];
	const qr = qrcode(0, 'M');
	qr.addData(text);
	qr.make();
	const n = qr.getModuleCount();
	const scale = Math.floor(Math.min(W, H) / (n + 8));
	const [x0, y0] = [Math.floor((W - n * scale) / 2), Math.floor((H - n * scale) / 2)];
	const y = new Uint8Array(W * H).fill(235);
	for (let r = 0; r < n; r++)
		for (let c = 0; c < n; c++)
			if (qr.isDark(r, c)) for (let dy = 0; dy < scale; dy++) y.fill(16, (y0 + r * scale + dy) * W + x0 + c * scale, (y0 + r * scale + dy) * W + x0 + (c + 1) * scale);
	const chroma = new Uint8Array((W / 2) * (H / 2)).fill(128);
	const frame = Buffer.concat([Buffer.from('FRAME\n'), y, chroma, chroma]);
	await writeFile(path, Buffer.concat([Buffer.from(`YUV4MPEG2 W${W} H${H} F10:1 Ip A1:1 C420jpeg\n`), ...Array(10).fill(frame)]));
}
