/** An emulator on a manual clock and a client whose waits move that clock, so long jobs finish at once. */
import { AzureOpenAIMedia, type ClientOptions } from '@aoai-media/core';
import { startEmulator, type Emulator, type EmulatorOptions } from '@aoai-media/emulator';

export interface Harness {
  emu: Emulator;
  /** Every wait the client asked for, in emulator milliseconds. */
  sleeps: number[];
  client(extra?: Partial<ClientOptions>): AzureOpenAIMedia;
}

export async function harness(options: EmulatorOptions = {}): Promise<Harness> {
  const emu = await startEmulator({ port: 0, clock: 'manual', ...options });
  const sleeps: number[] = [];
  return {
    emu,
    sleeps,
    client: (extra = {}) =>
      new AzureOpenAIMedia({
        endpoint: emu.url,
        auth: { apiKey: emu.apiKey },
        now: () => emu.admin.now(),
        random: () => 0,
        sleep: async (ms, signal) => {
          if (signal?.aborted) throw signal.reason;
          sleeps.push(ms);
          emu.admin.advance(ms);
        },
        ...extra,
      }),
  };
}

/** Reads a stream to the end, returning its bytes. */
export async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** The ISO BMFF major brand box at the start of an MP4. */
export function isMp4(bytes: Uint8Array): boolean {
  return Buffer.from(bytes.subarray(4, 8)).toString('ascii') === 'ftyp';
}

/** A PCM WAV of `seconds` of a quiet tone, 16 kHz mono. */
export function makeWav(seconds: number): Uint8Array {
  const rate = 16_000;
  const samples = rate * seconds;
  const b = Buffer.alloc(44 + samples * 2);
  b.write('RIFF', 0, 'ascii');
  b.writeUInt32LE(36 + samples * 2, 4);
  b.write('WAVEfmt ', 8, 'ascii');
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(1, 20);
  b.writeUInt16LE(1, 22);
  b.writeUInt32LE(rate, 24);
  b.writeUInt32LE(rate * 2, 28);
  b.writeUInt16LE(2, 32);
  b.writeUInt16LE(16, 34);
  b.write('data', 36, 'ascii');
  b.writeUInt32LE(samples * 2, 40);
  for (let i = 0; i < samples; i++)
    b.writeInt16LE(Math.round(2000 * Math.sin((2 * Math.PI * 440 * i) / rate)), 44 + i * 2);
  return new Uint8Array(b);
}
