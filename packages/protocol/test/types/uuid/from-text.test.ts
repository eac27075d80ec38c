import { describe, expect, it } from 'vitest';
import { uuidConverter } from '../../../src/types/uuid/from-text.ts';
import { hexOf, messageOf } from '../input/support/convert.ts';

describe('uuid', () => {
  const plain = 'a0eebc999c0b4ef8bb6d6bb9bd380a11';

  it.each([
    'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
    'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11',
    '{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}',
    plain,
    'a0ee-bc99-9c0b-4ef8-bb6d-6bb9-bd38-0a11',
  ])('reads %s', (text) => {
    expect(hexOf(uuidConverter, text)).toBe(plain);
  });

  it.each([
    '',
    ' a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
    'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1',
    'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a111',
    'a0eebc999-c0b-4ef8-bb6d-6bb9bd380a11',
    '{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
    'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11-',
    'a0eebc99--9c0b-4ef8-bb6d-6bb9bd380a11',
  ])('refuses %j', (text) => {
    expect(messageOf(uuidConverter, text)).toBe(`invalid input syntax for type uuid: "${text}"`);
  });
});
