import { prepareZXingModule, readBarcodes } from 'zxing-wasm/reader';
import wasmUrl from 'zxing-wasm/reader/zxing_reader.wasm?url';

/**
 * The barcode decoder (ZXing C++ compiled to WebAssembly) served with the app itself: by
 * default zxing-wasm fetches its .wasm from a CDN, which a venue without network cannot reach,
 * so its location is pointed at the file Vite bundles (and the service worker precaches).
 */
let prepared = false;
function prepare(): void {
	if (prepared) return;
	prepareZXingModule({
		overrides: { locateFile: (path: string, prefix: string) => (path.endsWith('.wasm') ? wasmUrl : prefix + path) },
		fireImmediately: false
	});
	prepared = true;
}

/**
 * Symbologies a ticket (QR from the third dose, NW-7 on older tickets) or another printed code
 * may carry; what a code says is then checked by parseTicket like any other input.
 */
const FORMATS = ['QRCode', 'MicroQRCode', 'Codabar', 'Code128', 'ITF', 'DataMatrix'] as const;

/** The first code's text in a video frame, or null. */
export async function decodeFrame(image: ImageData): Promise<string | null> {
	prepare();
	const results = await readBarcodes(image, { formats: [...FORMATS], tryHarder: true, maxNumberOfSymbols: 1 });
	const hit = results.find((r) => r.isValid && r.text !== '');
	return hit ? hit.text : null;
}
