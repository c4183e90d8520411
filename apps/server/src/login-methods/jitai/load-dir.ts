import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { AppError } from '../../errors/app-error.js';
import { INSTANCE_NAME, parseInstance, type LoginTypeDefinition } from './instance-schema.js';

/**
 * Reads JitAi instance folders (`<Name>/e.json` + the `frontBundleEntry` file, `Config.json` by
 * default). `dir` may be the `auths/loginTypes` folder itself or an app root containing
 * `auths/loginTypes`. Every folder is checked and all problems are reported together, each
 * naming its file (relative to `dir`) and field; nothing is loaded when anything is wrong.
 * Files (not folders) directly in the directory are ignored (README, .DS_Store).
 */
const MAX_FILE_BYTES = 64 * 1024;

export function loginTypesFolder(dir: string): string {
  const nested = join(dir, 'auths', 'loginTypes');
  return existsSync(nested) && statSync(nested).isDirectory() ? nested : dir;
}

export interface DirProblem {
  path: string;
  message: string;
}

/** One instance folder as read now: its problems (empty when it is valid), each naming file and field. */
export interface DirFolder {
  name: string;
  /** The folder, relative to the configured directory (`auths/loginTypes/MyPasswordAuth`). */
  path: string;
  problems: DirProblem[];
}

export interface DirInspection {
  /** false: the directory does not exist or is not a directory (nothing else is reported). */
  exists: boolean;
  /** The valid instances (only loaded when `problems` is empty). */
  defs: LoginTypeDefinition[];
  folders: DirFolder[];
  /** Every folder's problems, in folder order. */
  problems: DirProblem[];
}

/** Reads and checks the directory without throwing for what is wrong in it (the console shows each folder's problems). */
export function inspectLoginTypesDir(dir: string): DirInspection {
  const root = resolve(dir);
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    return { exists: false, defs: [], folders: [], problems: [] };
  }
  const folder = loginTypesFolder(root);
  const problems: DirProblem[] = [];
  const defs: LoginTypeDefinition[] = [];
  const folders: DirFolder[] = [];
  const rel = (p: string) => relative(root, p) || '.';

  function readJson(path: string): unknown {
    if (!existsSync(path)) {
      problems.push({ path: rel(path), message: 'is missing' });
      return undefined;
    }
    const st = statSync(path);
    if (!st.isFile() || st.size > MAX_FILE_BYTES) {
      problems.push({ path: rel(path), message: `must be a file of at most ${MAX_FILE_BYTES} bytes` });
      return undefined;
    }
    try {
      return JSON.parse(readFileSync(path, 'utf8')) as unknown;
    } catch (err) {
      problems.push({ path: rel(path), message: `is not valid JSON (${(err as Error).message})` });
      return undefined;
    }
  }

  for (const name of readdirSync(folder).sort()) {
    const instDir = join(folder, name);
    if (!statSync(instDir).isDirectory()) continue;
    const before = problems.length;
    checkFolder(name, instDir);
    folders.push({ name, path: rel(instDir), problems: problems.slice(before) });
  }
  return { exists: true, defs, folders, problems };

  function checkFolder(name: string, instDir: string): void {
    if (!INSTANCE_NAME.test(name)) {
      problems.push({ path: rel(instDir), message: 'is not a valid instance name: letters, digits and _, starting with a letter or _' });
      return;
    }
    const elementPath = join(instDir, 'e.json');
    const element = readJson(elementPath);
    if (element === undefined) return;
    const entry = typeof (element as { frontBundleEntry?: unknown }).frontBundleEntry === 'string' ? (element as { frontBundleEntry: string }).frontBundleEntry : './Config.json';
    const configPath = resolve(instDir, entry);
    // The configuration must live inside the instance folder (no ../ escapes).
    if (!configPath.startsWith(instDir + sep)) {
      problems.push({ path: `${rel(elementPath)}#frontBundleEntry`, message: 'frontBundleEntry must name a file inside the instance folder' });
      return;
    }
    const config = readJson(configPath);
    if (config === undefined) return;
    try {
      defs.push(parseInstance(name, element, config, { element: rel(elementPath), config: rel(configPath) }));
    } catch (err) {
      if (err instanceof AppError && err.details) problems.push(...err.details.map((d) => ({ path: d.path, message: d.message })));
      else throw err;
    }
  }
}

/** Loads the directory: all or nothing, every problem in one `login_method.invalid_instance`. */
export function loadLoginTypesDir(dir: string): LoginTypeDefinition[] {
  const { exists, defs, problems } = inspectLoginTypesDir(dir);
  if (!exists) throw new AppError('login_method.invalid_instance', { params: { name: dir, reason: 'the login-types directory does not exist or is not a directory' } });
  if (problems.length > 0) {
    throw new AppError('login_method.invalid_instance', {
      params: { name: dir, reason: problems.map((p) => `${p.path.split('#')[0]}: ${p.message}`).join('; ') },
      details: problems,
    });
  }
  return defs;
}
