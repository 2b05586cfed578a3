import qrcode from 'qrcode-generator';

/** An SVG QR code (error correction M) of a text, for the back office to show and print. */
export function qrSvg(text: string): string {
	const qr = qrcode(0, 'M');
	qr.addData(text);
	qr.make();
	return qr.createSvgTag({ cellSize: 4, margin: 4, scalable: true });
}
