#!/usr/bin/env node
/* global process */
// Service benchmark: the emulator, a private Redis, the service and this load generator each run as
// their own process; every comparison interleaves its sides round by round (@aoai-media/bench).
//   images.mjs  image generation through the service vs straight to the emulator (1, 8, 32 in flight)
//   audio.mjs   a 25 MB transcription through the service vs direct (time, the service's memory)
//   videos.mjs  video jobs through the queue (polling, Redis commands per job, 1 and 2 instances)
// Knobs: AOAI_BENCH_ROUNDS (image and audio rounds), AOAI_BENCH_VIDEOS (jobs per run),
// AOAI_BENCH_VIDEO_ROUNDS.
import { canReadProc, recorder } from '@aoai-media/bench';
import { audioBench } from './audio.mjs';
import { imageBench } from './images.mjs';
import { startStack } from './stack.mjs';
import { videoBench } from './videos.mjs';

const rounds = Number(process.env.AOAI_BENCH_ROUNDS ?? 10);
const jobs = Number(process.env.AOAI_BENCH_VIDEOS ?? 100);
const videoRounds = Number(process.env.AOAI_BENCH_VIDEO_ROUNDS ?? 3);
const record = recorder('@aoai-media/service');

const stack = await startStack();
try {
  await imageBench(record, stack, { rounds });
  if (canReadProc()) await audioBench(record, stack, { rounds: Math.max(4, Math.ceil(rounds / 2)) });
  else record.skip('transcription, 25 MB WAV', 'reading and resetting peak memory needs Linux /proc');
  await videoBench(record, stack, { jobs, rounds: videoRounds });
} finally {
  await stack.stop();
}
record.print();
