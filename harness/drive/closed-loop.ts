import autocannon from 'autocannon';

/**
 * Closed-loop max throughput (autocannon): each connection sends its next request when the last
 * answer arrives. For "how many requests per second can it serve", not for latency at a rate
 * (the open-model driver in run.ts is for that).
 */
export interface ClosedLoopInput {
  baseUrl: string;
  connections: number;
  durationSec: number;
  headers?: Record<string, string>;
  /** The path of each next request (called once per request). */
  nextPath?: () => string;
  /** Or the whole next request, when method or headers vary per request. */
  nextRequest?: () => { method: 'GET' | 'PUT' | 'POST' | 'DELETE'; path: string; headers?: Record<string, string> };
}

export interface ClosedLoopResult {
  requestsPerSec: number;
  total: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
}

export async function maxThroughput(input: ClosedLoopInput): Promise<ClosedLoopResult> {
  const result = await autocannon({
    url: input.baseUrl,
    connections: input.connections,
    pipelining: 1,
    duration: input.durationSec,
    headers: input.headers,
    requests: [
      {
        method: 'GET',
        setupRequest: (req) => {
          if (input.nextRequest) {
            const r = input.nextRequest();
            return { ...req, method: r.method, path: r.path, headers: { ...req.headers, ...r.headers } };
          }
          return { ...req, path: input.nextPath!() };
        },
      },
    ],
  });
  const total = result.requests.total;
  return {
    requestsPerSec: total / input.durationSec,
    total,
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
  };
}
