/** `aoai-emulator --port 4010 [--host 127.0.0.1] [--config file.json]` */
import { loadConfig } from './config.js';
import { startEmulator } from './index.js';
import type { EmulatorOptions } from './options.js';

const USAGE = `Usage: aoai-emulator [--port 4010] [--host 127.0.0.1] [--config file.json] [--api-key KEY] [--clock real|manual] [--time-scale N]`;

function value(args: string[], i: number, flag: string): string {
  const v = args[i + 1];
  if (v === undefined || v.startsWith('--')) throw new Error(`${flag} needs a value. ${USAGE}`);
  return v;
}

export async function parseArgs(args: string[]): Promise<EmulatorOptions & { help?: boolean }> {
  let config: EmulatorOptions = {};
  const flags: EmulatorOptions = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    switch (arg) {
      case '--port': {
        const raw = value(args, i++, arg);
        const port = Number(raw);
        if (!Number.isInteger(port) || port < 0 || port > 65535)
          throw new Error(`--port must be 0-65535, got '${raw}'`);
        flags.port = port;
        break;
      }
      case '--host':
        flags.host = value(args, i++, arg);
        break;
      case '--config':
        config = await loadConfig(value(args, i++, arg));
        break;
      case '--api-key':
        flags.apiKey = value(args, i++, arg);
        break;
      case '--clock': {
        const c = value(args, i++, arg);
        if (c !== 'real' && c !== 'manual') throw new Error(`--clock must be real or manual, got '${c}'`);
        flags.clock = c;
        break;
      }
      case '--time-scale': {
        const raw = value(args, i++, arg);
        const s = Number(raw);
        if (!(s > 0)) throw new Error(`--time-scale must be a positive number, got '${raw}'`);
        flags.timeScale = s;
        break;
      }
      case '--help':
      case '-h':
        return { help: true };
      default:
        throw new Error(`Unknown argument '${arg}'. ${USAGE}`);
    }
  }
  return { port: 4010, ...config, ...flags };
}

export async function main(args: string[]): Promise<void> {
  const options = await parseArgs(args);
  if (options.help) {
    console.log(USAGE);
    return;
  }
  const emu = await startEmulator(options);
  // The key is printed only when it is the well-known default; a configured key stays private.
  const keyNote = options.apiKey ? 'the configured api key' : `api-key: ${emu.apiKey}`;
  console.log(`aoai-emulator listening on ${emu.url} (${keyNote}); admin API at ${emu.url}/_emulator/`);
  const stop = () => {
    void emu.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
