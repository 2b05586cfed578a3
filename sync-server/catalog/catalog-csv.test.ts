import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { DEFAULT_VACCINE_CATALOG, findProduct, parseVaccineCatalog } from '#shared/index';
import { parseProductFile, planProductImport } from './catalog-csv';

const enc = (s: string) => new TextEncoder().encode(s);
const HEADER = '製品コード,製品名,製造販売業者コード,製造販売業者名,GTIN,接種量mL,部位,方法,最大接種回数,接種間隔日';
const FILE = [
	HEADER,
	'comirnaty,コミナティ筋注,pfizer,ファイザー,09520000001018;9520000001025;09520000009014,0.3;0.2,左上腕;右上腕;左大腿;右大腿,筋肉内注射,6,21;90;90;90;90',
	'newvax,新ワクチン筋注,kmb,KMバイオロジクス,09520000009021,0.5,left-deltoid;right-deltoid,intramuscular,2,28',
	''
].join('\r\n');

describe('catalogue CSV', () => {
	it('reads products with lists, labels and GTIN-13, in UTF-8, UTF-8 with BOM and Shift_JIS', () => {
		const r = parseProductFile(enc(FILE));
		expect(r).toMatchObject({ ok: true, encoding: 'utf-8', totalLines: 2, errors: [] });
		if (!r.ok) return;
		expect(r.lines[0]!.product).toEqual({
			code: 'comirnaty',
			name: 'コミナティ筋注',
			maker: 'pfizer',
			gtins: ['09520000001018', '09520000001025', '09520000009014'],
			volumesMl: [0.3, 0.2],
			sites: ['left-deltoid', 'right-deltoid', 'left-thigh', 'right-thigh'],
			routes: ['intramuscular'],
			maxDoseNumber: 6,
			minIntervalDays: { 2: 21, 3: 90, 4: 90, 5: 90, 6: 90 }
		});
		expect(r.lines[1]).toMatchObject({ line: 3, makerName: 'KMバイオロジクス' });
		expect(parseProductFile(iconv.encode(FILE, 'cp932'))).toMatchObject({
			ok: true,
			encoding: 'shift_jis',
			totalLines: 2
		});
		expect(parseProductFile(new Uint8Array([0xef, 0xbb, 0xbf, ...enc(FILE)]))).toMatchObject({
			ok: true,
			encoding: 'utf-8-bom'
		});
	});

	it('plans inserts, updates and new makers against the catalogue, and the same file again changes nothing', () => {
		const r = parseProductFile(enc(FILE));
		if (!r.ok) throw new Error(r.message);
		const plan = planProductImport(DEFAULT_VACCINE_CATALOG, r.lines);
		expect(plan.errors).toEqual([]);
		expect(plan.products.map((p) => [p.code, p.action])).toEqual([
			['comirnaty', 'update'],
			['newvax', 'insert']
		]);
		expect(plan.makers).toEqual([
			{ code: 'pfizer', name: 'ファイザー', action: 'unchanged' },
			{ code: 'kmb', name: 'KMバイオロジクス', action: 'insert' }
		]);
		expect(parseVaccineCatalog(plan.catalog).ok).toBe(true);
		// Products absent from the file stay.
		expect(plan.catalog.products.map((p) => p.code)).toEqual([
			...DEFAULT_VACCINE_CATALOG.products.map((p) => p.code),
			'newvax'
		]);
		const again = planProductImport(plan.catalog, r.lines);
		expect(again.changed).toBe(false);
		expect(again.products.every((p) => p.action === 'unchanged')).toBe(true);
	});

	it('names every bad line and column', () => {
		const bad = [
			HEADER,
			'bad code!,名前,pfizer,,09520000001018,0.3,左上腕,筋注,2,21',
			'x1,,pfizer,,09520000009015,0,左耳,経口,2,21;90',
			'x2,名前,nobody,,,0.5,左上腕,筋注,3,21',
			'x3,名前,pfizer,,09520000002015,0.5,左上腕,筋注,1,',
			'x4,名前,pfizer,,,0.5,左上腕,筋注,1,',
			'x4,名前,pfizer,,,0.5,左上腕,筋注,1,'
		].join('\n');
		const r = parseProductFile(enc(bad));
		if (!r.ok) throw new Error(r.message);
		expect(r.errors.map((e) => [e.line, e.column, e.code])).toEqual([
			[2, '製品コード', 'CODE_FORMAT'],
			[3, '製品名', 'NAME_REQUIRED'],
			[3, 'GTIN', 'GTIN_INVALID'],
			[3, '接種量mL', 'VOLUMES_INVALID'],
			[3, '部位', 'SITES_INVALID'],
			[3, '方法', 'ROUTES_INVALID'],
			[3, '接種間隔日', 'INTERVALS_INVALID'],
			[4, '接種間隔日', 'INTERVALS_INVALID'],
			[7, '製品コード', 'PRODUCT_DUPLICATE']
		]);
		expect(r.errors[0]!.message).toMatch(/^2行目「製品コード」: /);
		// Against the catalogue: an unknown maker without a name; a GTIN another product holds.
		const plan = planProductImport(DEFAULT_VACCINE_CATALOG, r.lines);
		expect(plan.errors.map((e) => [e.line, e.code])).toEqual([[5, 'GTIN_TAKEN']]);
		const unknownMaker = parseProductFile(enc(`${HEADER}\nx9,名前,nobody,,,0.5,左上腕,筋注,1,\n`));
		if (!unknownMaker.ok) throw new Error(unknownMaker.message);
		expect(planProductImport(DEFAULT_VACCINE_CATALOG, unknownMaker.lines).errors.map((e) => [e.line, e.code])).toEqual([
			[2, 'MAKER_UNKNOWN']
		]);
	});

	it('lets a GTIN move between products within one file', () => {
		const moved = [
			HEADER,
			'spikevax,スパイクバックス筋注,moderna,,09520000002022,0.5;0.25,左上腕;右上腕;左大腿;右大腿,筋肉内注射,6,28;90;90;90;90',
			'comirnaty,コミナティ筋注,pfizer,,09520000001018;09520000001025;09520000002015,0.3;0.2,左上腕;右上腕;左大腿;右大腿,筋肉内注射,6,21;90;90;90;90'
		].join('\n');
		const r = parseProductFile(enc(moved));
		if (!r.ok) throw new Error(r.message);
		const plan = planProductImport(DEFAULT_VACCINE_CATALOG, r.lines);
		expect(plan.errors).toEqual([]);
		expect(findProduct(plan.catalog, 'comirnaty')!.gtins).toContain('09520000002015');
	});

	it('refuses whole files holding a My Number or that cannot be read', () => {
		const mine = parseProductFile(enc(`${HEADER}\nx1,名前 123456789018,pfizer,,,0.5,左上腕,筋注,1,\n`));
		expect(mine).toMatchObject({ ok: false, code: 'MY_NUMBER' });
		expect(JSON.stringify(mine)).not.toContain('123456789018');
		expect(parseProductFile(enc('code,name\nA,B\n'))).toMatchObject({ ok: false, code: 'BAD_HEADER' });
		expect(parseProductFile(enc(`${HEADER}\n`))).toMatchObject({ ok: false, code: 'EMPTY_FILE' });
		expect(parseProductFile(enc(`${HEADER}\n"x1,名前\n`))).toMatchObject({ ok: false, code: 'CSV_MALFORMED' });
		expect(parseProductFile(new Uint8Array([0xff, 0xfe, 0x41, 0x00]))).toMatchObject({ ok: false, code: 'ENCODING' });
	});
});
