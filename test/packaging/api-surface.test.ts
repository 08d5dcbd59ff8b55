import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
// @ts-expect-error: a plain .mjs script without declarations
import { ENTRIES, surface } from '../../scripts/api-surface.mjs';

// The public .d.ts of each entry, as committed in packages/*/api/: a change to the API
// shows up as a diff there, made on purpose with `npm run api:surface -- --write`.

const ROOT = new URL('../../', import.meta.url);

describe('public API surface', () => {
  for (const [report, entry] of ENTRIES as [string, string][]) {
    it(`${entry} matches ${report}`, () => {
      const committed = readFileSync(fileURLToPath(new URL(report, ROOT)), 'utf8');
      assert.equal(
        surface(entry),
        committed,
        `the built ${entry} differs from ${report}: if the change is on purpose, run npm run api:surface -- --write and commit the report`,
      );
    });
  }
});
