/* global Buffer, setTimeout */
// Video jobs through the queue with jobs that take many poll intervals: each upstream job lasts 60 s
// of emulator time (the clock runs 20x, so 3 s of wall time) and the service polls at its default
// pace scaled the same way (2 s growing 1.5x to 20 s, divided by 20). Rows per run: status polls per
// job and how late the service sees each job finish (from the emulator's request log), Redis
// commands per job (counted with MONITOR on the private Redis: sent by clients, and executed
// including inside Lua scripts), the service's CPU per job. One instance and two instances on the
// same Redis and storage directory alternate round by round; jobs go round-robin to the instances.
import { compare, inParallel, summarize } from '@aoai-media/bench';
import { createConnection } from 'node:net';
import { ok, pool, send } from './client.mjs';
import { ADMIN, EMULATOR_KEY, KEY, waitFor } from './stack.mjs';

const TIMINGS = { preprocessing: 5_000, queued: 10_000, running: 35_000, processing: 10_000 };
const JOB_MS = Object.values(TIMINGS).reduce((a, b) => a + b, 0);
const agent = pool(16);

/**
 * Counts the commands Redis runs while `during()` runs, with MONITOR on a connection of its own:
 * `{ sent, executed, value }`, where a Lua script counts once in `sent` and every command it runs
 * counts in `executed`. Each MONITOR line is one RESP simple string (Redis escapes line breaks).
 */
