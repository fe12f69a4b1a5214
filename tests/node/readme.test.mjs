// The READMEs' examples cannot rot (issue 27 §5): every fenced code block of
// README.md and pkg-template/README.md (the package's, on the registry) is
// checked here, or says why it is not.
//
// The convention: the line right before each fence is an HTML comment (shown
// neither on GitHub nor on npm) saying what the block is:
//
//   <!-- example: typecheck -->        js/ts: compiled by tsc --strict as an ES
//                                       module (top-level await allowed) that
//                                       imports the built package; html: the body
//                                       of each <script type="module"> in it
//   <!-- example: run -->              sh: run by `bash -e` in a fresh project
//                                       that has the built package installed, so
//                                       `npx evs-snapshots` is the package's command;
//                                       against the mock: EVS_SNAPSHOTS_ENDPOINT is
//                                       its URL, and so is every http://127.0.0.1:PORT
//                                       in the block; the project ID and an AK/SK
//                                       pair are set. It must exit 0.
//   <!-- example: same as PATH -->     the settings a test uses, in the file PATH:
//                                       next.config.mjs's exported object, or
//                                       angular.json's build assets and serve prebundle
//   <!-- example: not run, REASON -->  not checked: a shell command of this
//                                       repository, a transcript, a fragment, a
//                                       synopsis, a shape; REASON says which
//
// A block without a marker, or with another, fails the first test below: a
// new example has to be classified. The package README's links must be
// absolute (a reader on the registry has no repository beside them) and
// point at what exists; it must document every variable the command reads.
import { test, after } from 'node:test';
import { before } from '../helpers/hooks.mjs';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, rmSync, symlinkSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { useMock } from '../helpers/mock.mjs';
import { PROJECT_ID } from '../mock-evs/data.mjs';

const execFileAsync = promisify(execFile);
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const READMES = ['README.md', 'pkg-template/README.md'];
const MARKER = /^<!-- example: (typecheck|run|same as (\S+)|not run, (.+\S)) -->$/;

/**
 * The fenced code blocks of a Markdown file: the line of the opening fence
 * (1-based), its info string's language, the body and the marker line above.
 */
function blocksOf(file) {
  const lines = readFileSync(join(root, file), 'utf8').split('\n');
  const out = [];
  for (let i = 0; i < lines.length; i++) {
    const open = lines[i].match(/^(\s*)(`{3,}|~{3,})\s*([^`\s]*)/);
    if (!open) continue;
    const [, indent, fence, lang] = open;
    let j = i + 1;
    while (j < lines.length && !(lines[j].startsWith(indent + fence[0].repeat(fence.length)) && lines[j].trim().replace(new RegExp(`^\\${fence[0]}+`), '') === '')) j++;
    assert.ok(j < lines.length, `${file}:${i + 1}: a code block that is never closed`);
    const body = lines.slice(i + 1, j).map((l) => l.slice(indent.length)).join('\n');
    out.push({ file, line: i + 1, lang, body, marker: (lines[i - 1] ?? '').trim() });
    i = j;
  }
  return out;
}

const ALL = READMES.flatMap(blocksOf);
const kind = (b) => {
  const m = b.marker.match(MARKER);
  if (!m) return null;
  if (m[2]) return { kind: 'same as', path: m[2] };
  if (m[3]) return { kind: 'not run', reason: m[3] };
  return { kind: m[1] };
};
const where = (b) => `${b.file}:${b.line}`;
const of = (k) => ALL.filter((b) => kind(b)?.kind === k);

test('every code block of both READMEs carries a marker saying how it is checked, fitting its language', () => {
  assert.ok(ALL.length >= 20, `only ${ALL.length} blocks found: the parser is broken`);
  for (const b of ALL) {
    const k = kind(b);
    assert.ok(k, `${where(b)}: no <!-- example: typecheck | run | same as PATH | not run, REASON --> on the line before the fence (found ${JSON.stringify(b.marker)})`);
    if (k.kind === 'typecheck') assert.ok(['js', 'ts', 'html'].includes(b.lang), `${where(b)}: typecheck needs js, ts or html, not ${b.lang}`);
    if (k.kind === 'run') assert.equal(b.lang, 'sh', `${where(b)}: run needs sh`);
    if (k.kind === 'same as') assert.ok(existsSync(join(root, k.path)), `${where(b)}: ${k.path} does not exist`);
  }
  // Both READMEs have blocks that are really checked, the package's Node example among them.
  for (const f of READMES) assert.ok(ALL.some((b) => b.file === f && kind(b).kind === 'typecheck'), f);
  assert.ok(of('run').some((b) => b.file === 'pkg-template/README.md' && /npx evs-snapshots wait /.test(b.body)));
});

let work; // a fresh project with the built package installed (symlinked, as npm link does)
const mock = useMock();

