import type { Plugin } from 'vite';

/** Where the list is written in the client build; the service worker reads it at install. */
export const OFFICE_ONLY_LIST = '_app/office-only.json';

interface ChunkLike {
	type: 'chunk';
	fileName: string;
	isEntry: boolean;
	imports: string[];
	dynamicImports: string[];
	moduleIds: string[];
	viteMetadata?: { importedCss: Set<string> };
}

const isOfficeRoute = (id: string) => /[\\/]client[\\/]routes[\\/]office[\\/]/.test(id);

/**
 * The files of the client build that only the back office uses: its route nodes and every chunk
 * and stylesheet reached from them and from nothing the station loads (chart.js, the office
 * pages' strings). The station's service worker leaves them out of its precache, so a tablet
 * does not download the office (issue 15). Pure: the bundle graph in, file names out.
 */
export function officeOnlyFiles(bundle: Record<string, { type: string }>): string[] {
	const chunks = Object.values(bundle).filter((c): c is ChunkLike => c.type === 'chunk');
	const byName = new Map(chunks.map((c) => [c.fileName, c]));
	// A route node of the office: its own code is an office page or layout.
	const officeNodes = new Set(chunks.filter((c) => c.fileName.includes('/nodes/') && c.moduleIds.some(isOfficeRoute)).map((c) => c.fileName));
	const reached = new Set<string>();
	const walk = (name: string) => {
		if (reached.has(name) || officeNodes.has(name)) return;
		reached.add(name);
		const c = byName.get(name);
		if (!c) return;
		// The router imports every node dynamically: an office node is where the walk stops.
		for (const next of [...c.imports, ...c.dynamicImports]) walk(next);
	};
	for (const c of chunks) if (c.isEntry || (c.fileName.includes('/nodes/') && !officeNodes.has(c.fileName))) walk(c.fileName);
	const stationCss = new Set(chunks.filter((c) => reached.has(c.fileName)).flatMap((c) => [...(c.viteMetadata?.importedCss ?? [])]));
	const office = chunks.filter((c) => !reached.has(c.fileName));
	const officeCss = office.flatMap((c) => [...(c.viteMetadata?.importedCss ?? [])]).filter((css) => !stationCss.has(css));
	return [...new Set([...office.map((c) => c.fileName), ...officeCss])].sort();
}

/** Writes officeOnlyFiles() of the client build as OFFICE_ONLY_LIST. */
export function officeOnlyList(): Plugin {
	return {
		name: 'office-only-list',
		apply: 'build',
		applyToEnvironment: (env) => env.name === 'client',
		generateBundle(_options, bundle) {
			this.emitFile({ type: 'asset', fileName: OFFICE_ONLY_LIST, source: JSON.stringify(officeOnlyFiles(bundle)) });
		}
	};
}
