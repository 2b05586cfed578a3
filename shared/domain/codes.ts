import * as v from 'valibot';

/**
 * The shapes of the identifiers the product passes around, written once. Forms, routes, CSV
 * readers and the event schema all test against these, so a code one of them accepts is never
 * refused by another.
 */

/**
 * A code the municipality assigns (staff, site, doctor, product, maker): 1–20 ASCII letters,
 * digits, `_` or `-`. Kept to ASCII so it sorts, compares and prints the same on every device,
 * in SQL and in CP932 export files.
 */
export const CODE_TEXT = '[0-9A-Za-z_-]{1,20}';
export const CODE_PATTERN = new RegExp(`^${CODE_TEXT}$`);

/** An id the product made (device, user, export, event…): a lowercase RFC 9562 UUID. */
export const UUID_TEXT = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
export const UUID_PATTERN = new RegExp(`^${UUID_TEXT}$`);

/** An event id: a lowercase UUIDv7 (time-ordered, made on the device: shared/ids.ts). */
export const UUID_V7_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** The Japanese message for a code of the wrong shape, on every screen that asks for one. */
export const CODE_FORMAT_MESSAGE = 'コードは英数字と _ - の20文字以内です';

export const isCode = (value: unknown): value is string => typeof value === 'string' && CODE_PATTERN.test(value);
export const isUuid = (value: unknown): value is string => typeof value === 'string' && UUID_PATTERN.test(value);

/** A code, for valibot schemas (forms, routes, the vaccine catalogue). */
export const Code = v.pipe(v.string(), v.regex(CODE_PATTERN, CODE_FORMAT_MESSAGE));
/** The operator's staff code. */
export const StaffCode = Code;
/** A venue's or clinic's code (接種会場コード / 医療機関コード). */
export const SiteCode = Code;
/** A product-made id, for valibot schemas (route parameters, API bodies). */
export const Uuid = v.pipe(v.string(), v.regex(UUID_PATTERN, 'must be a UUID'));