async function countRedis(port, during) {
  const socket = createConnection({ host: '127.0.0.1', port });
  let sent = 0;
  let executed = 0;
  let pending = '';
  let ready;
  const monitoring = new Promise((resolve, reject) => {
    ready = resolve;
    socket.once('error', reject);
  });
  socket.setEncoding('utf8');
  socket.on('data', (chunk) => {
    pending += chunk;
    const lines = pending.split('\r\n');
    pending = lines.pop();
    for (const line of lines) {
      if (line === '+OK') ready();
      else if (/^\+\d+\.\d+ \[/.test(line)) {
        executed++;
        if (!/^\+\d+\.\d+ \[\d+ lua\]/.test(line)) sent++;
      }
    }
  });
  socket.write('MONITOR\r\n');
  try {
    await monitoring;
    const value = await during();
    // MONITOR lines arrive a little after the commands they echo.
    await new Promise((resolve) => setTimeout(resolve, 200));
    return { sent, executed, value };
  } finally {
    socket.destroy();
  }
}

/** How many video jobs the service has finished tracking (every job created upstream ends there). */
async function finished(service) {
  const answer = await ok(agent, `${service.url}/admin/stats`, {
    method: 'GET',
    headers: { 'api-key': ADMIN },
  });
  const { videoTrack } = JSON.parse(answer.body.toString('utf8')).queues;
  return videoTrack.completed + videoTrack.failed;
}

/** Submits `jobs` round-robin to `services`, waits until all are terminal; returns the figures of the run. */
async function run(stack, services, jobs, tag) {
  await stack.emulatorAdmin('DELETE', 'requests');
  const before = await finished(services[0]);
  const ids = [];
  const cpuBefore = await Promise.all(services.map((s) => s.cpuMicros()));
  let statusChecks = 0;
  const started = Date.now();
  const redis = await countRedis(stack.redis.port, async () => {
    await inParallel(jobs, 16, async (i) => {
      const service = services[i % services.length];
      const created = await ok(agent, `${service.url}/openai/v1/video/generations/jobs`, {
        headers: { 'api-key': KEY, 'content-type': 'application/json' },
        body: Buffer.from(
          JSON.stringify({
            model: 'sora',
            prompt: `${tag} waves ${i}`,
            width: 480,
            height: 480,
            n_seconds: 1,
          }),
        ),
      });
      ids.push(JSON.parse(created.body.toString('utf8')).id);
    });
    await waitFor(
      async () => {
        statusChecks++;
        return (await finished(services[0])) - before >= jobs;
      },
      600_000,
      500,
      `${jobs} video jobs to finish`,
    );
  });
  const wallMs = Date.now() - started;
  const cpuAfter = await Promise.all(services.map((s) => s.cpuMicros()));
  // Every job succeeded, as a client sees it (read after counting, so these reads are not counted).
  for (const id of ids) {
    const answer = await ok(agent, `${services[0].url}/openai/v1/video/generations/jobs/${id}`, {
      method: 'GET',
      headers: { 'api-key': KEY },
    });
    const { status } = JSON.parse(answer.body.toString('utf8'));
    if (status !== 'succeeded') throw new Error(`video job ${id} ended ${status}`);
  }

  // From the emulator's log: when each upstream job was created, and every status poll it got.
  const log = (await stack.emulatorAdmin('GET', 'requests')).data;
  const creates = log.filter((r) => r.operation === 'videoJobs.create' && r.status < 300);
  if (creates.length !== jobs) throw new Error(`${creates.length} upstream creates for ${jobs} jobs`);
  const createdAt = new Map(creates.map((r) => [r.fields.prompt, Date.parse(r.time)]));
  const polls = new Map();
  for (const r of log.filter((e) => e.operation === 'videoJobs.get')) {
    const id = r.path.split('/').pop();
    if (!polls.has(id)) polls.set(id, []);
    polls.get(id).push(Date.parse(r.time));
  }
  const perJob = [];
  for (const [id, times] of polls) {
    const answer = await send(
      agent,
      `${stack.emulator.url}/openai/v1/video/generations/jobs/${id}?api-version=preview`,
      {
        method: 'GET',
        headers: { 'api-key': EMULATOR_KEY },
      },
    );
    const created = createdAt.get(JSON.parse(answer.body.toString('utf8')).prompt);
    const done = created + JOB_MS;
    const seen = Math.min(...times.filter((t) => t >= done));
    perJob.push({ polls: times.length, lateMs: seen - done, elapsedRatio: (seen - created) / JOB_MS });
  }
  if (perJob.length !== jobs || perJob.some((j) => !Number.isFinite(j.lateMs))) {
    throw new Error(`polls seen for ${perJob.length} of ${jobs} jobs, or a job never seen finished`);
  }
  // The bench's own status checks go through the service to Redis: take them out.
  return {
    wallMs,
    cpuUs: cpuAfter.reduce((sum, c, i) => sum + c - cpuBefore[i], 0) / jobs,
    sentPerJob: (redis.sent - statusChecks * stack.statsCost.sent) / jobs,
    executedPerJob: (redis.executed - statusChecks * stack.statsCost.executed) / jobs,
    perJob,
  };
}

export async function videoBench(record, stack, { jobs, rounds }) {
  await stack.emulatorAdmin('PUT', 'video-timings', TIMINGS);
  // What one status check costs in Redis, so it can be taken out of the counts.
  const checks = 5;
  const cost = await countRedis(stack.redis.port, async () => {
    for (let i = 0; i < checks; i++) await finished(stack.services[0]);
  });
  stack.statsCost = { sent: cost.sent / checks, executed: cost.executed / checks };
  const idle = await countRedis(stack.redis.port, () => new Promise((resolve) => setTimeout(resolve, 5000)));

  const runs = { one: [], two: [] };
  let second;
  const result = await compare({
    sides: {
      one: {
        run: async (_ops, round) => {
          const r = await run(stack, [stack.services[0]], jobs, `one-${round}`);
          runs.one.push(r);
          return { wallMs: r.wallMs, cpuUs: r.cpuUs };
        },
      },
      two: {
        run: async (_ops, round) => {
          second = await stack.addService();
          try {
            const r = await run(stack, [stack.services[0], second], jobs, `two-${round}`);
            runs.two.push(r);
            return { wallMs: r.wallMs, cpuUs: r.cpuUs };
          } finally {
            await second.stop();
            stack.services.pop();
          }
        },
      },
    },
    rounds,
    ops: 1,
  });

  for (const [side, label] of [
    ['one', '1 instance'],
    ['two', '2 instances'],
  ]) {
    const r = runs[side];
    const name = `video jobs, ${jobs} a run, ${label}`;
    const all = (key) => r.flatMap((x) => x.perJob.map((j) => j[key]));
    record({
      name: `${name}: Redis commands per job sent (a script counts once)`,
      unit: 'commands',
      value: summarize(r.map((x) => x.sentPerJob)),
      target: '<= 20',
    });
    record({
      name: `${name}: Redis commands per job executed (in scripts too)`,
      unit: 'commands',
      value: summarize(r.map((x) => x.executedPerJob)),
    });
    record({
      name: `${name}: status polls per job`,
      unit: 'polls',
      value: summarize(all('polls')),
    });
    record({
      name: `${name}: finish seen after it happened upstream (real-clock s)`,
      unit: 's',
      value: summarize(all('lateMs').map((ms) => ms / 1000)),
    });
    record({
      name: `${name}: time to see the finish / the job's own time`,
      unit: 'x',
      value: summarize(all('elapsedRatio')),
    });
    record({
      name: `${name}: service CPU per job`,
      unit: 'ms',
      value: summarize(result.sides[side].cpuUs.map((us) => us / 1000)),
    });
  }
  record({
    name: 'Redis commands per second with the service idle (1 instance)',
    unit: 'commands/s',
    value: idle.sent / 5,
  });
}
