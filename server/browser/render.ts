import { hostnameColour } from '../shared/hostname-colour.js';
import type { Outcome } from '../shared/probe.js';
import type { LiveReplica, LiveSummary } from '../shared/window.js';

/** The elements live.html provides, looked up once: a missing one fails at load, not mid-render. */
export interface LiveElements {
  sent: HTMLElement;
  rate: HTMLElement;
  latency: HTMLElement;
  errors: HTMLElement;
  strip: HTMLElement;
  replicas: HTMLElement;
  errorKinds: HTMLElement;
  pause: HTMLButtonElement;
  reset: HTMLButtonElement;
  rateInput: HTMLInputElement;
  rateLabel: HTMLOutputElement;
}

export function findElements(doc: Document): LiveElements {
  const byId = <T extends HTMLElement = HTMLElement>(id: string): T => {
    const element = doc.getElementById(id);
    if (!element) throw new Error(`live.html has no #${id}`);
    return element as T;
  };
  return {
    sent: byId('sent'),
    rate: byId('rate'),
    latency: byId('latency'),
    errors: byId('errors'),
    strip: byId('strip'),
    replicas: byId('replicas'),
    errorKinds: byId('error-kinds'),
    pause: byId<HTMLButtonElement>('pause'),
    reset: byId<HTMLButtonElement>('reset'),
    rateInput: byId<HTMLInputElement>('rate-input'),
    rateLabel: byId<HTMLOutputElement>('rate-label'),
  };
}

const ms = (value: number | null) => (value === null ? '–' : `${value < 10 ? value.toFixed(1) : Math.round(value)} ms`);
const percent = (share: number) => `${(share * 100).toFixed(1)}%`;

function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className: string,
  text = '',
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.className = className;
  node.textContent = text;
  return node;
}

function stripCell(outcome: Outcome): HTMLElement {
  const cell = element('li', outcome.hostname === null ? 'cell failed' : 'cell', outcome.hostname?.slice(0, 2) ?? '×');
  cell.title = outcome.hostname ?? outcome.error ?? '';
  if (outcome.hostname !== null) cell.style.background = hostnameColour(outcome.hostname);
  return cell;
}

/** One row per replica, kept (not rebuilt) across renders so the bars animate and stale rows fade. */
function replicaRow(hostname: string): HTMLElement {
  const row = element('div', 'replica');
  row.dataset.hostname = hostname;
  const name = element('span', 'name', hostname);
  name.style.color = hostnameColour(hostname);
  const track = element('span', 'track');
  const fill = element('span', 'fill');
  fill.style.background = hostnameColour(hostname);
  track.append(fill, element('span', 'fair'));
  row.append(
    name,
    track,
    element('span', 'count'),
    element('span', 'share'),
    element('span', 'latency'),
    element('span', 'note'),
  );
  return row;
}

function updateRow(row: HTMLElement, replica: LiveReplica, fairShare: number): void {
  row.dataset.count = String(replica.count);
  row.classList.toggle('stale', replica.stale);
  (row.querySelector('.fill') as HTMLElement).style.width = percent(replica.share);
  (row.querySelector('.fair') as HTMLElement).style.left = percent(fairShare);
  row.querySelector('.count')!.textContent = String(replica.count);
  row.querySelector('.share')!.textContent = percent(replica.share);
  row.querySelector('.latency')!.textContent = `p50 ${ms(replica.latencyP50Ms)}`;
  row.querySelector('.note')!.textContent = replica.stale ? `stale: ${replica.missedTurns} answers without it` : '';
}

function renderReplicas(container: HTMLElement, replicas: LiveReplica[]): void {
  // The share each replica would get if NGINX spread evenly over the ones answering now: the mark on every track.
  const fairShare = 1 / Math.max(1, replicas.filter((r) => !r.stale).length);
  const rows = new Map(
    [...container.querySelectorAll<HTMLElement>('.replica')].map((row) => [row.dataset.hostname!, row]),
  );
  replicas.forEach((replica, index) => {
    const row = rows.get(replica.hostname) ?? replicaRow(replica.hostname);
    rows.delete(replica.hostname);
    updateRow(row, replica, fairShare);
    if (container.children[index] !== row) container.insertBefore(row, container.children[index] ?? null);
  });
  // Out of the window: gone for good.
  for (const row of rows.values()) row.remove();
}

export function render(elements: LiveElements, summary: LiveSummary, sent: number): void {
  elements.sent.textContent = String(sent);
  elements.rate.textContent = `${summary.ratePerSecond.toFixed(1)} req/s`;
  elements.latency.textContent = `${ms(summary.latencyMs.p50)} / ${ms(summary.latencyMs.p95)}`;
  elements.errors.textContent = String(summary.errors.total);
  elements.errors.classList.toggle('bad', summary.errors.total > 0);
  elements.strip.replaceChildren(...summary.recent.map(stripCell));
  renderReplicas(elements.replicas, summary.replicas);
  elements.errorKinds.replaceChildren(
    ...summary.errors.byKind.map(([kind, count]) => element('li', 'error-kind', `${kind}: ${count}`)),
  );
}
