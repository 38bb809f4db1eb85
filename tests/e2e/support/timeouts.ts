// Real containers start, stop and fail over: seconds, not milliseconds. (Jest's testTimeout is
// global-only, so the e2e project sets its own here.)
jest.setTimeout(180_000);
