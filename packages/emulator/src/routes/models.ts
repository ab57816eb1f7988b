/**
 * `GET /openai/v1/models`: the models callable on the resource, in the v1 spec's list shape. The
 * emulator lists its deployments (on the v1 surface a deployment name is what requests pass as
 * `model`). It creates nothing, so it is the cheap authenticated read a client can sign in with.
 */
import type { Ctx, Reply } from '../http.js';
import { json } from '../http.js';
import type { EmulatorState } from '../state.js';

export function list(_ctx: Ctx, emu: EmulatorState): Reply {
  const created = Math.floor(emu.startedMs / 1000);
  const data = [...emu.deployments.keys()]
    .sort()
    .map((id) => ({ id, object: 'model', created, owned_by: 'system' }));
  return json(200, { object: 'list', data });
}
