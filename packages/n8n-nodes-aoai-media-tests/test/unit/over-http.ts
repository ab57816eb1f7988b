import type { Respond } from './fake-context';

/** Forwards what the node sends to a real server (the emulator on loopback), as n8n's HTTP helper would. */
export const overHttp: Respond = async (request) => {
  const response = await fetch(request.url, {
    method: request.method,
    headers: request.headers,
    body: request.body && request.body.length > 0 ? new Uint8Array(request.body) : undefined,
    redirect: 'manual',
  });
  return {
    status: response.status,
    headers: Object.fromEntries(response.headers),
    body: new Uint8Array(await response.arrayBuffer()),
  };
};
