import { STATUS_CODES } from 'node:http';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';

/** An error whose status and wording are safe to show a client. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** body-parser's error types, worded for a client without echoing their input back. */
const BODY_PARSER_ERRORS: Record<string, [status: number, code: string, message: string]> = {
  'entity.parse.failed': [400, 'invalid_json', 'Request body is not valid JSON'],
  'entity.too.large': [413, 'payload_too_large', 'Request body is too large'],
  'encoding.unsupported': [415, 'unsupported_encoding', 'Request body encoding is not supported'],
  'charset.unsupported': [415, 'unsupported_charset', 'Request body charset is not supported'],
  'request.aborted': [400, 'request_aborted', 'Request body was not completely received'],
  'request.size.invalid': [400, 'invalid_body_size', 'Request body size does not match Content-Length'],
};

function toHttpError(err: unknown): HttpError {
  if (err instanceof HttpError) return err;
  const type = (err as { type?: unknown })?.type;
  const known = typeof type === 'string' ? BODY_PARSER_ERRORS[type] : undefined;
  if (known) return new HttpError(...known);
  const status = Number((err as { status?: unknown })?.status);
  if (status >= 400 && status < 500) {
    const text = STATUS_CODES[status] ?? 'Bad Request';
    return new HttpError(status, text.toLowerCase().replace(/\W+/g, '_'), text);
  }
  return new HttpError(500, 'internal_error', 'Internal Server Error');
}

export const notFound: RequestHandler = (_req, res) => {
  res.status(404).json({ error: 'not_found', message: 'Not Found' });
};

/** Every error leaves as short JSON; details (and stack traces) go to the log, never to the client. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, _req, res, next) => {
    const httpError = toHttpError(err);
    if (httpError.status >= 500) {
      logger.error({ err, requestId: res.locals.requestId }, 'request failed');
    }
    if (res.headersSent) {
      next(err); // Express closes the connection: a half-sent response cannot be repaired.
      return;
    }
    res.status(httpError.status).json({ error: httpError.code, message: httpError.message });
  };
}
