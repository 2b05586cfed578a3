import { describe, expect, it } from 'vitest';
import { AnswerQueue } from './answer-queue';

/** Answers are numbers here; `n` covers `m` when both are even (two receipts of one batch). */
function setUp() {
	const sent: number[] = [];
	const failures: unknown[] = [];
	let closed = false;
	const queue = new AnswerQueue<number>({
		answer: async (n) => void sent.push(n),
		coveredBy: (earlier, later) => earlier % 2 === 0 && later % 2 === 0 && later > earlier,
		onFailure: (e) => void failures.push(e),
		closed: () => closed
	});
	return { queue, sent, failures, close: () => (closed = true) };
}

function deferred<T>() {
	let resolve!: (v: T) => void;
	let reject!: (e: unknown) => void;
	const promise = new Promise<T>((ok, fail) => ((resolve = ok), (reject = fail)));
	return { promise, resolve, reject };
}

describe('AnswerQueue: the answers to one connection’s signed updates', () => {
	it('sends answers in the order they were queued, whatever order they settle in', async () => {
		const { queue, sent } = setUp();
		const a = deferred<number>();
		const b = deferred<number>();
		queue.push(a.promise);
		queue.push(b.promise);
		b.resolve(3);
		a.resolve(1);
		await queue.drained();
		expect(sent).toEqual([1, 3]);
	});

	it('leaves out an answer that the settled answer behind it covers, and only that one', async () => {
		const { queue, sent } = setUp();
		// 2 and 4 settle together (one group commit): 4 says all 2 says. 6 is not settled when
		// 4's turn comes, so 4 is sent; 7 covers nothing.
		const six = deferred<number>();
		queue.push(Promise.resolve(2));
		queue.push(Promise.resolve(4));
		queue.push(six.promise);
		queue.push(Promise.resolve(7));
		await new Promise((r) => setImmediate(r));
		expect(sent).toEqual([4]);
		six.resolve(6);
		await queue.drained();
		expect(sent).toEqual([4, 6, 7]);
	});

	it('never leaves out the last answer, nor one followed by an answer that failed', async () => {
		const { queue, sent, failures } = setUp();
		queue.push(Promise.resolve(2));
		queue.push(Promise.reject(new Error('commit failed')));
		queue.push(Promise.resolve(8));
		await queue.drained();
		expect(sent).toEqual([2, 8]);
		expect(failures).toEqual([new Error('commit failed')]);
	});

	it('sends nothing once the connection is closed, and counts what is waiting', async () => {
		const { queue, sent, close } = setUp();
		const a = deferred<number>();
		queue.push(a.promise);
		queue.push(Promise.resolve(5));
		expect(queue.length).toBe(2);
		close();
		a.resolve(1);
		await queue.drained();
		expect(sent).toEqual([]);
		expect(queue.length).toBe(0);
	});
});
