/**
 * A flame graph (SVG) of a V8 CPU profile, the `.cpuprofile` file `node --cpu-prof` writes: one box per
 * function on a stack, as wide as the share of samples that had it there, callers below their callees.
 */

/** The parts of a `.cpuprofile` read here (Chrome DevTools Protocol, Profiler.Profile). */
export interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    children?: number[];
  }[];
  /** The id of the node on top of the stack at each sample. */
  samples: number[];
}

/** A function at one place in the call tree, with every sample taken in it or in what it called. */
export interface Frame {
  label: string;
  samples: number;
  children: Frame[];
}

/** V8's pseudo-frame for a thread with nothing to run: not CPU, so left out of the picture. */
const IDLE = '(idle)';

/**
 * `name where:line`, the place shortened to what tells it apart: `express/lib/response.js`, `server/src/app.js`,
 * `node:events`.
 */
export function frameLabel({ functionName, url, lineNumber }: CpuProfile['nodes'][number]['callFrame']): string {
  const name = functionName === '' ? '(anonymous)' : functionName;
  if (url === '') return name;
  const place = url
    .replace(/^file:\/\//, '')
    .replace(/^.*\/node_modules\//, '')
    .replace(/^.*\/(server\/)(dist\/)?/, '$1');
  return `${name} ${place}:${lineNumber + 1}`;
}

/**
 * The profile as one tree of frames under a root, siblings with the same label merged, idle samples dropped,
 * and so is every frame (with what it called) whose label starts with one of `omit`: e.g. start-up's module loading.
 */
export function frameTree(profile: CpuProfile, omit: readonly string[] = []): Frame {
  const selfSamples = new Map<number, number>();
  for (const id of profile.samples) selfSamples.set(id, (selfSamples.get(id) ?? 0) + 1);
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const childIds = new Set(profile.nodes.flatMap((node) => node.children ?? []));
  const roots = profile.nodes.filter((node) => !childIds.has(node.id));

  const merge = (into: Frame, id: number): void => {
    const node = byId.get(id);
    if (node === undefined) return;
    const label = frameLabel(node.callFrame);
    if (label === IDLE || omit.some((prefix) => label.startsWith(prefix))) return;
    let frame = into.children.find((child) => child.label === label);
    if (frame === undefined) {
      frame = { label, samples: 0, children: [] };
      into.children.push(frame);
    }
    frame.samples += selfSamples.get(id) ?? 0;
    for (const child of node.children ?? []) merge(frame, child);
  };
  const root: Frame = { label: 'all', samples: 0, children: [] };
  // V8's own root node, "(root)", is left out: `all` stands for it.
  for (const node of roots) for (const child of node.children ?? []) merge(root, child);
  const total = (frame: Frame): number => {
    frame.samples += frame.children.reduce((sum, child) => sum + total(child), 0);
    frame.children.sort((a, b) => b.samples - a.samples);
    return frame.samples;
  };
  total(root);
  return root;
}

/** One box of the picture: `x` and `width` as fractions of the whole, `depth` 0 for the root. */
export interface Box {
  frame: Frame;
  x: number;
  width: number;
  depth: number;
}

/** Every frame at least `minWidth` of the whole wide, children laid left to right above their parent. */
export function layOut(root: Frame, minWidth = 0.001): Box[] {
  const boxes: Box[] = [];
  const place = (frame: Frame, x: number, depth: number): void => {
    const width = root.samples === 0 ? 0 : frame.samples / root.samples;
    if (width < minWidth) return;
    boxes.push({ frame, x, width, depth });
    let childX = x;
    for (const child of frame.children) {
      place(child, childX, depth + 1);
      childX += root.samples === 0 ? 0 : child.samples / root.samples;
    }
  };
  place(root, 0, 0);
  return boxes;
}

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

function escapeXml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => XML_ESCAPES[c]);
}

/** Colour by where the code lives: the replica's own code stands out from its libraries and from Node. */
function colourOf(label: string): string {
  if (label.includes(' server/')) return '#e8743b';
  if (label.includes(' node:')) return '#7fa7d9';
  if (/ [^ ]+\.js:\d+$/.test(label)) return '#f2c14e';
  return '#b8b8b8';
}

const WIDTH = 1600;
const ROW = 18;
/** Average width of one character of the 11px label font, to cut labels to their box. */
const CHAR_WIDTH = 6.2;

/** The SVG: a title, a legend, then the boxes, each labelled when wide enough and titled (hover) with its share. */
export function renderSvg(root: Frame, title: string): string {
  const boxes = layOut(root);
  const depth = Math.max(0, ...boxes.map((box) => box.depth)) + 1;
  const top = 40;
  const height = top + depth * ROW + 10;
  const rows = boxes.map(({ frame, x, width, depth: level }) => {
    const px = x * WIDTH;
    const pw = width * WIDTH;
    const y = top + (depth - 1 - level) * ROW;
    const share = `${((100 * frame.samples) / root.samples).toFixed(1)}%`;
    const room = Math.floor((pw - 6) / CHAR_WIDTH);
    const text = `${frame.label} (${share})`;
    const shown = room >= text.length ? text : room >= 4 ? `${text.slice(0, room - 2)}..` : '';
    const label = shown === '' ? '' : `<text x="${(px + 3).toFixed(1)}" y="${y + 13}">${escapeXml(shown)}</text>`;
    return (
      `<g><title>${escapeXml(`${frame.label}: ${share} of samples (${frame.samples})`)}</title>` +
      `<rect x="${px.toFixed(1)}" y="${y}" width="${Math.max(pw - 0.5, 0.5).toFixed(1)}" height="${ROW - 1}" ` +
      `fill="${colourOf(frame.label)}"/>${label}</g>`
    );
  });
  const legend = [
    ['#e8743b', 'the replica (server/)'],
    ['#f2c14e', 'libraries (express, router, pino, prom-client, ...)'],
    ['#7fa7d9', 'Node.js (node:...)'],
    ['#b8b8b8', 'V8 and native (GC, syscalls)'],
  ]
    .map(
      ([fill, name], i) =>
        `<rect x="${10 + i * 420}" y="24" width="10" height="10" fill="${fill}"/><text x="${24 + i * 420}" y="33">${escapeXml(name)}</text>`,
    )
    .join('');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" font-family="monospace" font-size="11">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="10" y="16" font-size="13" font-weight="bold">${escapeXml(title)}</text>`,
    legend,
    ...rows,
    '</svg>',
    '',
  ].join('\n');
}
