// Shared by the command-line scripts that are also imported as modules (simulator, demo).
import {realpathSync} from "node:fs";
import {fileURLToPath} from "node:url";

/**
 * Run `main` when the module at `moduleUrl` is the script node was started with (not when it is
 * imported); a failure to start is printed as `<name> failed to start: …` with exit code 1.
 * @param {string} moduleUrl `import.meta.url` of the calling module
 * @param {() => Promise<void>} main
 * @param {string} name
 */
export function runIfMain(moduleUrl, main, name) {
  let direct = false;
  try {
    direct =
      Boolean(process.argv[1]) &&
      realpathSync(process.argv[1]) === realpathSync(fileURLToPath(moduleUrl));
  } catch {
    direct = false;
  }
  if (!direct) return;
  main().catch((e) => {
    process.stderr.write(`${name} failed to start: ${e.message}\n`);
    process.exit(1);
  });
}
