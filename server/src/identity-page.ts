import { hostnameColour } from '../shared/hostname-colour';
import type { Identity } from './identity';

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

/** The page a browser gets at `/`: the replica's name, large, on its own colour. Self-contained: no external assets. */
export function renderIdentityPage(identity: Identity): string {
  const name = escapeHtml(identity.hostname);
  const colour = hostnameColour(identity.hostname);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${name}</title>
<style>
  body { margin: 0; min-height: 100vh; display: flex; flex-direction: column; align-items: center;
         justify-content: center; gap: 1rem; background: ${colour}; color: #fff;
         font-family: system-ui, sans-serif; text-align: center; }
  h1 { margin: 0; font-size: clamp(2rem, 9vw, 6rem); font-family: ui-monospace, monospace; word-break: break-all; }
  p { margin: 0; opacity: 0.85; }
  a { color: #fff; }
</style>
</head>
<body>
<p>Served by replica</p>
<h1 id="hostname">${name}</h1>
<p>version ${escapeHtml(identity.version)} · request ${identity.requestsServed} on this replica · up ${identity.uptimeSeconds}s</p>
<p>Refresh: NGINX sends each request to the next replica. <a href="/live">Watch the rotation live</a></p>
</body>
</html>
`;
}
