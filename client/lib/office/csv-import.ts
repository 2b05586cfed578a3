/** What every CSV import preview answers (lots, the vaccine catalogue): the file's hash and each line's errors. */
export interface CsvImportPreview {
	sha256: string;
	errors: { line: number | null; column: string | null; message: string }[];
}
