import {
	createEventValidator,
	DEFAULT_VACCINE_CATALOG,
	EVENT_ERROR_MESSAGES,
	parseVaccineCatalog,
	type EventValidator,
	type ValidateEventResult,
	type VaccineCatalog
} from '#shared/index';
import type { Ledger } from '../ledger/ledger';
import type { SqlExecutor } from '../ledger/sql';

/** One stored version of the vaccine catalogue with its event validator. */
export interface CatalogVersion {
	readonly version: number;
	readonly catalog: VaccineCatalog;
	readonly validate: EventValidator;
}

/**
 * The vaccine catalogue as the server uses it: the stored versions (sync-server/ledger, table
 * vaccine_catalogs), each parsed and given its validator once. Versions are append-only (a
 * trigger refuses UPDATE and DELETE), so a version once read never changes and is kept here for
 * the life of the process. One instance per server (per database), made in startServer.
 *
 * Several processes on one PostgreSQL: a process must use a version another process stored.
 * Rather than a LISTEN/NOTIFY channel (a notice can arrive after the request that needs the
 * version), `current()` re-reads the highest version number before each use — one lookup on the
 * primary key — and loads only what it has not seen. Ingest, the hot path, does not even do
 * that per update: an event valid under a version already held is accepted without asking the
 * database; only an event that fails under every held version makes it look for newer ones
 * (see `validateAny` and `refresh`). A newer version can only accept more, never take back an acceptance.
 */
export class Catalogs {
	/** Versions 1..n, index = version − 1. */
	private versions: CatalogVersion[] = [];
	private loading: Promise<void> | null = null;

	constructor(private readonly ledger: Ledger) {}

	/** Stores the built-in default as version 1 when the table is empty (race-safe across processes). */
	async seed(): Promise<void> {
		await this.ledger.seedCatalog(DEFAULT_VACCINE_CATALOG);
		await this.load();
	}

	/** The current catalogue (re-reads the highest version number; loads it if new). */
	async current(exec?: SqlExecutor): Promise<CatalogVersion> {
		const latest = await this.ledger.latestCatalogVersion(exec);
		if (latest > this.versions.length) await this.load(exec);
		const found = this.versions[latest - 1] ?? this.versions.at(-1);
		if (!found) throw new Error('no vaccine catalogue stored: Catalogs.seed() runs at startup');
		return found;
	}

	/**
	 * The ingest rule, over the versions this process holds: a device's event is valid if it
	 * passes under the current catalogue or under any earlier stored version (a tablet that
	 * recorded offline under version N keeps its records after the office stored N+1). The
	 * errors returned are those of the newest version. Synchronous, so the update check stays
	 * synchronous; when it refuses, the caller asks `refresh()` and checks again if that found
	 * newer versions (ingest does).
	 */
	readonly validateAny: EventValidator = (input) => {
		let newest: ValidateEventResult | null = null;
		for (let i = this.versions.length - 1; i >= 0; i--) {
			const r = this.versions[i]!.validate(input);
			if (r.ok) return r;
			newest ??= r;
		}
		return (
			newest ?? {
				ok: false,
				errors: [{ path: '', code: 'PRODUCT_UNKNOWN', message: EVENT_ERROR_MESSAGES.PRODUCT_UNKNOWN }]
			}
		);
	};

	/** Loads versions stored since (by any process); true when there were any. */
	async refresh(): Promise<boolean> {
		const held = this.versions.length;
		if ((await this.ledger.latestCatalogVersion()) <= held) return false;
		await this.load();
		return this.versions.length > held;
	}

	/** Loads the versions not held yet; concurrent callers share one load. */
	private async load(exec?: SqlExecutor): Promise<void> {
		if (exec) return this.loadFrom(exec);
		this.loading ??= this.loadFrom().finally(() => (this.loading = null));
		return this.loading;
	}

	private async loadFrom(exec?: SqlExecutor): Promise<void> {
		const rows = await this.ledger.catalogVersions(this.versions.length, exec);
		for (const row of rows) {
			if (row.version !== this.versions.length + 1) break; // dense by construction; never skip one
			const parsed = parseVaccineCatalog(row.catalog);
			// Stored versions were checked before they were stored; one that no longer parses (a
			// schema tightened since) is still used as stored rather than dropping its records.
			const catalog = parsed.ok ? parsed.catalog : (row.catalog as VaccineCatalog);
			this.versions.push({ version: row.version, catalog, validate: createEventValidator(catalog) });
		}
	}
}
