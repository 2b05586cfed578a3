import type { VaccineCatalog, VaccineProduct } from '../domain/vaccines';

/**
 * The vaccine catalogue API (/api/office/products, /makers, /products/import…): answers written
 * by the server, read by the office's products page. The catalogue is stored as whole
 * versions; every change names the version it was based on.
 */

/** GET /api/office/products */
export interface CatalogAnswer {
	version: number;
	catalog: VaccineCatalog;
}

/** A product as PUT /api/office/products sends it (the catalogue's own shape). */
export type ProductInput = VaccineProduct;

export type CatalogChangeAction = 'insert' | 'update' | 'unchanged';

/** PUT /products and PUT /makers: the version now current and what happened. */
export interface CatalogChangeAnswer {
	version: number;
	action: CatalogChangeAction;
}

/** One problem of an import file's line (column null: the whole line or the file). */
export interface CatalogLineError {
	line: number | null;
	column: string | null;
	code: string;
	message: string;
}

/** One product of an import file and what committing it would do. */
export interface PlannedProduct {
	code: string;
	name: string;
	action: CatalogChangeAction;
	lines: number[];
}

/** POST /products/import/preview */
export interface CatalogImportPreview {
	sha256: string;
	encoding: 'utf-8' | 'utf-8-bom' | 'shift_jis';
	totalLines: number;
	basedOn: number;
	errors: CatalogLineError[];
	products: PlannedProduct[];
	makers: { code: string; name: string; action: CatalogChangeAction }[];
}

/** POST /products/import */
export interface CatalogImportAnswer {
	sha256: string;
	version: number;
	inserted: number;
	updated: number;
	unchanged: number;
}

/** The import file's columns, in the order the template lists them. */
export const CATALOG_CSV_COLUMNS = [
	'製品コード',
	'製品名',
	'製造販売業者コード',
	'製造販売業者名',
	'GTIN',
	'接種量mL',
	'部位',
	'方法',
	'最大接種回数',
	'接種間隔日'
] as const;
