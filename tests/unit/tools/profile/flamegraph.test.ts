import { frameLabel, frameTree, layOut, renderSvg, type CpuProfile } from '../../../../tools/profile/flamegraph';

const at = (functionName: string, url = '', lineNumber = 0) => ({ functionName, url, lineNumber });

/**
 * (root) → main → handle (2 samples) → json (3 samples), handle also reached by a second node → 1 sample;
 * plus idle (4 samples) and start-up's loader (5 samples), both left out of the picture.
 */
const profile: CpuProfile = {
  nodes: [
    { id: 1, callFrame: at('(root)'), children: [2, 6, 7] },
    { id: 2, callFrame: at('main', 'file:///app/server/dist/src/app.js', 9), children: [3, 5] },
    { id: 3, callFrame: at('handle', 'file:///app/node_modules/router/index.js', 149), children: [4] },
    { id: 4, callFrame: at('json', 'file:///app/node_modules/express/lib/response.js', 235) },
    { id: 5, callFrame: at('handle', 'file:///app/node_modules/router/index.js', 149) },
    { id: 6, callFrame: at('(idle)') },
    { id: 7, callFrame: at('', 'node:internal/main/run_main_module', 0) },
  ],
  samples: [3, 3, 4, 4, 4, 5, 6, 6, 6, 6, 7, 7, 7, 7, 7],
};

describe('flame graph of a CPU profile', () => {
  it('labels a frame by function and a short place', () => {
    expect(frameLabel(at('json', 'file:///app/node_modules/express/lib/response.js', 235))).toBe(
      'json express/lib/response.js:236',
    );
    expect(frameLabel(at('main', 'file:///app/server/dist/src/app.js', 9))).toBe('main server/src/app.js:10');
    expect(frameLabel(at('', 'node:events', 470))).toBe('(anonymous) node:events:471');
    expect(frameLabel(at('(garbage collector)'))).toBe('(garbage collector)');
  });

  it('counts each frame with what it called, merging repeated callers, leaving out idle and what is omitted', () => {
    const root = frameTree(profile, ['(anonymous) node:internal/main/run_main_module']);
    expect(root.samples).toBe(6);
    const [main] = root.children;
    expect(root.children).toHaveLength(1);
    expect(main).toMatchObject({ label: 'main server/src/app.js:10', samples: 6 });
    expect(main.children).toHaveLength(1);
    expect(main.children[0]).toMatchObject({ label: 'handle router/index.js:150', samples: 6 });
    expect(main.children[0].children[0]).toMatchObject({ label: 'json express/lib/response.js:236', samples: 3 });
  });

  it('keeps the start-up frames unless told to omit them', () => {
    expect(frameTree(profile).samples).toBe(11);
  });

  it('lays children side by side above their parent, as wide as their share', () => {
    const boxes = layOut(frameTree(profile, ['(anonymous) node:internal/main/run_main_module']));
    expect(boxes.map(({ frame, x, width, depth }) => [frame.label, x, width, depth])).toEqual([
      ['all', 0, 1, 0],
      ['main server/src/app.js:10', 0, 1, 1],
      ['handle router/index.js:150', 0, 1, 2],
      ['json express/lib/response.js:236', 0, 0.5, 3],
    ]);
  });

  it('draws labelled boxes, escaping what a label may hold', () => {
    const svg = renderSvg(frameTree(profile), 'GET / <under load> & more');
    expect(svg).toContain('GET / &lt;under load&gt; &amp; more');
    expect(svg).toContain('>json express/lib/response.js:236 (27.3%)</text>');
    expect(svg.match(/<rect [^>]*height="17"/g)).toHaveLength(layOut(frameTree(profile)).length);
  });
});
