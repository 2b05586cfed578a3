import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '#shared/office/roles';
import { startTestServer, type TestServer } from '../helpers/in-process-server';
import { OfficeClient } from '../helpers/office-client';

const ALL: Role[] = ['staff', 'supervisor', 'admin'];
const ADMIN: Role[] = ['admin'];
const AUDIT: Role[] = ['supervisor', 'admin'];
const RECONCILE: Role[] = ['staff', 'supervisor'];
const SUPERVISOR: Role[] = ['supervisor'];

/**
 * Who may call each API route, written down independently of the code. Every route the app
 * registers must be listed here (a new route without an entry fails the test), and each is
 * called as nobody and as every role: the roles not listed must get 401/403, the listed ones
 * must get through the guard.
 */
const POLICY: Record<string, Role[] | 'public'> = {
	'POST /api/enrol': 'public',
	'GET /api/device-policy': 'public',
	'POST /api/office/auth/login': 'public',
	'GET /api/office/auth/setup': 'public',
	'POST /api/office/auth/setup': 'public',
	'GET /api/office/auth/session': ALL,
	'POST /api/office/auth/password': ALL,
	'POST /api/office/auth/totp/begin': ALL,
	'POST /api/office/auth/totp/confirm': ALL,
	'POST /api/office/auth/logout': ALL,
	'GET /api/office/users': ADMIN,
	'POST /api/office/users': ADMIN,
	'PATCH /api/office/users/:id': ADMIN,
	'POST /api/office/users/:id/password': ADMIN,
	'POST /api/office/users/:id/unlock': ADMIN,
	'POST /api/office/users/:id/totp/disable': ADMIN,
	'POST /api/admin/enrolments': ADMIN,
	'GET /api/admin/devices': ADMIN,
	'POST /api/admin/devices/:id/revoke': ADMIN,
	'POST /api/admin/devices/:id/retire': ADMIN,
	'GET /api/admin/lots': ADMIN,
	'PUT /api/admin/lots': ADMIN,
	'GET /api/office/audit': AUDIT,
	'GET /api/office/audit/actors': AUDIT,
	'GET /api/office/audit/verify': AUDIT,
	'GET /api/office/dashboard': ALL,
	'GET /api/office/register/imports': ALL,
	'POST /api/office/register/imports': ALL,
	'GET /api/office/register/imports/:id': ALL,
	'POST /api/office/register/imports/:id/commit': ALL,
	'POST /api/office/register/imports/:id/discard': ALL,
	'GET /api/office/register/tickets/:municipality/:ticketNumber': ALL,
	// Reconciliation (batches, queue, ticket history)
	'GET /api/office/batches': ALL,
	'GET /api/office/batches/:device/:site/:day': ALL,
	'POST /api/office/batches/:device/:site/:day/check': RECONCILE,
	'POST /api/office/batches/:device/:site/:day/approve': SUPERVISOR,
	// Closing a batch on its device's behalf (lost tablet) is the approving role's.
	'POST /api/office/batches/:device/:site/:day/close': SUPERVISOR,
	'GET /api/office/reconciliation/items': ALL,
	'POST /api/office/reconciliation/items/:id/accept': RECONCILE,
	'POST /api/office/reconciliation/items/:id/report': RECONCILE,
	'POST /api/office/reconciliation/items/:id/void': RECONCILE,
	'POST /api/office/reconciliation/items/:id/correct': RECONCILE,
	'POST /api/office/reconciliation/items/:id/record': RECONCILE,
	'POST /api/office/reconciliation/items/:id/dismiss': RECONCILE,
	'POST /api/office/reconciliation/run': RECONCILE,
	'GET /api/office/tickets/:municipality/:ticket': ALL,
	'GET /api/office/tickets/:municipality/:ticket/record': ALL,
	// Exports (CAN.export) and the lot master with its site and doctor names (read: CAN.view, change: CAN.importData)
	'GET /api/office/exports': SUPERVISOR,
	'GET /api/office/exports/pending': SUPERVISOR,
	'POST /api/office/exports': SUPERVISOR,
	'GET /api/office/exports/:id/file': SUPERVISOR,
	'GET /api/office/lots': ALL,
	'PUT /api/office/lots': ALL,
	'POST /api/office/lots/import/preview': ALL,
	'POST /api/office/lots/import': ALL,
	'DELETE /api/office/lots/:product/:lot': ALL,
	// The vaccine catalogue (products, makers, GTINs): read CAN.view, change CAN.importData
	'GET /api/office/products': ALL,
	'PUT /api/office/products': ALL,
	'PUT /api/office/makers': ALL,
	'POST /api/office/products/import/preview': ALL,
	'POST /api/office/products/import': ALL,
	'GET /api/office/sites': ALL,
	'PUT /api/office/sites': ALL,
	'GET /api/office/doctors': ALL,
	'PUT /api/office/doctors': ALL
};

const SOME_UUID = '01936f4e-1c2a-7b3d-8e4f-5a6b7c8d9e0f';

describe('every API route checks the role', () => {
	let server: TestServer;
	const as: Partial<Record<Role, OfficeClient>> = {};
	beforeAll(async () => {
		server = await startTestServer();
		const admin = await OfficeClient.login(server.url);
		as.admin = admin;
		as.staff = await admin.createUser('staff');
		as.supervisor = await admin.createUser('supervisor');
	});
	afterAll(async () => {
		await server.dispose();
	});

	/** The app's own route table: method and path of every handler under /api/. */
	const registered = () => [
		...new Set(
			server.app.routes
				.filter((r) => r.method !== 'ALL' && r.path.startsWith('/api/') && !r.path.includes('*'))
				.map((r) => `${r.method} ${r.path}`)
		)
	];

	it('lists every registered route in the policy, and nothing that does not exist', () => {
		const routes = registered();
		expect(
			routes.filter((r) => !(r in POLICY)),
			'routes missing from POLICY'
		).toEqual([]);
		expect(
			Object.keys(POLICY).filter((r) => !routes.includes(r)),
			'POLICY entries with no route'
		).toEqual([]);
	});

	it('refuses nobody-with-no-session and every role not allowed; lets the allowed roles through', async () => {
		// Ending the session last: logout would sign the shared clients out.
		const routes = registered().sort((a, b) => Number(a.endsWith('/logout')) - Number(b.endsWith('/logout')));
		const refusals: string[] = [];
		for (const route of routes) {
			const policy = POLICY[route]!;
			if (policy === 'public') continue;
			const [method, pattern] = route.split(' ') as [string, string];
			const path = pattern.replace(/:[a-zA-Z]+/g, SOME_UUID);
			const anonymous = await fetch(`${server.url}${path}`, {
				method,
				headers: { 'content-type': 'application/json' },
				...(method === 'GET' ? {} : { body: '{}' })
			});
			if (anonymous.status !== 401) refusals.push(`${route} without a session: ${anonymous.status}`);
			for (const role of ['staff', 'supervisor', 'admin'] as const) {
				const res = await as[role]!.request(path, { method, ...(method === 'GET' ? {} : { body: {} }) });
				const allowed = policy.includes(role);
				if (allowed && (res.status === 401 || res.status === 403))
					refusals.push(`${route} as ${role} (allowed): ${res.status}`);
				if (!allowed && res.status !== 403) refusals.push(`${route} as ${role} (not allowed): ${res.status}`);
				if (!allowed) expect(((await res.json()) as { error: { code: string } }).error.code).toBe('FORBIDDEN');
			}
		}
		expect(refusals).toEqual([]);
	});
});
