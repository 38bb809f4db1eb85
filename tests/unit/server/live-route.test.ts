import pino from 'pino';
import request from 'supertest';
import { createApp } from '../../../server/src/app';
import { loadConfig } from '../../../server/src/config';

const app = createApp(loadConfig({}), { logger: pino({ level: 'silent' }) });

describe('live view route', () => {
  it('serves the page at /live with a same-origin-only policy, revalidated on every load', async () => {
    const res = await request(app).get('/live').expect(200);
    expect(res.type).toBe('text/html');
    expect(res.text).toContain('<script type="module" src="/assets/js/browser/main.js"></script>');
    expect(res.headers['content-security-policy']).toBe(
      "default-src 'self'; base-uri 'none'; form-action 'none'; object-src 'none'",
    );
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.headers.etag).toBeDefined();
  });

  it('has no inline script or style, which the policy would block', async () => {
    const { text } = await request(app).get('/live').expect(200);
    expect(text).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
    expect(text).not.toMatch(/<style|\sstyle=|\son[a-z]+=/);
  });

  it('serves its stylesheet as CSS, answering 304 to a revalidation', async () => {
    const res = await request(app).get('/assets/live.css').expect(200);
    expect(res.type).toBe('text/css');
    expect(res.headers['cache-control']).toBe('no-cache');
    await request(app).get('/assets/live.css').set('If-None-Match', res.headers.etag).expect(304);
  });

  it.each(['/assets/', '/assets/js', '/assets/../package.json', '/assets/%2e%2e/package.json', '/assets/nothing.js'])(
    'answers %s with a JSON 404: no listing, no redirect, nothing outside server/web',
    async (path) => {
      const res = await request(app).get(path).expect(404);
      expect(res.body).toEqual({ error: 'not_found', message: 'Not Found' });
    },
  );
});

describe('every HTML response carries a Content-Security-Policy', () => {
  const browser = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

  it.each(['/', '/live', '/assets/live.html', '/assets/live%2Ehtml', '/assets/LIVE.HTML', '/assets/../live.html'])(
    'GET %s',
    async (path) => {
      const res = await request(app).get(path).set('Accept', browser);
      if (res.type === 'text/html') {
        expect(res.headers['content-security-policy']).toMatch(/default-src '(self|none)'/);
      }
      expect(res.status === 200 || res.status === 404).toBe(true);
    },
  );

  it('serves the live page at /live only: under /assets it is a JSON 404', async () => {
    for (const path of ['/assets/live.html', '/assets/live%2Ehtml', '/assets/live.htm']) {
      const res = await request(app).get(path).expect(404);
      expect(res.body).toEqual({ error: 'not_found', message: 'Not Found' });
    }
  });
});
