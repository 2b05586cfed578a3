import { readdirSync, readFileSync } from 'node:fs';

/** CPU time used while a meter ran, in milliseconds. */
export interface CpuUse {
	/** This process, every thread: the server under test, its helper threads and the in-process clients. */
	node: number;
	/** Every PostgreSQL process on this host (backends, WAL writer, checkpointer); null without /proc. */
	postgres: number | null;
}

/** Clock ticks per second of /proc/<pid>/stat's times: 100 on Linux (USER_HZ). */
const TICKS_PER_S = 100;

/** User and system CPU of the host's PostgreSQL processes so far (ms), or null where /proc is not Linux's. */
function postgresCpu(): number | null {
	let pids: string[];
	try {
		pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
	} catch {
		return null;
	}
	let ticks = 0;
	for (const pid of pids) {
		try {
			if (!readFileSync(`/proc/${pid}/comm`, 'utf8').startsWith('postgres')) continue;
			// Fields after the command (which may hold spaces): state is the first, utime the 12th, stime the 13th.
			const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
			const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
			ticks += Number(fields[11]) + Number(fields[12]);
		} catch {
			// The process ended between the listing and the read: its time is gone from both ends.
		}
	}
	return (ticks * 1000) / TICKS_PER_S;
}

/**
 * Starts measuring; the function returned stops and says what was used. A backend that ends
 * while the meter runs takes its time with it, so the benches keep their pools open across it.
 * The figures are the database's and the server's whole cost per dose, beside the wall time: on
 * two cores shared by both, two seconds of CPU per second is the ceiling.
 */
export function startCpuMeter(): () => CpuUse {
	const node = process.cpuUsage();
	const postgres = postgresCpu();
	return () => {
		const used = process.cpuUsage(node);
		const postgresNow = postgresCpu();
		return {
			node: (used.user + used.system) / 1000,
			postgres: postgres === null || postgresNow === null ? null : postgresNow - postgres
		};
	};
}
