import { task } from '../../packages/concur/dist/index.js';
import { download as get } from './client.mjs';

export const download = task(import.meta.url, function download(url) {
  return get(url);
});
