/**
 * Pure code shared by the PWA and the sync server: domain rules, the event schema, the wire
 * protocol and the device side of sync. No DOM, no Node built-ins, no I/O.
 */
export { toAsciiDigits, compactDigits } from './domain/digits';
export { isValidMunicipalityCode, municipalityCheckDigit } from './domain/municipality';
export { isMyNumber, containsMyNumber, myNumberCheckDigit, MY_NUMBER_MESSAGE } from './domain/my-number';
export { parseTicket, groupTicketNumber, type Ticket, type ParseTicketResult, type TicketErrorCode } from './domain/ticket';
export { batchId, parseBatchId, isSiteCode, BATCH_EVENTS, type BatchKey } from './domain/batch';
export { validateEvent, MAX_DOSE_NUMBER, type DoseEvent, type DoseRecordEvent, type EventError } from './domain/event';
