// Run by `npm test` before the suite: the programs the tests start besides Node.
// As root with apt-get (a fresh CI machine, a container), it installs what is missing
// from Debian's packages; otherwise it names each missing program and the command that
// installs it, and stops, so that no test fails later for a reason it does not say.
import { spawnSync } from 'node:child_process';

/** Program -> Debian package, and which tests need it. */
const NEEDED = [
  {
    program: 'redis-server',
    apt: 'redis-server',
    why: 'the queue tests (test/queue/, the lab queue model)',
  },
  { program: 'redis-cli', apt: 'redis-tools', why: 'the queue tests' },
  { program: 'chromium', apt: 'chromium', why: "the lab report's layout test (headless)" },
  { program: 'openssl', apt: 'openssl', why: "the queue's TLS test (a throwaway CA)" },
];

const has = (program) => spawnSync('sh', ['-c', `command -v ${program}`]).status === 0;
let missing = NEEDED.filter((n) => !has(n.program));
if (missing.length === 0) process.exit(0);

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const packages = [...new Set(missing.map((n) => n.apt))];
if (isRoot && has('apt-get')) {
  console.error(`test prerequisites: installing ${packages.join(', ')} (apt-get)`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  const install =
    update.status === 0 &&
    spawnSync('apt-get', ['install', '-y', '-qq', ...packages], { stdio: 'inherit', env });
  if (install && install.status === 0) missing = NEEDED.filter((n) => !has(n.program));
}
if (missing.length === 0) process.exit(0);

console.error('npm test needs programs that are not installed:');
for (const n of missing) console.error(`  ${n.program} (Debian package ${n.apt}): ${n.why}`);
console.error(`Install them with: sudo apt-get install -y ${packages.join(' ')}`);
process.exit(1);