before(async () => {
  assert.ok(existsSync(join(root, 'pkg', 'package.json')), "run 'make build' first");
  work = mkdtempSync(join(tmpdir(), 'evs-readme-'));
  mkdirSync(join(work, 'node_modules', '.bin'), { recursive: true });
  mkdirSync(join(work, 'node_modules', '@types'), { recursive: true });
  symlinkSync(join(root, 'pkg'), join(work, 'node_modules', 'evs-snapshots'));
  symlinkSync(join(root, 'node_modules', '@types', 'node'), join(work, 'node_modules', '@types', 'node'));
  // undici-types: what @types/node imports its fetch types from.
  symlinkSync(join(root, 'node_modules', 'undici-types'), join(work, 'node_modules', 'undici-types'));
  const pkg = JSON.parse(readFileSync(join(root, 'pkg', 'package.json'), 'utf8'));
  for (const [name, file] of Object.entries(pkg.bin)) symlinkSync(join('..', 'evs-snapshots', file), join(work, 'node_modules', '.bin', name));
  writeFileSync(join(work, 'package.json'), JSON.stringify({ name: 'readme-examples', private: true, type: 'module' }));
});

after(async () => {
  if (work) rmSync(work, { recursive: true, force: true });
});

/** The TypeScript sources of a typecheck block: the block itself, or an HTML block's module scripts. */
function sources(b) {
  if (b.lang !== 'html') return [b.body];
  const scripts = [...b.body.matchAll(/<script type="module">([\s\S]*?)<\/script>/g)].map((m) => m[1]);
  assert.ok(scripts.length > 0, `${where(b)}: no <script type="module"> to check`);
  return scripts;
}

/** Runs tsc --strict over `files` ({name: text}) in a directory of `work`; returns its error lines. */
async function tsc(dir, files) {
  const d = join(work, dir);
  mkdirSync(d, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(d, name), text);
  writeFileSync(
    join(d, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        noEmit: true,
        target: 'es2022',
        module: 'esnext',
        moduleResolution: 'bundler',
        moduleDetection: 'force',
        lib: ['es2022', 'dom', 'dom.iterable'],
        types: ['node'],
        skipLibCheck: true,
      },
      files: Object.keys(files),
    }),
  );
  try {
    await execFileAsync(join(root, 'node_modules', '.bin', 'tsc'), ['-p', d], { cwd: d, encoding: 'utf8', timeout: 120000 });
    return [];
  } catch (e) {
    if (!e.stdout) throw e;
    return e.stdout.split('\n').filter((l) => / error TS\d+/.test(l));
  }
}

test('the typecheck blocks compile with tsc --strict against the built package (import evs-snapshots)', async () => {
  const files = {};
  const origin = {};
  for (const b of of('typecheck')) {
    sources(b).forEach((src, i) => {
      const name = `${b.file.replace(/\W+/g, '_')}_${b.line}_${i}.ts`;
      files[name] = src;
      origin[name] = b;
    });
  }
  assert.ok(Object.keys(files).length >= 8, 'too few blocks to check');
  const errors = await tsc('typecheck', files);
  // Each error pointed at its README line: the file's line plus the fence's.
  const readable = errors.map((l) => {
    const m = l.match(/^(\S+?\.ts)\((\d+),(\d+)\): (.*)$/);
    const b = m && origin[m[1]];
    return b ? `${b.file}:${b.line + Number(m[2])}: ${m[4]}` : l;
  });
  assert.deepEqual(readable, []);
});

