import express from 'express';
import pino from 'pino';
import request from 'supertest';
import { errorHandler, HttpError } from '../../../server/src/errors';

function appThatThrows(error: unknown) {
  const app = express();
  app.get('/boom', () => {
    throw error;
  });
  app.use(errorHandler(pino({ level: 'silent' })));
  return app;
}

describe('errorHandler', () => {
  it('hides an unexpected error behind a JSON 500 with no stack trace', async () => {
    const res = await request(appThatThrows(new Error('secret database password in message')))
      .get('/boom')
      .expect(500);
    expect(res.body).toEqual({ error: 'internal_error', message: 'Internal Server Error' });
    expect(res.text).not.toContain('secret');
    expect(res.text).not.toContain('at ');
  });

  it('shows an HttpError as it was written', async () => {
    const res = await request(appThatThrows(new HttpError(409, 'conflict', 'Already there')))
      .get('/boom')
      .expect(409);
    expect(res.body).toEqual({ error: 'conflict', message: 'Already there' });
  });

  it('uses the standard wording for another 4xx, not the error message', async () => {
    const res = await request(appThatThrows(Object.assign(new Error('internal detail'), { status: 418 })))
      .get('/boom')
      .expect(418);
    expect(res.body).toEqual({ error: 'i_m_a_teapot', message: "I'm a Teapot" });
  });
});
