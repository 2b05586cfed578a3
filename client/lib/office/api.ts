/**
 * The back office's calls to the API: same origin, the session cookie sent by the browser,
 * the CSRF token on every change, and errors as `ApiError` with the server's stable code and
 * (Japanese) message. A 401 means the session ended (idle timeout, logout elsewhere): the
 * shell shows the login form again.
 */
export class ApiError extends Error {
	constructor(
		readonly status: number,
		readonly code: string,
		message: string,
		readonly body: unknown = null
	) {
		super(message);
	}
}

interface ApiHooks {
	csrfToken: () => string | null;
	onSessionEnded: () => void;
}

let hooks: ApiHooks = { csrfToken: () => null, onSessionEnded: () => undefined };

/** Set once by the office session (the only state this module keeps). */
export function connectApi(h: ApiHooks): void {
	hooks = h;
}

type ErrorBody = { error?: { code?: string; message?: string } } | null;

function parseBody(text: string): ErrorBody {
	try {
		return JSON.parse(text) as ErrorBody;
	} catch {
		return null;
	}
}

/** The ApiError of a failed response (and the end of the session when the server says so). */
function errorOf(status: number, body: ErrorBody): ApiError {
	if (status === 401 && body?.error?.code === 'SESSION_REQUIRED') hooks.onSessionEnded();
	return new ApiError(
		status,
		body?.error?.code ?? `HTTP_${status}`,
		body?.error?.message ?? `サーバーエラー（${status}）`,
		body
	);
}

async function fail(res: Response): Promise<never> {
	throw errorOf(res.status, parseBody(await res.text()));
}

export async function api<T>(
	method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
	path: string,
	body?: unknown
): Promise<T> {
	const headers: Record<string, string> = {};
	const csrf = hooks.csrfToken();
	if (method !== 'GET' && csrf) headers['x-csrf-token'] = csrf;
	if (body !== undefined) headers['content-type'] = 'application/json';
	let res: Response;
	try {
		res = await fetch(path, {
			method,
			headers,
			credentials: 'same-origin',
			...(body !== undefined ? { body: JSON.stringify(body) } : {})
		});
	} catch {
		throw new ApiError(0, 'NETWORK', 'サーバーに接続できません。ネットワークを確認してください。');
	}
	if (!res.ok) return fail(res);
	return (await res.json()) as T;
}

/** Downloads a file the server generates (exports): returns its bytes and the server's file name. */
export async function download(
	path: string,
	init: { method?: 'GET' | 'POST'; body?: unknown } = {}
): Promise<{ blob: Blob; fileName: string }> {
	const method = init.method ?? 'GET';
	const headers: Record<string, string> = {};
	const csrf = hooks.csrfToken();
	if (method !== 'GET' && csrf) headers['x-csrf-token'] = csrf;
	if (init.body !== undefined) headers['content-type'] = 'application/json';
	const res = await fetch(path, {
		method,
		headers,
		credentials: 'same-origin',
		...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {})
	});
	if (!res.ok) return fail(res);
	const disposition = res.headers.get('content-disposition') ?? '';
	const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
	const plain = /filename="([^"]+)"/i.exec(disposition);
	return { blob: await res.blob(), fileName: star ? decodeURIComponent(star[1]!) : (plain?.[1] ?? 'download') };
}

/** Saves a blob through the browser's download. */
export function saveBlob(blob: Blob, fileName: string): void {
	const url = URL.createObjectURL(blob);
	const a = document.createElement('a');
	a.href = url;
	a.download = fileName;
	a.click();
	setTimeout(() => URL.revokeObjectURL(url), 0);
}

/**
 * Sends a file as the raw request body, reporting upload progress (0–1): XMLHttpRequest, because
 * fetch has no upload progress events.
 */
export function upload<T>(
	path: string,
	file: Blob,
	contentType: string,
	onProgress: (fraction: number) => void,
	query = ''
): Promise<T> {
	return new Promise((resolve, reject) => {
		const xhr = new XMLHttpRequest();
		xhr.open('POST', path + query);
		xhr.setRequestHeader('content-type', contentType);
		const csrf = hooks.csrfToken();
		if (csrf) xhr.setRequestHeader('x-csrf-token', csrf);
		xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
		xhr.onerror = () =>
			reject(new ApiError(0, 'NETWORK', 'サーバーに接続できません。ネットワークを確認してください。'));
		xhr.onload = () => {
			const body = parseBody(xhr.responseText);
			if (xhr.status >= 200 && xhr.status < 300) resolve(body as T);
			else reject(errorOf(xhr.status, body));
		};
		xhr.send(file);
	});
}
