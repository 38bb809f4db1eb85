import type { Config } from 'jest';

const typescript: Config['transform'] = { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] };

/**
 * `npm test` runs both projects in band: the unit tests take seconds; the e2e tests bring up real
 * compose stacks one after another (running them side by side would fight over 2 cores and make
 * timing assertions lie).
 */
const config: Config = {
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      transform: typescript,
      testMatch: ['<rootDir>/tests/unit/**/*.test.ts'],
      // The live view's browser modules import `./window.js` (browsers need the extension); here that is window.ts.
      moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
    },
    {
      displayName: 'e2e',
      testEnvironment: 'node',
      transform: typescript,
      testMatch: ['<rootDir>/tests/e2e/**/*.test.ts'],
      globalSetup: '<rootDir>/tests/e2e/global-setup.ts',
      setupFilesAfterEnv: ['<rootDir>/tests/e2e/support/timeouts.ts'],
      slowTestThreshold: 60,
    },
  ],
};

export default config;
