import { formatRatio } from '../render/format.ts';
import { ProgressBar } from '../render/progress.ts';
import { renderTable } from '../render/table.ts';
import { intFlag, parseCommandArgs } from '../support/args.ts';
import { compareStructures } from '../workloads/structures.ts';
import { type Command, write, writeJson } from './command.ts';

const USAGE = `Usage: concur structures [options]

The story's list/set/tuple/dict profile: the cost of one membership test in an Array,
a frozen Array, a Set, a Map, a plain object and a sorted Int32Array (binary search).

Options:
  --size N       values in each structure (default 1000000)
  --lookups K    values looked up (default 1000)
  --seed N       random seed (default 42)
  --json         print the result as JSON on stdout
  -h, --help     show this help

JSON fields: command, size, lookups, structures[] of { name, story, found, nsPerLookup, relative }.`;

export const structuresCommand: Command = {
  name: 'structures',
  summary: 'membership test in Array, frozen Array, Set, Map, object, sorted typed array',
  async run(argv) {
    const { values } = parseCommandArgs(
      argv,
      {
        size: { type: 'string' },
        lookups: { type: 'string' },
        seed: { type: 'string' },
        json: { type: 'boolean' },
      },
      0,
    );
    if (values.help === true) {
      write(USAGE);
      return 0;
    }
    const size = intFlag(values, 'size', 1_000_000);
    const lookups = intFlag(values, 'lookups', 1000);
    const seed = intFlag(values, 'seed', 42, 0);
    const bar = new ProgressBar('structures');
    const results = compareStructures(size, lookups, seed, (d, t) => bar.update(d / t));
    bar.done();
    const fastest = Math.min(...results.map((r) => r.nsPerLookup));
    const rows = results.map((r) => ({ ...r, relative: r.nsPerLookup / fastest }));
    if (values.json === true) {
      writeJson({ command: 'structures', size, lookups, structures: rows });
      return 0;
    }
    write(
      renderTable(
        [
          { header: 'structure', align: 'left' },
          { header: 'story', align: 'left' },
          { header: 'found' },
          { header: 'time per lookup' },
          { header: 'vs fastest' },
        ],
        rows.map((r) => [
          r.name,
          r.story,
          String(r.found),
          r.nsPerLookup >= 1e5
            ? `${(r.nsPerLookup / 1e6).toFixed(3)} ms`
            : `${r.nsPerLookup.toFixed(0)} ns`,
          formatRatio(r.relative),
        ]),
      ),
    );
    return 0;
  },
};
