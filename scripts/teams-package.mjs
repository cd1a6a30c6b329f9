#!/usr/bin/env node
// `npm run teams:package`: builds the Teams app package to upload ("sideload") in Teams or
// to publish in the organisation's app catalogue: a zip of teams/manifest.json (with
// TEAMS_APP_ID filled in) and the two icons, written to dist/teams/ssbtek-teams.zip.
//
//   TEAMS_APP_ID=<the bot's Microsoft App ID> npm run teams:package [-- --out file.zip]
//   npm run teams:package -- --icons      # redraw teams/color.png and outline.png from the SVGs
//
// No dependency beyond Node: the zip is written here (stored entries' sizes and CRC-32,
// deflated with node:zlib), the icons are drawn with @resvg/resvg-js (already a dependency).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateRawSync } from 'node:zlib';
import 'dotenv/config';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const teamsDir = resolve(root, 'teams');
const args = process.argv.slice(2);

function fail(message) {
  process.stderr.write(`teams:package: ${message}\n`);
  process.exit(2);
}

// ------------------------------------------------------------------------------ icons

async function drawIcons() {
  const { Resvg } = await import('@resvg/resvg-js');
  for (const [name, size] of [
    ['color', 192],
    ['outline', 32],
  ]) {
    const svg = readFileSync(resolve(teamsDir, `${name}.svg`), 'utf8');
    const png = new Resvg(svg, { fitTo: { mode: 'width', value: size }, background: 'rgba(0,0,0,0)' }).render().asPng();
    writeFileSync(resolve(teamsDir, `${name}.png`), png);
    process.stdout.write(`teams/${name}.png: ${size}×${size}, ${png.length} bytes\n`);
  }
}

// ------------------------------------------------------------------------------ zip

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32(buf) {
  let c = 0xffffffff;
  for (let i = 0; i < buf.length; i++) c = CRC_TABLE[(c ^ buf[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** DOS date and time of `d` (zip's timestamps). */
function dosTime(d) {
  return {
    time: (d.getHours() << 11) | (d.getMinutes() << 5) | Math.floor(d.getSeconds() / 2),
    date: ((d.getFullYear() - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate(),
  };
}

/** A zip archive of `files` ({ name, data: Buffer }), deflated; readable by Teams, unzip and every OS. */
export function zip(files, when = new Date()) {
  const { time, date } = dosTime(when);
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const file of files) {
    const name = Buffer.from(file.name, 'utf8');
    const deflated = deflateRawSync(file.data, { level: 9 });
    const stored = deflated.length >= file.data.length;
    const body = stored ? file.data : deflated;
    const crc = crc32(file.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(stored ? 0 : 8, 8);
    local.writeUInt16LE(time, 10);
    local.writeUInt16LE(date, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(file.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    locals.push(local, name, body);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4); // version made by
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(stored ? 0 : 8, 10);
    central.writeUInt16LE(time, 12);
    central.writeUInt16LE(date, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(file.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += local.length + name.length + body.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

// --------------------------------------------------------------------------- package

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The manifest with TEAMS_APP_ID filled in; throws when it is missing or not a GUID. */
export function buildManifest(template, appId) {
  if (!appId) throw new Error('TEAMS_APP_ID is not set: the manifest names the bot by its Microsoft App ID');
  if (!GUID.test(appId)) throw new Error("TEAMS_APP_ID must be the bot's Microsoft App ID (a GUID)");
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the manifest's placeholder, literally
  const manifest = JSON.parse(template.replaceAll('${TEAMS_APP_ID}', appId.toLowerCase()));
  for (const list of manifest.bots?.[0]?.commandLists ?? []) {
    if (list.commands.length > 10) throw new Error('a Teams command list holds at most 10 commands');
  }
  return manifest;
}

export function packageFiles(appId) {
  const manifest = buildManifest(readFileSync(resolve(teamsDir, 'manifest.json'), 'utf8'), appId);
  const files = [{ name: 'manifest.json', data: Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8') }];
  for (const icon of [manifest.icons.color, manifest.icons.outline]) {
    const path = resolve(teamsDir, icon);
    if (!existsSync(path)) throw new Error(`teams/${icon} is missing (npm run teams:package -- --icons draws it)`);
    files.push({ name: icon, data: readFileSync(path) });
  }
  return files;
}

async function main() {
  if (args.includes('--icons')) {
    await drawIcons();
    return;
  }
  const outIndex = args.indexOf('--out');
  const out = outIndex >= 0 ? resolve(args[outIndex + 1] ?? fail('--out needs a file name')) : resolve(root, 'dist/teams/ssbtek-teams.zip');
  let files;
  try {
    files = packageFiles(process.env.TEAMS_APP_ID?.trim());
  } catch (err) {
    fail(err.message);
  }
  mkdirSync(dirname(out), { recursive: true });
  const archive = zip(files);
  writeFileSync(out, archive);
  process.stdout.write(
    `${out}: ${files.map((f) => f.name).join(', ')} (${archive.length} bytes). Upload it in Teams: Apps → Manage your apps → Upload an app.\n`,
  );
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
