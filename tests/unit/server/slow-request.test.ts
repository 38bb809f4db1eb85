import os from 'node:os';
import pino from 'pino';
import request from 'supertest';
import { createApp } from '../../../server/src/app';
import { loadConfig } from '../../../server/src/config';
import { MAX_DELAY_MS } from '../../../server/src/slow-request';

const app = createApp(loadConfig({}), { logger: pino({ level: 'silent' }) });

describe('GET /api/whoami?delay=', () => {
  it('answers after the delay asked for', async () => {
    const started = Date.now();
    await request(app).get('/api/whoami?delay=300').expect(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('delays only on the replica named by delay_on', async () => {
    const started = Date.now();
    await request(app).get('/api/whoami?delay=2000&delay_on=some-other-replica').expect(200);
    expect(Date.now() - started).toBeLessThan(1_500);
    const slow = Date.now();
    await request(app).get(`/api/whoami?delay=300&delay_on=${os.hostname()}`).expect(200);
    expect(Date.now() - slow).toBeGreaterThanOrEqual(290);
  });

  it.each([String(MAX_DELAY_MS + 1), '-1', '1.5', 'abc', '99999999', ''])(
    'refuses delay=%s with a 400 naming the bound',
    async (delay) => {
      const res = await request(app).get(`/api/whoami?delay=${delay}`).expect(400);
      expect(res.body).toEqual({
        error: 'bad_request',
        message: `delay must be a whole number of milliseconds from 0 to ${MAX_DELAY_MS}`,
      });
    },
  );

  it('refuses a repeated delay and a malformed delay_on', async () => {
    await request(app).get('/api/whoami?delay=1&delay=2').expect(400);
    const res = await request(app).get('/api/whoami?delay=10&delay_on=<x>').expect(400);
    expect((res.body as { message: string }).message).toMatch(/^delay_on must be a replica hostname/);
    const alone = await request(app).get('/api/whoami?delay_on=abc').expect(400);
    expect(alone.body).toEqual({ error: 'bad_request', message: 'delay_on needs delay' });
  });
});
