import { ConfigError, loadConfig } from '../../../server/src/config';

describe('loadConfig', () => {
  it('uses documented defaults when nothing is set', () => {
    expect(loadConfig({})).toEqual({
      port: 3000,
      keepAliveTimeoutMs: 65_000,
      listenBacklog: 4_096,
      shutdownTimeoutMs: 5_000,
      shutdownDelayMs: 0,
      version: 'dev',
      logLevel: 'info',
    });
  });

  it('reads every variable', () => {
    const config = loadConfig({
      PORT: '8080',
      KEEP_ALIVE_TIMEOUT_MS: '70000',
      LISTEN_BACKLOG: '1024',
      SHUTDOWN_TIMEOUT_MS: '0',
      SHUTDOWN_DELAY_MS: '6000',
      APP_VERSION: '1.2.3',
      LOG_LEVEL: 'debug',
    });
    expect(config).toEqual({
      port: 8080,
      keepAliveTimeoutMs: 70_000,
      listenBacklog: 1_024,
      shutdownTimeoutMs: 0,
      shutdownDelayMs: 6_000,
      version: '1.2.3',
      logLevel: 'debug',
    });
  });

  it.each([
    ['PORT', 'abc', /^PORT must be a whole number/],
    ['PORT', '0', /^PORT must be between 1 and 65535, got 0$/],
    ['PORT', '70000', /^PORT must be between 1 and 65535/],
    ['PORT', '3000.5', /^PORT must be a whole number/],
    ['PORT', '-1', /^PORT must be a whole number/],
    ['KEEP_ALIVE_TIMEOUT_MS', '10', /^KEEP_ALIVE_TIMEOUT_MS must be between 1000 and 600000/],
    ['LISTEN_BACKLOG', '0', /^LISTEN_BACKLOG must be between 1 and 65535, got 0$/],
    ['LISTEN_BACKLOG', 'lots', /^LISTEN_BACKLOG must be a whole number/],
    ['SHUTDOWN_TIMEOUT_MS', '1e3', /^SHUTDOWN_TIMEOUT_MS must be a whole number/],
    ['APP_VERSION', 'v 1', /^APP_VERSION must be 1-64 characters/],
    [
      'LOG_LEVEL',
      'verbose',
      /^LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "verbose"$/,
    ],
    ['LOG_LEVEL', 'INFO', /^LOG_LEVEL must be one of/],
  ])('rejects %s=%s with a message naming the variable', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(message);
  });
});