test('the check finds what issue 27 found: the package README\'s former Node example has three errors under --strict', async () => {
  // The block as it was before issue 27: process.env's string | undefined
  // twice, and new Date() of createdAt's string | null.
  const old = `import { listSnapshots, getSnapshot, paginateSnapshots, EvsError } from 'evs-snapshots';
const config = {
  projectId: '0c2eba2c5af04d3f9e9d0d410b371fde',
  region: 'ap-southeast-1',
  auth: { accessKey: process.env.HUAWEICLOUD_SDK_AK, secretKey: process.env.HUAWEICLOUD_SDK_SK },
};
const { snapshots, nextMarker } = await listSnapshots(config, { status: 'available', limit: 50 });
for await (const s of paginateSnapshots(config, { volumeId: 'ba5730ea-8621-4ae8-b702-ff0ffc12c209' })) {
  console.log(s.id, s.name, s.size, new Date(s.createdAt));
}
`;
  const errors = await tsc('former', { 'former.ts': old });
  assert.equal(errors.length, 3, errors.join('\n'));
  assert.equal(errors.filter((l) => /former\.ts\(7,/.test(l)).length, 1, errors.join('\n'));
  assert.equal(errors.filter((l) => /former\.ts\(8,/.test(l)).length, 1, errors.join('\n'));
  assert.equal(errors.filter((l) => /former\.ts\(9,\d+\): error TS2769/.test(l)).length, 1, errors.join('\n'));
});

/** The environment of a run block: the mock, its project, an example key pair; nothing inherited but PATH and HOME. */
const runEnv = () => ({
  PATH: `${join(work, 'node_modules', '.bin')}:${process.env.PATH}`,
  HOME: process.env.HOME,
  npm_config_offline: 'true',
  npm_config_update_notifier: 'false',
  EVS_SNAPSHOTS_ENDPOINT: mock.apiUrl,
  HUAWEICLOUD_SDK_PROJECT_ID: PROJECT_ID,
  HUAWEICLOUD_SDK_AK: 'AKEXAMPLE0000000001',
  HUAWEICLOUD_SDK_SK: 'example-secret-key',
});

test('the run blocks run against the mock and exit 0', async (t) => {
  const runs = of('run');
  assert.ok(runs.length >= 3);
  for (const b of runs) {
    await t.test(where(b), async () => {
      const dir = mkdtempSync(join(work, 'run-'));
      const script = b.body.replace(/http:\/\/127\.0\.0\.1:\d+/g, mock.apiUrl);
      mock.clearRequests();
      let r;
      try {
        r = await execFileAsync('bash', ['-e', '-c', script], { cwd: dir, env: runEnv(), encoding: 'utf8', timeout: 60000 });
      } catch (e) {
        assert.fail(`${where(b)} exited ${e.code ?? e.signal}:\n${e.stdout}\n${e.stderr}`);
      }
      assert.ok(r.stdout.trim() !== '' || existsSync(join(dir, 'snapshot.json')), `${where(b)} printed nothing`);
      assert.ok(mock.requests().length > 0, `${where(b)} sent no request to the mock`);
    });
  }
});

test('the "same as" blocks hold the settings of the files the consumer tests use', async () => {
  const same = of('same as');
  assert.ok(same.length >= 2);
  for (const b of same) {
    const path = kind(b).path;
    if (path.endsWith('next.config.mjs')) {
      const fromReadme = (await import(`data:text/javascript,${encodeURIComponent(b.body)}`)).default;
      const used = (await import(pathToFileURL(join(root, path)).href)).default;
      assert.deepEqual(fromReadme, used, where(b));
    } else if (path.endsWith('angular.json')) {
      const fromReadme = JSON.parse(`{${b.body}}`);
      const projects = Object.values(JSON.parse(readFileSync(join(root, path), 'utf8')).projects);
      assert.equal(projects.length, 1);
      const { build, serve } = projects[0].architect;
      assert.deepEqual(fromReadme.build.options.assets, build.options.assets, where(b));
      assert.deepEqual(fromReadme.serve.options.prebundle, serve.options.prebundle, where(b));
    } else {
      assert.fail(`${where(b)}: no comparison for ${path}`);
    }
  }
});

/** GitHub's anchor for a heading: lower case, punctuation but - and _ dropped, spaces as -. */
const slug = (heading) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');

test("the package README's links are absolute and point at the repository's files and headings; package.json names the same repository", () => {
  const text = readFileSync(join(root, 'pkg-template', 'README.md'), 'utf8');
  const meta = JSON.parse(readFileSync(join(root, 'pkg-template', 'package.json'), 'utf8'));
  const repo = meta.repository.url.replace(/^git\+/, '').replace(/\.git$/, '');
  assert.match(repo, /^https:\/\/github\.com\/[\w.-]+\/[\w.-]+$/);
  assert.equal(meta.homepage, `${repo}#readme`);
  assert.equal(meta.bugs.url, `${repo}/issues`);
  assert.ok(typeof meta.author === 'string' && meta.author.trim() !== '');
  const links = [...text.matchAll(/\]\(([^)\s]+)\)|<(https?:[^>\s]+)>/g)].map((m) => m[1] ?? m[2]);
  assert.ok(links.length >= 3, 'no links found');
  const headings = new Set(readFileSync(join(root, 'README.md'), 'utf8').split('\n').filter((l) => /^#{1,6} /.test(l)).map((l) => slug(l.replace(/^#+ /, ''))));
  for (const link of links) {
    assert.match(link, /^https:\/\//, `a relative link, which the registry cannot follow: ${link}`);
    if (!link.startsWith(repo)) continue;
    const rest = link.slice(repo.length);
    if (rest === '' || rest === '/issues') continue;
    const anchor = rest.match(/^#(.+)$/);
    if (anchor) {
      assert.ok(headings.has(anchor[1]), `${link}: README.md has no heading with that anchor`);
      continue;
    }
    const file = rest.match(/^\/blob\/main\/([^#]+)$/);
    assert.ok(file, `${link}: not a file, a heading or the issues of the repository`);
    assert.ok(existsSync(join(root, file[1])), `${link}: ${file[1]} is not in the repository`);
  }
});

test('the package README covers wait, --debug, exit code 124 and every variable the command and configFromEnv read', () => {
  const text = readFileSync(join(root, 'pkg-template', 'README.md'), 'utf8');
  for (const needle of ['evs-snapshots wait ', '--debug', '124', '--fail-on', '--timeout']) assert.ok(text.includes(needle), needle);
  const code = ['pkg-template/bin/evs-snapshots.mjs', 'pkg-template/bin/format.mjs', 'pkg-template/src/env.js'].map((f) => readFileSync(join(root, f), 'utf8')).join('\n');
  const variables = new Set(code.match(/\b(?:HUAWEICLOUD_SDK|EVS_SNAPSHOTS)_[A-Z_]+\b/g));
  assert.ok(variables.size >= 10, [...variables].join(' '));
  for (const v of variables) assert.ok(text.includes(`\`${v}\``), `${v} is not in pkg-template/README.md`);
});
