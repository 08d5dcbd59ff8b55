// Preloaded (--import) into the process that `concur profile` runs: samples it with
// V8's profiler from the first line to exit, and writes the line ticks, mapped back
// to the original source, where the parent asked.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { installLineHooks } from './line-hooks.ts';
import { installLineRequire } from './line-require.ts';
import { type Profile, type ProfiledProcess, summarize } from './profile-summary.ts';

const out = process.env.CONCUR_PROFILE_OUT;
const interval = Number(process.env.CONCUR_PROFILE_INTERVAL_US ?? 100);
const besides: ProfiledProcess = {
  machinery: [{ prefix: new URL('./', import.meta.url).href, name: '(concur profile)' }],
  helpers: [],
};
const packageUrl = (entry: string) => `${pathToFileURL(dirname(entry)).href}/`;

process.setSourceMapsEnabled(true);
if (process.env.CONCUR_PROFILE_TS_LINES === '1') {
  // esbuild comes with tsx, which a TypeScript target needs anyway.
  const tsx = createRequire(import.meta.resolve('tsx'));
  const esbuildPath = tsx.resolve('esbuild');
  besides.machinery.push({ prefix: packageUrl(tsx.resolve('tsx/package.json')), name: '(tsx)' });
  besides.helpers.push(packageUrl(tsx.resolve('esbuild/package.json')));
  installLineHooks(esbuildPath);
  installLineRequire(esbuildPath);
}

const session = new Session();
session.connect();
session.post('Profiler.enable');
session.post('Profiler.setSamplingInterval', { interval });
session.post('Profiler.start');

process.on('exit', () => {
  // An in-thread inspector session answers synchronously, which is what makes this work at exit.
  session.post('Profiler.stop', (error, result) => {
    if (error !== null || out === undefined) return;
    writeFileSync(
      out,
      JSON.stringify(summarize((result as { profile: Profile }).profile, besides)),
    );
  });
  session.disconnect();
});
