/** Content-filter results in Azure's shape, with a blocked term reported under its category. */
import type { BlockedTerm } from './options.js';

type Severity = { filtered: boolean; severity: 'safe' | 'high' };

function severity(hit: BlockedTerm | undefined, category: string): Severity {
  return hit?.category === category
    ? { filtered: true, severity: 'high' }
    : { filtered: false, severity: 'safe' };
}

/** Results for the generated output (`content_filter_results`). */
export function contentFilterResults(hit?: BlockedTerm): Record<string, unknown> {
  return {
    hate: severity(hit, 'hate'),
    self_harm: severity(hit, 'self_harm'),
    sexual: severity(hit, 'sexual'),
    violence: severity(hit, 'violence'),
  };
}

/** Results for the prompt (`prompt_filter_results`): the categories plus detections and blocklists. */
export function promptFilterResults(hit?: BlockedTerm): Record<string, unknown> {
  const out: Record<string, unknown> = {
    ...contentFilterResults(hit),
    jailbreak: { filtered: false, detected: false },
    profanity: { filtered: hit?.category === 'profanity', detected: hit?.category === 'profanity' },
  };
  if (hit?.category === 'custom_blocklists') {
    out.custom_blocklists = { filtered: true, details: [{ filtered: true, id: 'emulator-blocked-terms' }] };
  }
  return out;
}

export const POLICY_MESSAGE =
  'Your request was rejected as a result of our safety system. Your prompt may contain text that is not allowed by our safety system.';
