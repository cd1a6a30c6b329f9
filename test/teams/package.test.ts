// The Teams app package: the manifest's commands are the command table's, the icons are
// the sizes Teams requires, and `npm run teams:package` writes a zip Teams can read.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { isParseError, parse } from '../../src/conversation/commands.js';
import { TEST_APP_ID } from '../support/teams-keys.js';

const root = resolve(import.meta.dirname, '../..');
const manifest = JSON.parse(readFileSync(join(root, 'teams/manifest.json'), 'utf8'));

/** Width and height from a PNG's IHDR. */
function pngSize(buf: Buffer): { width: number; height: number } {
  expect(buf.subarray(1, 4).toString('latin1')).toBe('PNG');
  return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
}

/** The entries of a zip, read from its central directory (and checked against each CRC by inflating). */
function unzip(buf: Buffer): Map<string, Buffer> {
  const end = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = buf.readUInt16LE(end + 10);
  let at = buf.readUInt32LE(end + 16);
  const out = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    const method = buf.readUInt16LE(at + 10);
    const size = buf.readUInt32LE(at + 20);
    const nameLength = buf.readUInt16LE(at + 28);
    const local = buf.readUInt32LE(at + 42);
    const name = buf.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    const dataAt = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const data = buf.subarray(dataAt, dataAt + size);
    out.set(name, method === 8 ? inflateRawSync(data) : Buffer.from(data));
    at += 46 + nameLength + buf.readUInt16LE(at + 30) + buf.readUInt16LE(at + 32);
  }
  return out;
}

describe('the Teams app package', () => {
  it('every command Teams suggests (commandLists) is a command of the command table, at most ten per list', () => {
    const lists = manifest.bots[0].commandLists;
    expect(lists.length).toBeGreaterThan(0);
    for (const list of lists) {
      expect(list.commands.length).toBeLessThanOrEqual(10);
      for (const c of list.commands) {
        const command = parse(c.title);
        // A word that needs an id parses as that command asking for the id, never as an unknown word.
        if (isParseError(command)) expect(command.key).not.toBe('errors.command.unknown');
        expect(c.description.length).toBeLessThanOrEqual(128);
      }
    }
    expect(lists[0].commands.map((c: { title: string }) => c.title)).toContain('incident');
  });

  it('the icons are a 192×192 colour PNG and a 32×32 outline PNG', () => {
    expect(pngSize(readFileSync(join(root, 'teams', manifest.icons.color)))).toEqual({ width: 192, height: 192 });
    expect(pngSize(readFileSync(join(root, 'teams', manifest.icons.outline)))).toEqual({ width: 32, height: 32 });
  });

  it('npm run teams:package zips the manifest with TEAMS_APP_ID filled in and both icons', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'teams-pkg-')), 'app.zip');
    execFileSync(process.execPath, [join(root, 'scripts/teams-package.mjs'), '--out', out], {
      env: { ...process.env, TEAMS_APP_ID: TEST_APP_ID },
      stdio: 'pipe',
    });
    const entries = unzip(readFileSync(out));
    expect([...entries.keys()]).toEqual(['manifest.json', 'color.png', 'outline.png']);
    const packed = JSON.parse(entries.get('manifest.json')!.toString('utf8'));
    expect(packed.id).toBe(TEST_APP_ID);
    expect(packed.bots[0].botId).toBe(TEST_APP_ID);
    expect(JSON.stringify(packed)).not.toContain('${');
    expect(entries.get('color.png')!.equals(readFileSync(join(root, 'teams/color.png')))).toBe(true);
  });

  it('without TEAMS_APP_ID it says so in one line and exits 2', () => {
    const env = { ...process.env };
    delete env.TEAMS_APP_ID;
    let status = 0;
    let stderr = '';
    try {
      execFileSync(process.execPath, [join(root, 'scripts/teams-package.mjs'), '--out', join(tmpdir(), 'never.zip')], { env, stdio: 'pipe', cwd: tmpdir() });
    } catch (err) {
      status = (err as { status: number }).status;
      stderr = String((err as { stderr: Buffer }).stderr);
    }
    expect(status).toBe(2);
    expect(stderr.trim().split('\n')).toEqual(['teams:package: TEAMS_APP_ID is not set: the manifest names the bot by its Microsoft App ID']);
  });
});
