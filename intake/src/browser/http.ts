/**
 * The browser app's calls to its own inbox: JSON, same origin, never
 * cached, and every POST with the session's CSRF token in a header
 * (the server renders it into `<body data-csrf>`).
 */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string) {
    super(code);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

async function answer<T>(response: Response): Promise<T> {
  const data = (await response.json().catch(() => ({}))) as { error?: string };
  if (!response.ok) throw new ApiError(response.status, typeof data.error === 'string' ? data.error : 'failed');
  return data as T;
}

export async function getJson<T>(url: string): Promise<T> {
  return answer<T>(await fetch(url, { credentials: 'same-origin', cache: 'no-store', headers: { accept: 'application/json' } }));
}

export async function postJson<T>(url: string, body: unknown): Promise<T> {
  return answer<T>(
    await fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      cache: 'no-store',
      headers: { 'content-type': 'application/json', 'x-csrf-token': document.body.dataset['csrf'] ?? '' },
      body: JSON.stringify(body ?? {}),
    }),
  );
}
