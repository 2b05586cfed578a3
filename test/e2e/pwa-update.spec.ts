import { appendFile, cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { issueEnrolmentCode, ROOT } from '../helpers/server-process';
import { useServer } from './server-fixture';
import { enrolStation, fillSession, scanTicket, unlockStation } from './station-steps';

let staticDir: string;
// A copy of the build of its own, so this test can "deploy" a new version into it.
const server = useServer(async () => {
	staticDir = await mkdtemp(join(tmpdir(), 'vacc-static-'));
	await cp(join(ROOT, 'build'), staticDir, { recursive: true });
	return { STATIC_DIR: staticDir };
});
test.afterEach(async () => {
	await rm(staticDir, { recursive: true, force: true });
});

test('a new deployment is offered, applied when the operator accepts, and nothing recorded is lost', async ({
	page
}) => {
	await page.goto(server.url);
	await enrolStation(page, await issueEnrolmentCode(server.url));
	await fillSession(page);
	await scanTicket(page, '111310160000012345');
	await page.getByRole('button', { name: '記録する' }).click();
	await expect(page.locator('.records li')).toHaveCount(1);
	await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
	await expect(page.getByText('新しいバージョンがあります')).toHaveCount(0);

	await appendFile(join(staticDir, 'service-worker.js'), '\n// deployed: next version\n');
	await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())!.update());
	await expect(page.getByText('新しいバージョンがあります')).toBeVisible();

	await page.getByRole('button', { name: '更新する' }).click();
	await expect(page.getByRole('heading', { name: 'ロック中' })).toBeVisible();
	await unlockStation(page);
	await expect(page.locator('.records li')).toHaveCount(1);
	await expect(page.getByText('新しいバージョンがあります')).toHaveCount(0);
	const script = await page.evaluate(async () => (await fetch('/service-worker.js')).text());
	expect(script).toContain('deployed: next version');
});
