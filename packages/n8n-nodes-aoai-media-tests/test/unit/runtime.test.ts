import { describe, expect, it } from 'vitest';

describe('runtime', () => {
  it('runs on the Node major the test command asked for (Node 24 in the test:node24 run)', () => {
    const expected = process.env.AOAI_EXPECT_NODE_MAJOR;
    const major = process.versions.node.split('.')[0];
    expect(Number(major)).toBeGreaterThanOrEqual(20);
    if (expected !== undefined) expect(major).toBe(expected);
  });
});
