// concur's tasks: the same bodies, declared with task() from the built library.
import { task } from '../../packages/concur/dist/index.js';
import * as bodies from './tasks.mjs';

export const inc = task(import.meta.url, function inc(x) {
  return bodies.inc(x);
});

export const score = task(import.meta.url, function score(record) {
  return bodies.score(record);
});

export const search = task(import.meta.url, function search(spec) {
  return bodies.search(spec);
});
