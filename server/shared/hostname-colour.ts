/**
 * A stable colour per replica, so a person sees the rotation before reading the name.
 * FNV-1a over the hostname picks a hue; saturation and lightness are fixed for legible white text.
 * Pure and dependency-free: the browser's live view uses the same function.
 */
function hostnameHue(hostname: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < hostname.length; i += 1) {
    hash ^= hostname.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % 360;
}

export function hostnameColour(hostname: string): string {
  return `hsl(${hostnameHue(hostname)} 65% 35%)`;
}
