/**
 * Pure code shared by the PWA and the sync server: domain rules, the event schema, the wire
 * protocol and the device side of sync. No DOM, no Node built-ins, no I/O.
 */
export { toAsciiDigits, toHalfWidth, compactDigits } from './domain/digits';
export {
	isIsoDate,
	isIsoTimestamp,
	parseIsoTimestamp,
	serviceDateOf,
	serviceDateAt,
	daysBetween
} from './domain/dates';
export {
	JAPAN_TIME_ZONE,
	JAPAN_UTC_OFFSET_MINUTES,
	japanDateAt,
	japanHourAt,
	japanMidnight,
	formatJapanDateTime,
	formatJapanDateMinute,
	formatJapanTime
} from './domain/japan-time';
export { isValidMunicipalityCode, municipalityCheckDigit } from './domain/municipality';
export {
	CODE_PATTERN,
	UUID_PATTERN,
	UUID_V7_PATTERN,
	CODE_FORMAT_MESSAGE,
	isCode,
	isUuid,
	Code,
	StaffCode,
	SiteCode,
	Uuid
} from './domain/codes';
export {
	isMyNumber,
	containsMyNumber,
	locateMyNumber,
	stringContainsMyNumber,
	myNumberCheckDigit,
	redactMyNumbers,
	MY_NUMBER_REDACTED,
	MY_NUMBER_MESSAGE
} from './domain/my-number';
export {
	parseTicket,
	groupTicketNumber,
	TICKET_ERROR_CODES,
	TICKET_ERROR_MESSAGES,
	type Ticket,
	type ParseTicketResult,
	type TicketErrorCode
} from './domain/ticket';
export {
	parseGs1,
	isValidGtin,
	gs1CheckDigit,
	gs1DateToIso,
	GS,
	GS1_SYMBOLOGY_IDENTIFIERS,
	GS1_ERROR_CODES,
	GS1_ERROR_MESSAGES,
	LOT_PATTERN,
	type ParseGs1Result,
	type Gs1ErrorCode
} from './domain/gs1';
export {
	DEFAULT_VACCINE_CATALOG,
	DOSE_NUMBER_LIMIT,
	INJECTION_SITES,
	INJECTION_SITE_LABELS,
	ROUTES,
	ROUTE_LABELS,
	VaccineCatalogSchema,
	ProductSchema,
	CATALOG_ERROR_MESSAGES,
	catalogIssueCode,
	type CatalogErrorCode,
	parseVaccineCatalog,
	findProduct,
	productForGtin,
	minIntervalDays,
	type VaccineCatalog,
	type VaccineProduct,
	type InjectionSite,
	type Route,
	type ParseCatalogResult
} from './domain/vaccines';
export {
	doseSequenceProblem,
	ticketDoseAgrees,
	isLotUsableOn,
	type DoseSequenceProblem,
	type DoseInSequence
} from './domain/rules';
export { batchId, parseBatchId, isSiteCode, BATCH_EVENTS, type BatchKey } from './domain/batch';
export {
	validateEvent,
	createEventValidator,
	recordOf,
	EventSchema,
	DoseEventSchema,
	NotVaccinatedEventSchema,
	CorrectionEventSchema,
	VoidEventSchema,
	BatchCloseEventSchema,
	CorrectedRecordSchema,
	VaccineUseSchema,
	MAX_DOSE_NUMBER,
	CLOCK_TOLERANCE_MS,
	NOT_VACCINATED_REASONS,
	NOT_VACCINATED_REASON_LABELS,
	SETTINGS,
	EVENT_ERROR_CODES,
	EVENT_ERROR_MESSAGES,
	type DoseEvent,
	type DoseRecordEvent,
	type NotVaccinatedEvent,
	type CorrectionEvent,
	type VoidEvent,
	type BatchCloseEvent,
	type BatchReopenEvent,
	type CorrectedRecord,
	type VaccineUse,
	type EventType,
	type EventError,
	type EventErrorCode,
	type EventValidator,
	type ValidateEventResult,
	type NotVaccinatedReason
} from './domain/event';
