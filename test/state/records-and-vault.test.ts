// The record store's contract on both implementations (newest-first order, a replaced record
// keeping its place, paging after an id), and the vault's sealing: nothing opens under another key
// or another id, and nothing altered opens at all.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StateStore } from '../../src/state/types.ts';
import { generateVaultKey, parseVaultKey, Vault } from '../../src/state/vault.ts';
import { openTestState, stateKinds } from '../helpers/app.ts';

describe.each(stateKinds())('record store (%s)', (kind) => {
  let state: StateStore;
  beforeAll(async () => {
    state = await openTestState(kind);
  });
  afterAll(() => state.close());

  it('lists newest first, pages after an id, and keeps a replaced record in its place', async () => {
    const c = `c-${randomBytes(4).toString('hex')}`;
    for (const id of ['a', 'b', 'c', 'd']) await state.records.put(c, id, `v-${id}`);
    await state.records.put(c, 'b', 'v-b2');
    const first = await state.records.list(c, null, 2);
    expect(first).toEqual({
      items: [
        { id: 'd', value: 'v-d' },
        { id: 'c', value: 'v-c' },
      ],
      hasMore: true,
    });
    const rest = await state.records.list(c, 'c', 5);
    expect(rest).toEqual({
      items: [
        { id: 'b', value: 'v-b2' },
        { id: 'a', value: 'v-a' },
      ],
      hasMore: false,
    });
    expect(await state.records.list(c, 'missing', 5)).toEqual({ items: [], hasMore: false });
    expect(await state.records.getMany(c, ['a', 'zz', 'b'])).toEqual(['v-a', null, 'v-b2']);
    expect(await state.records.get(c, 'zz')).toBeNull();
    const dump = await state.dump();
    expect(dump.some(([, v]) => v === 'v-b2')).toBe(true);
  });
});

describe('vault', () => {
  const vault = new Vault(generateVaultKey());

  it('opens what it sealed, and never the same ciphertext twice', () => {
    const a = vault.seal('ba-1', 'NL91ABNA0417164300');
    expect(a).not.toContain('NL91');
    expect(vault.seal('ba-1', 'NL91ABNA0417164300')).not.toBe(a);
    expect(vault.open('ba-1', a)).toBe('NL91ABNA0417164300');
  });

  it('refuses another key, another id, and any alteration', () => {
    const sealed = vault.seal('ba-1', 'secret');
    expect(() => new Vault(generateVaultKey()).open('ba-1', sealed)).toThrow();
    expect(() => vault.open('ba-2', sealed)).toThrow();
    const [v, iv, tag, body] = sealed.split('.');
    const flipped = Buffer.from(body!, 'base64url');
    flipped[0] = flipped[0]! ^ 1;
    expect(() => vault.open('ba-1', [v, iv, tag, flipped.toString('base64url')].join('.'))).toThrow();
    expect(() => vault.open('ba-1', 'not sealed')).toThrow();
  });

  it('digests with a key: equal for equal input, different under another key', () => {
    expect(vault.digest('x')).toBe(vault.digest('x'));
    expect(new Vault(generateVaultKey()).digest('x')).not.toBe(vault.digest('x'));
  });

  it('takes 32-byte keys as hex or base64 only', () => {
    const key = randomBytes(32);
    expect(parseVaultKey(key.toString('hex'))).toEqual(key);
    expect(parseVaultKey(key.toString('base64'))).toEqual(key);
    expect(parseVaultKey(randomBytes(16).toString('base64'))).toBeNull();
    expect(parseVaultKey('not a key at all')).toBeNull();
  });
});
