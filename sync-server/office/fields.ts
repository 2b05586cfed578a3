import * as v from 'valibot';
import type { PasswordProblem } from './passwords';

/** Account fields as the API and the CLI accept them. */
export const USERNAME = v.pipe(
	v.string(),
	v.regex(/^[a-z0-9._-]{3,40}$/, 'username: 3–40 lower-case letters, digits, . _ -')
);
export const DISPLAY_NAME = v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(60));
export const PASSWORD = v.pipe(v.string(), v.maxLength(256));

export const PASSWORD_MESSAGES: Record<PasswordProblem, string> = {
	PASSWORD_TOO_SHORT: 'パスワードは12文字以上にしてください。',
	PASSWORD_TOO_LONG: 'パスワードが長すぎます。',
	PASSWORD_MY_NUMBER: '個人番号（マイナンバー）と思われる数字はパスワードに使えません。'
};
