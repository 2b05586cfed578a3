import type { VaccineCatalog } from '#shared/index';
import type { VaccinationRecord } from '#shared/office/reconciliation-api';
import { JAPAN_TIME_ZONE } from '#shared/domain/japan-time';
import type { SqlExecutor } from '../ledger/sql';

/**
 * 接種記録の証明: what a resident who lost their 接種済証 is given, for one ticket — each active
 * dose as the ledger holds it now (after corrections and voids): 回数, 接種年月日, メーカー and
 * Lot No., 接種会場. We hold no name, address or birth date: the page leaves them for staff to
 * fill in by hand after checking identity.
 */
export async function vaccinationRecord(
	db: SqlExecutor,
	m: { code: string; name: string },
	ticketNumber: string,
	catalog: VaccineCatalog
): Promise<VaccinationRecord> {
	const { rows } = await db.query<{
		dose_number: number;
		given_day: string;
		site_code: string;
		site_name: string | null;
		record: unknown;
	}>(
		`SELECT r.dose_number, to_char(r.given_at AT TIME ZONE '${JAPAN_TIME_ZONE}', 'YYYY-MM-DD') AS given_day, r.site_code, s.name AS site_name, r.record
		 FROM dose_records r LEFT JOIN sites s ON s.code = r.site_code
		 WHERE r.municipality = $1 AND r.ticket_number = $2 AND r.status = 'active' AND r.outcome = 'dose'
		 ORDER BY r.dose_number, r.given_at`,
		[m.code, ticketNumber]
	);
	return {
		municipality: m.code,
		municipalityName: m.name,
		ticketNumber,
		doses: rows.map((r) => {
			const record = (typeof r.record === 'string' ? JSON.parse(r.record) : r.record) as {
				vaccine: { product: string; maker: string; lot: string };
			};
			const product = catalog.products.find((p) => p.code === record.vaccine.product);
			return {
				doseNumber: Number(r.dose_number),
				givenOn: r.given_day,
				maker: catalog.makers[record.vaccine.maker]?.name ?? record.vaccine.maker,
				product: product?.name ?? record.vaccine.product,
				lot: record.vaccine.lot,
				site: r.site_name ?? r.site_code
			};
		})
	};
}
