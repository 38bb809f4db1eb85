/**
 * The live view's balancing panel: the method NGINX uses (GET /api/balancer, answered by NGINX itself),
 * what it means, and for the methods that keep a client on one replica a "New client" button.
 */

/** What each method means for this page, in one sentence. */
const MEANINGS: Record<string, string> = {
  round_robin: 'Round robin: each request goes to the next replica, so the colours repeat with the replica count.',
  least_conn:
    'Least connections: each request goes to the replica with the fewest in flight. Make one slow ' +
    '(GET /api/whoami?delay=300&delay_on=<hostname>) from a terminal and watch its share shrink.',
  random: 'Random: each request goes to a replica picked at random: even on average, no pattern.',
  ip_hash: "IP hash: this browser's address keeps it on one replica.",
  hash: 'Hash: this browser (its lb_client cookie) stays on one replica. "New client" picks a new key.',
  sticky: 'Sticky cookie: NGINX pinned this browser to one replica (srv_id cookie). "New client" drops the cookie.',
};

/** A client key for LB_METHOD=hash: random, in the lb_client cookie NGINX hashes (nginx/snippets/balancer.conf). */
function newHashKey(): void {
  const key = Array.from(crypto.getRandomValues(new Uint8Array(8)), (b) => b.toString(16).padStart(2, '0')).join('');
  document.cookie = `lb_client=${key}; path=/; max-age=86400; samesite=lax`;
}

/** Shows the method and wires "New client"; `onNewClient` runs once the browser is a new client. */
export async function showBalancing(
  label: HTMLElement,
  meaning: HTMLElement,
  newClient: HTMLButtonElement,
  onNewClient: () => void,
): Promise<void> {
  const res = await fetch('/api/balancer', { headers: { accept: 'application/json' } });
  const { method } = (await res.json()) as { method: string };
  label.textContent = method;
  meaning.textContent = MEANINGS[method] ?? '';
  if (method === 'hash' && !document.cookie.includes('lb_client=')) newHashKey();
  newClient.hidden = method !== 'sticky' && method !== 'hash';
  newClient.addEventListener('click', () => {
    // The sticky cookie is HttpOnly: NGINX drops it (/api/balancer/new-client). The hash key is this page's own.
    const ready = method === 'sticky' ? fetch('/api/balancer/new-client', { method: 'POST' }) : Promise.resolve();
    if (method === 'hash') newHashKey();
    void ready.then(onNewClient);
  });
}
