/** The built service as a child process, as it runs in production. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The built service; AOAI_SERVICE_MAIN points at another build (to measure an older one side by side). */
export const MAIN =
  process.env.AOAI_SERVICE_MAIN ?? fileURLToPath(new URL('../../dist/main.js', import.meta.url));

export interface ServiceProcess {
  url: string;
  child: ChildProcess;
  output: string[];
  kill(signal: NodeJS.Signals): Promise<number | null>;
}

export async function startService(env: Record<string, string>): Promise<ServiceProcess> {
  if (!existsSync(MAIN))
    throw new Error(`${MAIN} is missing: build the service first (pnpm --filter @aoai-media/service build)`);
  const child = spawn(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH ?? '', ...env, PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`service did not start:\n${output.join('')}`)), 30_000);
    child.stdout!.on('data', (d: Buffer) => {
      const text = d.toString();
      output.push(text);
      const m = /"msg":"ready","port":(\d+)/.exec(text);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.stderr!.on('data', (d: Buffer) => output.push(d.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`service exited with ${code}:\n${output.join('')}`));
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    child,
    output,
    kill: (signal) =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
        child.once('exit', (code) => resolve(code));
        child.kill(signal);
      }),
  };
}
