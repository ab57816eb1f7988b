/**
 * @aoai-media/emulator: a local Azure OpenAI media endpoint over real HTTP.
 *
 *   const emu = await startEmulator({ port: 0, clock: 'manual' });
 *   // give emu.url and emu.apiKey to a client; drive time and faults with emu.admin
 *   await emu.close();
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdmin, type EmulatorAdmin } from './admin.js';
import type { EmulatorOptions } from './options.js';
import { createHandler } from './server.js';
import { EmulatorState } from './state.js';

export interface Emulator {
  /** `http://host:port`: the endpoint to give a client. */
  readonly url: string;
  /** The accepted key (`api-key` header or Bearer token). */
  readonly apiKey: string;
  readonly port: number;
  readonly admin: EmulatorAdmin;
  close(): Promise<void>;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const state = new EmulatorState(options);
  const admin = createAdmin(state);
  const handler = createHandler(state, admin);
  const server: Server = createServer({ keepAliveTimeout: 5_000 }, handler.handle);
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  let closed: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${port}`,
    apiKey: state.apiKey,
    port,
    admin,
    close() {
      closed ??= new Promise<void>((resolve) => {
        handler.close();
        state.video.stop();
        state.speech.stop();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closed;
    },
  };
}

export type { EmulatorAdmin, RequestFilter } from './admin.js';
export type { Fault, FaultKind, FaultMatch, FaultSpec } from './faults.js';
export type {
  BlockedTerm,
  DeploymentLimits,
  EmulatorOptions,
  FilterCategory,
  Limits,
  VideoModeration,
  VideoTimings,
} from './options.js';
export { DEFAULT_API_KEY, DEFAULT_DEPLOYMENTS } from './options.js';
export type { Counters, InFlightRequest, RequestLogEntry } from './state.js';
export { loadConfig } from './config.js';
export { samplePng, sampleWav, type SamplePngOptions, type SampleWavOptions } from './sample-media.js';
export {
  readSpeechText,
  speechSeconds,
  SPEECH_SAMPLE_RATE,
  SPEECH_WORDS_PER_SECOND,
} from './media/speech.js';
