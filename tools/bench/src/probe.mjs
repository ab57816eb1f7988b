/* global process */
// Preloaded (`node --import`) into every Node process a benchmark starts. Over the IPC channel it
// answers `{ probe: 'cpu', id }` with the CPU microseconds the process has used, so a load generator
// can charge CPU to the server that spent it, and `{ probe: 'gc', id }` with a full garbage
// collection when the process runs with --expose-gc (so memory is measured from a settled start).
// When the load generator goes away without stopping it (killed, crashed), the process ends too.
// It changes nothing else and does not keep the process alive.
if (process.send) {
  process.on('message', (m) => {
    if (m?.probe === 'cpu') {
      const usage = process.cpuUsage();
      process.send({ probe: m.probe, id: m.id, value: usage.user + usage.system });
    } else if (m?.probe === 'gc') {
      globalThis.gc?.();
      process.send({ probe: m.probe, id: m.id, value: typeof globalThis.gc === 'function' });
    }
  });
  process.once('disconnect', () => process.exit(0));
  process.channel?.unref();
}
