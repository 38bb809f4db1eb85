/** What a client can see of an error answer, from fetch or from a raw socket. */
export interface ErrorAnswer {
  status: number;
  contentType: string | null | undefined;
  body: string;
}

/**
 * An error answer as this stack promises it: the expected status, a short JSON body with an
 * `error` code, and nothing of NGINX's HTML page, its version or a stack trace.
 */
export function expectShortJsonError(answer: ErrorAnswer, status: number | number[], code?: string): void {
  expect(Array.isArray(status) ? status : [status]).toContain(answer.status);
  expect(answer.contentType).toMatch(/^application\/json/);
  expect(answer.body.length).toBeLessThan(200);
  expect(answer.body).not.toMatch(/<html|nginx\/|\bat \S+ \(/i);
  const parsed = JSON.parse(answer.body) as { error?: unknown; message?: unknown };
  expect(typeof parsed.error).toBe('string');
  expect(typeof parsed.message).toBe('string');
  if (code) expect(parsed.error).toBe(code);
}

/** The error answer of a fetch Response (reads its body). */
export async function fetchedAnswer(res: Response): Promise<ErrorAnswer> {
  return { status: res.status, contentType: res.headers.get('content-type'), body: await res.text() };
}
