/** Says what to do when dist/ is missing (a clone that was never built), and exits 1. */
export function missingBuild(error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND') throw error;
  process.stderr.write(
    `${process.argv[1]}: this package is not built (${error.message}); run \`npm run build\` at the repository's root\n`,
  );
  process.exit(1);
}
