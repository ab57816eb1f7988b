/** A fetch that records requests and answers from a queue; the boundary is `fetch` itself. */
export interface Captured {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: unknown;
  rawBody: BodyInit | null | undefined;
}

export type Answer = Response | Error | ((req: Captured) => Response | Error | Promise<Response | Error>);

export function capturingFetch(answers: Answer[] | ((req: Captured) => Answer)) {
  const calls: Captured[] = [];
  const fetchFn = async (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
    const headers: Record<string, string> = {};
    new Headers(init.headers).forEach((v, k) => (headers[k] = v));
    let body: unknown = init.body;
    if (typeof init.body === 'string' && headers['content-type'] === 'application/json')
      body = JSON.parse(init.body);
    const captured: Captured = {
      url: String(input),
      method: init.method ?? 'GET',
      headers,
      body,
      rawBody: init.body,
    };
    calls.push(captured);
    if (init.signal?.aborted) throw init.signal.reason;
    let answer: Answer | undefined = Array.isArray(answers) ? answers.shift() : answers(captured);
    if (answer === undefined) throw new Error('no answer queued');
    if (typeof answer === 'function') answer = await answer(captured);
    if (answer instanceof Error) throw answer;
    return answer;
  };
  return { fetch: fetchFn as typeof fetch, calls };
}

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}
