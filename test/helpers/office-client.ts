/** The test administrator every test server is set up with (through the first-run API). */
export const TEST_ADMIN = { username: 'test-admin', password: 'test-admin-password-0123' } as const;

export class OfficeLoginError extends Error {
	constructor(
		readonly status: number,
		readonly code: string
	) {
		super(`office login refused: ${status} ${code}`);
	}
}

/**
 * A back-office browser in a test: keeps the session cookie and sends the CSRF token, as the
 * office pages do. `request` is raw (for asserting refusals); `json` expects success.
 */
export class OfficeClient {
	private constructor(
		readonly url: string,
		private readonly cookie: string,
		readonly csrfToken: string,
		readonly user: { id: string; username: string; role: string }
	) {}

	static async login(
		url: string,
		creds: { username: string; password: string } = TEST_ADMIN,
		totp?: string
	): Promise<OfficeClient> {
		const res = await fetch(`${url}/api/office/auth/login`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ ...creds, ...(totp ? { totp } : {}) })
		});
		if (res.status !== 200)
			throw new OfficeLoginError(res.status, ((await res.json()) as { error: { code: string } }).error.code);
		const cookie = res.headers
			.getSetCookie()
			.map((c) => c.split(';')[0]!)
			.join('; ');
		const body = (await res.json()) as { csrfToken: string; user: OfficeClient['user'] };
		return new OfficeClient(url, cookie, body.csrfToken, body.user);
	}

	/** The headers that carry this session (cookie and CSRF token), for a request written by hand. */
	sessionHeaders(): { cookie: string; 'x-csrf-token': string } {
		return { cookie: this.cookie, 'x-csrf-token': this.csrfToken };
	}

	request(
		path: string,
		init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}
	): Promise<Response> {
		const raw = init.body instanceof Uint8Array || typeof init.body === 'string';
		return fetch(`${this.url}${path}`, {
			method: init.method ?? 'GET',
			headers: {
				cookie: this.cookie,
				'x-csrf-token': this.csrfToken,
				...(init.body !== undefined && !raw ? { 'content-type': 'application/json' } : {}),
				...init.headers
			},
			...(init.body !== undefined ? { body: raw ? (init.body as BodyInit) : JSON.stringify(init.body) } : {})
		});
	}

	async json<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T> {
		const res = await this.request(path, { method, body });
		if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
		return (await res.json()) as T;
	}

	/** Creates an account (this client must be an admin) and returns a client signed in as it. */
	async createUser(
		role: 'staff' | 'supervisor' | 'admin',
		username = `${role}-${Math.random().toString(36).slice(2, 8)}`
	): Promise<OfficeClient> {
		const password = `${username}-password-0123`;
		await this.json('POST', '/api/office/users', { username, displayName: username, role, password });
		return OfficeClient.login(this.url, { username, password });
	}
}

/** Creates the test administrator with the server's first-run token. */
export async function setUpTestAdmin(url: string, setupToken: string): Promise<void> {
	const res = await fetch(`${url}/api/office/auth/setup`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({
			token: setupToken,
			username: TEST_ADMIN.username,
			displayName: 'テスト管理者',
			password: TEST_ADMIN.password
		})
	});
	if (res.status !== 201) throw new Error(`first-run setup failed: ${res.status} ${await res.text()}`);
}
