import { readdirSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

/**
 * What the kernel says about a process: CPU time from /proc/<pid>/stat (utime + stime, in
 * clock ticks) and memory from /proc/<pid>/status (VmRSS now, VmHWM = peak RSS).
 */
let clkTck = 100;
try {
  clkTck = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
} catch {
  /* 100 on every Linux we run on */
}

/**
 * CPU seconds (user + system) the process has used so far, or with `tid` one of its threads
 * (the main thread's tid is the pid: that is the event loop's own CPU, without the hashing
 * workers, libuv's pool and V8's helper threads).
 */
export function cpuSeconds(pid: number, tid?: number): number {
  const stat = readFileSync(tid === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`, 'utf8');
  // The command name (field 2) may contain spaces; fields after the closing paren are fixed.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // rest[0] is field 3 (state), so utime (field 14) is rest[11] and stime (field 15) rest[12].
  return (Number(rest[11]) + Number(rest[12])) / clkTck;
}

/**
 * CPU seconds used so far by those of a process's threads that are named `name`
 * (`/proc/<pid>/task/<tid>/comm`; the server names its hashing threads `gh-argon2`). A thread
 * that exits takes its count with it, so a delta over a window is exact only while the threads
 * live through it (the hashing pool keeps its threads).
 */
export function namedThreadsCpuSeconds(pid: number, name: string): number {
  let total = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      if (readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim() === name) total += cpuSeconds(pid, Number(tid));
    } catch {
      /* the thread exited between the listing and the read */
    }
  }
  return total;
}

/**
 * The scheduler's account of one thread (`/proc/<pid>/task/<tid>/schedstat`, the main thread by
 * default): milliseconds on a CPU, and milliseconds it was runnable but waited on a run queue for
 * a CPU (run_delay). On a saturated machine the second is the part of a request's latency that
 * no code of the process can shorten.
 */
export function schedStat(pid: number | 'self', tid: number | 'self' = pid): { cpuMs: number; waitMs: number } {
  const [cpu, wait] = readFileSync(tid === 'self' ? '/proc/thread-self/schedstat' : `/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ');
  return { cpuMs: Number(cpu) / 1e6, waitMs: Number(wait) / 1e6 };
}

/**
 * Context switches of a process's main thread (the event loop): voluntary ones (it had nothing to
 * do and slept until woken) and involuntary ones (the scheduler took the core away).
 */
export function contextSwitches(pid: number): { voluntary: number; involuntary: number } {
  const n = statusFields(`/proc/${pid}/task/${pid}/status`);
  return { voluntary: n('voluntary_ctxt_switches'), involuntary: n('nonvoluntary_ctxt_switches') };
}

export function memory(pid: number): { rssMiB: number; hwmMiB: number } {
  const kb = statusFields(`/proc/${pid}/status`);
  return { rssMiB: kb('VmRSS') / 1024, hwmMiB: kb('VmHWM') / 1024 };
}

/** The numeric fields of a `/proc/…/status` file, by name (`VmRSS` is in kB; counts are plain). */
function statusFields(path: string): (name: string) => number {
  const status = readFileSync(path, 'utf8');
  return (name) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
}

/** Measures the CPU a process uses while `fn` runs: busy cores = CPU seconds / wall seconds. */
export async function withCpu<T>(pid: number, fn: () => Promise<T>): Promise<{ result: T; cpuSeconds: number; wallSeconds: number; busyCores: number }> {
  const c0 = cpuSeconds(pid);
  const t0 = process.hrtime.bigint();
  const result = await fn();
  const wallSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const used = cpuSeconds(pid) - c0;
  return { result, cpuSeconds: used, wallSeconds, busyCores: used / wallSeconds };
}

/** 1-minute load average and the number of CPUs, recorded with every run (a noisy machine shows here). */
export function machineLoad(): { loadavg1: number; loadavg5: number } {
  const [a, b] = readFileSync('/proc/loadavg', 'utf8').split(' ');
  return { loadavg1: Number(a), loadavg5: Number(b) };
}
