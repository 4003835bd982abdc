/** A small JSON client for the app, as a test's user would call it. */
export interface ApiResponse<T = any> {
  status: number;
  body: T;
}

export function apiClient(baseUrl: string) {
  async function call<T = any>(method: string, path: string, opts: { token?: string; body?: unknown; rawBody?: string | Uint8Array; headers?: Record<string, string> } = {}): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    let body: string | Blob | undefined;
    if (opts.rawBody !== undefined) body = typeof opts.rawBody === 'string' ? opts.rawBody : new Blob([new Uint8Array(opts.rawBody)]);
    else if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await fetch(baseUrl + path, { method, headers, body });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
  }
  return { call };
}
