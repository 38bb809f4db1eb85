/**
 * The live view (/live): polls GET /api/whoami through NGINX and draws where each answer came from.
 * Plain TypeScript compiled by server/tsconfig.web.json to ES modules; no framework, nothing from outside.
 */
import { showBalancing } from './balancing.js';
import { Poller } from './poller.js';
import { findElements, render } from './render.js';
import { LIVE_OPTIONS, OutcomeWindow, summarise } from '../shared/window.js';

/** Requests per second the rate slider offers. */
const RATES = [1, 2, 5, 10, 20, 50];
const DEFAULT_RATE_INDEX = 2;
/** Counts, shares and latency are over the last this many answers; a replica that leaves it is gone. */
const WINDOW = 200;
const TIMEOUT_MS = 5_000;

const elements = findElements(document);
const { pause: pauseButton, reset: resetButton, rateInput, rateLabel } = elements;

const outcomes = new OutcomeWindow(WINDOW);
let sent = 0;
/** When the picture last started anew (Reset, New client), in performance.now() milliseconds. */
let resetAt = 0;
const draw = () => render(elements, summarise(outcomes.outcomes, performance.now(), LIVE_OPTIONS), sent);

const poller = new Poller('/api/whoami', TIMEOUT_MS, RATES[DEFAULT_RATE_INDEX], (outcome) => {
  // The answer to a request sent before the reset belongs to the old picture (after "New client", to the old cookie).
  if (outcome.at - outcome.latencyMs < resetAt) return;
  sent += 1;
  outcomes.add(outcome);
  draw();
});

function showRate(): void {
  const rate = RATES[Number(rateInput.value)] ?? RATES[DEFAULT_RATE_INDEX];
  rateLabel.value = `${rate} req/s`;
  poller.setRate(rate);
}

rateInput.max = String(RATES.length - 1);
rateInput.value = String(DEFAULT_RATE_INDEX);
rateInput.addEventListener('input', showRate);
showRate();

pauseButton.addEventListener('click', () => {
  if (poller.paused) poller.start();
  else poller.pause();
  pauseButton.textContent = poller.paused ? 'Resume' : 'Pause';
  document.body.classList.toggle('paused', poller.paused);
});

resetButton.addEventListener('click', () => {
  resetAt = performance.now();
  outcomes.clear();
  sent = 0;
  draw();
});

const byId = (id: string) => document.getElementById(id) as HTMLElement;
// A new client starts a new picture: the old answers were another client's.
void showBalancing(byId('method'), byId('method-meaning'), byId('new-client') as HTMLButtonElement, () =>
  resetButton.click(),
);

// The rate decays and replicas go stale between answers too (and while paused).
setInterval(draw, 1_000);
poller.start();
