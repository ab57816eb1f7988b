/* global process, setTimeout, clearTimeout, URL */
// Servers under measurement run in their own processes, never in the load generator's. Each child
// binds port 0 and reports the port the OS gave it (over IPC, or in a line it prints), so a port is
// never closed and reused by someone else. Node children preload probe.mjs, which answers CPU-time
// questions over IPC with microsecond precision; any process can also be read from /proc on Linux.
import { fork, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const PROBE = pathToFileURL(fileURLToPath(new URL('./probe.mjs', import.meta.url))).href;
const READY_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 15_000;
const running = new Set();

// A safety net: whatever is still running when the load generator exits goes with it.
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * Starts a Node script in its own process with the CPU probe preloaded.
 * `ready`: a RegExp matched against the child's output whose first group is the port it bound, or
 * omitted when the script sends `{ ready: { port } }` over IPC itself.
 * Options: `execPath` (another Node binary), `execArgv`, `env` (added to this process's), `cwd`.
 */
export function startNode(script, args = [], options = {}) {
  const child = fork(script, args, {
    execPath: options.execPath ?? process.execPath,
    execArgv: ['--import', PROBE, ...(options.execArgv ?? [])],
    env: { ...process.env, ...options.env },
    cwd: options.cwd,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  return track(child, script, options.ready, true);
}

/** Starts any program; `ready` as for startNode (a RegExp whose first group is the port, or none). */
export function startProcess(command, args = [], options = {}) {
  const child = spawn(command, args, {
    env: { ...process.env, ...options.env },
    cwd: options.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return track(child, command, options.ready, false);
}

function track(child, label, ready, probed) {
  running.add(child);
  child.once('exit', () => running.delete(child));
  let output = '';
  const keep = (chunk) => {
    output += chunk.toString();
    if (output.length > 200_000) output = output.slice(-100_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const pending = new Map();
  let nextId = 0;
  if (probed) {
    child.on('message', (m) => {
      if (m && m.probe !== undefined && pending.has(m.id)) {
        pending.get(m.id)(m.value);
        pending.delete(m.id);
      }
    });
  }
  const ask = (probe) =>
    new Promise((resolve, reject) => {
      if (!child.connected) return reject(new Error(`${label} has no IPC channel (exited?)`));
      const id = nextId++;
      pending.set(id, resolve);
      child.send({ probe, id });
    });

  const handle = {
    child,
    pid: child.pid,
    port: undefined,
    url: undefined,
    output: () => output,
    /** CPU microseconds the process has used (IPC probe for Node children, else /proc). */
    cpuMicros: () => (probed ? ask('cpu') : procCpuMicros(child.pid)),
    /** A full garbage collection in a Node child started with --expose-gc; resolves whether it ran. */
    collectGarbage: () => (probed ? ask('gc') : Promise.resolve(false)),
    /** Resets the kernel's peak-RSS mark to the current RSS (Linux). */
    resetPeakRss: () => resetPeakRss(child.pid),
    /** Peak RSS in bytes since start or the last reset (Linux). */
    peakRssBytes: () => memoryOf(child.pid).peak,
    rssBytes: () => memoryOf(child.pid).rss,
    stop: () => stop(child),
  };

  const started = new Promise((resolve, reject) => {
    const fail = (why) => {
      clearTimeout(timer);
      reject(new Error(`${label} ${why}\n${output.slice(-4000)}`));
    };
    const timer = setTimeout(
      () => fail(`did not report its port within ${READY_TIMEOUT_MS} ms`),
      READY_TIMEOUT_MS,
    );
    child.once('error', (e) => fail(`failed to start: ${e.message}`));
    child.once('exit', (code, signal) => fail(`exited (${signal ?? code}) before it was ready`));
    const done = (port) => {
      clearTimeout(timer);
      handle.port = port;
      handle.url = port === undefined ? undefined : `http://127.0.0.1:${port}`;
      resolve(handle);
    };
    if (ready instanceof RegExp) {
      const look = () => {
        const m = ready.exec(output);
        if (m) {
          child.stdout.off('data', look);
          child.stderr.off('data', look);
          done(m[1] === undefined ? undefined : Number(m[1]));
        }
      };
      child.stdout.on('data', look);
      child.stderr.on('data', look);
    } else if (probed) {
      child.on('message', (m) => {
        if (m && m.ready) done(m.ready.port);
      });
    } else {
      done(undefined);
    }
  });
  // Callers that do not await readiness should still see a failure to start, not an unhandled one.
  started.catch(() => undefined);
  return started;
}

/** SIGTERM, then SIGKILL after a bound; resolves when the process has exited. */
export function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Stops every process started through this module that is still running. */
export async function stopAll() {
  await Promise.all([...running].map((child) => stop(child)));
}

const TICKS_PER_SECOND = 100; // USER_HZ on Linux.

/** CPU microseconds used by a process (and its reaped children), from /proc/<pid>/stat; tick precision. */
export function procCpuMicros(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may contain spaces) start at state (field 3).
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime (14) + stime (15)
  return (ticks / TICKS_PER_SECOND) * 1e6;
}

/**
 * CPU microseconds of this process's children that have exited and been reaped (cutime + cstime of
 * /proc/self/stat): the CPU of a short-lived command, taken as a difference around it. Tick precision.
 */
export function reapedChildrenCpuMicros() {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[13]) + Number(fields[14])) / TICKS_PER_SECOND) * 1e6;
}

/** `{ rss, peak }` in bytes, from /proc/<pid>/status. */
export function memoryOf(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS') * 1024, peak: kb('VmHWM') * 1024 };
}

/** Sets the peak-RSS mark (VmHWM) of a process back to its current RSS. */
export function resetPeakRss(pid) {
  writeFileSync(`/proc/${pid}/clear_refs`, '5');
}

/** Whether /proc offers what the memory and CPU readings above need (Linux). */
export function canReadProc() {
  try {
    memoryOf(process.pid);
    procCpuMicros(process.pid);
    resetPeakRss(process.pid);
    return true;
  } catch {
    return false;
  }
}
