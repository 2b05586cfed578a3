/**
 * Makes the installed app's PNG icons from client/static/icon.svg, once (the PNGs are committed;
 * run again only when the SVG changes): `node --import tsx test/tools/make-icons.ts`.
 * Rendered by the Chromium the tests use, so no image library is added for four files.
 * - icon-192.png, icon-512.png: the SVG as it is (rounded square, purpose "any").
 * - icon-maskable-512.png: full-bleed background with the mark inside the central 80 % safe
 *   zone, so a launcher's circle or squircle mask never cuts it (purpose "maskable").
 * - apple-touch-icon.png (180): opaque and square; iOS rounds the corners itself.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { CHROMIUM_LAUNCH } from '../e2e/chromium';

const STATIC = join(import.meta.dirname, '..', '..', 'client', 'static');
const svg = readFileSync(join(STATIC, 'icon.svg'), 'utf8');
const mark = svg
	.replace(/<rect[^>]*\/>/, '')
	.replace(/^<svg[^>]*>/, '')
	.replace(/<\/svg>\s*$/, '');
const BLUE = '#0b5cad';

const variants: { file: string; size: number; body: string }[] = [
	{ file: 'icon-192.png', size: 192, body: svg },
	{ file: 'icon-512.png', size: 512, body: svg },
	{
		file: 'icon-maskable-512.png',
		size: 512,
		body: `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512"><rect width="512" height="512" fill="${BLUE}"/><g transform="translate(76.8 76.8) scale(0.7)">${mark}</g></svg>`
	},
	{
		file: 'apple-touch-icon.png',
		size: 180,
		body: `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512"><rect width="512" height="512" fill="${BLUE}"/>${mark}</svg>`
	}
];

const browser = await chromium.launch(CHROMIUM_LAUNCH);
try {
	for (const v of variants) {
		const page = await browser.newPage({ viewport: { width: v.size, height: v.size } });
		const sized = v.body.replace('<svg ', `<svg width="${v.size}" height="${v.size}" `);
		await page.setContent(`<html><body style="margin:0;background:transparent">${sized}</body></html>`);
		await page.locator('svg').screenshot({ path: join(STATIC, v.file), omitBackground: true });
		await page.close();
		console.log(v.file, v.size);
	}
} finally {
	await browser.close();
}
