/**
 * Where the CPU went during a benchmark phase, read from /proc (Linux only; elsewhere nothing is
 * reported): this process's main thread (the platform, the HTTP server), its other threads (the HTTP
 * load worker, libuv's pool), and the embedded PostgreSQL's processes (postmaster and its children).
 * On a 2-core machine this shows whether Node or PostgreSQL is the limit.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** Clock ticks per second of /proc's times (USER_HZ); 100 on every mainstream Linux. */
const TICKS_PER_SECOND = 100;

export interface CpuSample {
  at: number;
  mainMs: number;
  otherThreadsMs: number;
  postgresMs: number | null;
  /** All CPUs of the machine, from /proc/stat: busy (anything but idle and iowait), and stolen by the host. */
  machineBusyMs: number;
  machineStealMs: number;
}

let postmasterPid: number | null | undefined;

/** The postmaster of the embedded bench cluster, when this machine runs it. */
function benchPostmasterPid(): number | null {
  if (postmasterPid !== undefined) return postmasterPid;
  const file = path.resolve('.data', 'bench-postgres', 'postmaster.pid');
  if (process.env.BENCH_DATABASE_URL?.trim() || !existsSync(file)) return null;
  const pid = Number(readFileSync(file, 'utf8').split('\n')[0]);
  postmasterPid = Number.isInteger(pid) && pid > 0 ? pid : null;
  return postmasterPid;
}

/** [ppid, utime + stime, cutime + cstime] in ms from /proc/<pid>[/task/<tid>]/stat. */
function times(statFile: string): [number, number, number] | null {
  try {
    const text = readFileSync(statFile, 'utf8');
    const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const tick = (i: number) => (Number(rest[i]) * 1000) / TICKS_PER_SECOND;
    return [Number(rest[1]), tick(11) + tick(12), tick(13) + tick(14)];
  } catch {
    return null;
  }
}

export function cpuSample(): CpuSample | null {
  if (process.platform !== 'linux' || !existsSync('/proc/self/task')) return null;
  let mainMs = 0;
  let otherThreadsMs = 0;
  for (const tid of readdirSync('/proc/self/task')) {
    const t = times(`/proc/self/task/${tid}/stat`);
    if (t === null) continue;
    if (Number(tid) === process.pid) mainMs = t[1];
    else otherThreadsMs += t[1];
  }
  let postgresMs: number | null = null;
  const postmaster = benchPostmasterPid();
  if (postmaster !== null) {
    const own = times(`/proc/${postmaster}/stat`);
    if (own !== null) {
      // Its own time, that of backends that have exited, and that of the live ones.
      postgresMs = own[1] + own[2];
      for (const entry of readdirSync('/proc')) {
        if (!/^\d+$/.test(entry)) continue;
        const t = times(`/proc/${entry}/stat`);
        if (t !== null && t[0] === postmaster) postgresMs += t[1];
      }
    }
  }
  const [machineBusyMs, machineStealMs] = machineTimes();
  return { at: performance.now(), mainMs, otherThreadsMs, postgresMs, machineBusyMs, machineStealMs };
}

/** [busy, steal] in ms over all CPUs, from the first line of /proc/stat. */
function machineTimes(): [number, number] {
  try {
    const fields = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '')
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = fields;
    const toMs = (ticks: number) => (ticks * 1000) / TICKS_PER_SECOND;
    return [toMs(user + nice + system + irq + softirq + steal), toMs(steal)];
  } catch {
    return [0, 0];
  }
}

export interface CpuDelta {
  wallMs: number;
  mainMs: number;
  otherThreadsMs: number;
  postgresMs: number | null;
  machineBusyMs: number;
  machineStealMs: number;
}

export function cpuDelta(before: CpuSample | null, after: CpuSample | null): CpuDelta | null {
  if (before === null || after === null) return null;
  return {
    wallMs: after.at - before.at,
    mainMs: after.mainMs - before.mainMs,
    otherThreadsMs: after.otherThreadsMs - before.otherThreadsMs,
    postgresMs:
      before.postgresMs === null || after.postgresMs === null ? null : after.postgresMs - before.postgresMs,
    machineBusyMs: after.machineBusyMs - before.machineBusyMs,
    machineStealMs: after.machineStealMs - before.machineStealMs,
  };
}

export function addCpu(a: CpuDelta | null, b: CpuDelta | null): CpuDelta | null {
  if (a === null) return b;
  if (b === null) return a;
  return {
    wallMs: a.wallMs + b.wallMs,
    mainMs: a.mainMs + b.mainMs,
    otherThreadsMs: a.otherThreadsMs + b.otherThreadsMs,
    postgresMs: a.postgresMs === null || b.postgresMs === null ? null : a.postgresMs + b.postgresMs,
    machineBusyMs: a.machineBusyMs + b.machineBusyMs,
    machineStealMs: a.machineStealMs + b.machineStealMs,
  };
}

/** Runs `work` and returns its result with the CPU it (and everything else on the machine we track) used. */
export async function measuringCpu<T>(work: () => Promise<T>): Promise<[T, CpuDelta | null]> {
  const before = cpuSample();
  const result = await work();
  return [result, cpuDelta(before, cpuSample())];
}

/**
 * "CPU per request: node main thread 1200 us, other node threads 800 us, PostgreSQL 1100 us; cores busy:
 * 1.90 ours, 1.95 whole machine". Empty when /proc was not available.
 */
export function describeCpu(delta: CpuDelta | null, count: number, unit: string): string {
  if (delta === null || count === 0) return '';
  const per = (v: number) => `${((v / count) * 1000).toFixed(0)} us`;
  const ours = (delta.mainMs + delta.otherThreadsMs + (delta.postgresMs ?? 0)) / delta.wallMs;
  const machine = delta.machineBusyMs / delta.wallMs;
  const steal = delta.machineStealMs / delta.wallMs;
  return (
    `CPU per ${unit}: node main thread ${per(delta.mainMs)}, other node threads ${per(delta.otherThreadsMs)}` +
    `${delta.postgresMs === null ? '' : `, PostgreSQL ${per(delta.postgresMs)}`}; ` +
    `cores busy: ${ours.toFixed(2)} ours, ${machine.toFixed(2)} whole machine` +
    `${steal >= 0.01 ? ` (${steal.toFixed(2)} stolen by the host)` : ''}`
  );
}
