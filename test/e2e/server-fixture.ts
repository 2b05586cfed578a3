import { test, type TestInfo } from '@playwright/test';
import { startServerProcess, type ServerProcess } from '../helpers/server-process';

type Env = Record<string, string>;

/**
 * A real server of its own for each test of the calling file: started before each test (with
 * `env`, which may depend on the test or need preparing), stopped and its data removed after.
 * The returned object always speaks for the current test's server.
 */
export function useServer(env: Env | ((info: TestInfo) => Env | Promise<Env>) = {}): ServerProcess {
	let current: ServerProcess | null = null;
	const now = () => {
		if (!current) throw new Error('no server outside a test');
		return current;
	};
	test.beforeEach(async ({}, info) => {
		current = await startServerProcess(typeof env === 'function' ? await env(info) : env);
	});
	test.afterEach(async () => {
		await current?.cleanup();
		current = null;
	});
	return {
		get url() {
			return now().url;
		},
		get setupToken() {
			return now().setupToken;
		},
		get dataDir() {
			return now().dataDir;
		},
		get keyFile() {
			return now().keyFile;
		},
		get child() {
			return now().child;
		},
		stop: () => now().stop(),
		kill: () => now().kill(),
		cleanup: () => now().cleanup()
	};
}
