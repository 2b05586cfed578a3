import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import qrcode from 'qrcode-generator';
import { prepareZXingModule, writeBarcode } from 'zxing-wasm/writer';
import { ROOT } from '../helpers/server-process';

/**
 * Videos for Chromium's fake camera (--use-file-for-fake-video-capture): a printed code on
 * white paper, 640×480, one frame repeated, in Y4M (luma only; chroma neutral).
 */
const [W, H] = [640, 480];
const PAPER = 235;
const INK = 16;

async function writeY4m(path: string, luma: Uint8Array): Promise<void> {
	const chroma = new Uint8Array((W / 2) * (H / 2)).fill(128);
	const frame = Buffer.concat([Buffer.from('FRAME\n'), luma, chroma, chroma]);
	await writeFile(
		path,
		Buffer.concat([Buffer.from(`YUV4MPEG2 W${W} H${H} F10:1 Ip A1:1 C420jpeg\n`), ...Array(10).fill(frame)])
	);
}

export async function writeQrVideo(path: string, text: string): Promise<void> {
	const qr = qrcode(0, 'M');
	qr.addData(text);
	qr.make();
	const n = qr.getModuleCount();
	const scale = Math.floor(Math.min(W, H) / (n + 8));
	const [x0, y0] = [Math.floor((W - n * scale) / 2), Math.floor((H - n * scale) / 2)];
	const luma = new Uint8Array(W * H).fill(PAPER);
	for (let r = 0; r < n; r++)
		for (let c = 0; c < n; c++)
			if (qr.isDark(r, c))
				for (let dy = 0; dy < scale; dy++)
					luma.fill(INK, (y0 + r * scale + dy) * W + x0 + c * scale, (y0 + r * scale + dy) * W + x0 + (c + 1) * scale);
	await writeY4m(path, luma);
}

/**
 * An NW-7 (Codabar) barcode, encoded by ZXing's writer: an encoder independent of the app's
 * decoding path, so the test does not let the decoder check itself.
 */
export async function writeCodabarVideo(path: string, text: string): Promise<void> {
	prepareZXingModule({
		overrides: {
			wasmBinary: readFileSync(`${ROOT}/node_modules/zxing-wasm/dist/writer/zxing_writer.wasm`).buffer
		} as never,
		fireImmediately: false
	});
	const written = await writeBarcode(text, { format: 'Codabar' });
	if (written.error) throw new Error(written.error);
	// The first text row has one character per module, dark where a bar is.
	const modules = Array.from(written.utf8.split('\n')[0]!, (ch) => ch !== ' ');
	const scale = Math.floor((W - 80) / modules.length);
	const x0 = Math.floor((W - modules.length * scale) / 2);
	const luma = new Uint8Array(W * H).fill(PAPER);
	for (let row = 140; row < 340; row++)
		modules.forEach((dark, i) => {
			if (dark) luma.fill(INK, row * W + x0 + i * scale, row * W + x0 + (i + 1) * scale);
		});
	await writeY4m(path, luma);
}
