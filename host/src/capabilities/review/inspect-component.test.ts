import { describe, expect, it } from 'vitest';
import { worldItems } from './inspect-component.js';

describe('worldItems', () => {
  it('reads interface, function and inline-interface items of the world, not nested ones', () => {
    const wit = [
      'package root:component;',
      '',
      'world root {',
      '  import wasi:io/poll@0.2.12;',
      '  import get-answer: func() -> u32;',
      '  import %inline-thing: interface {',
      '    import-like: func(x: u32);',
      '  }',
      '  export dativo:plugin/reader@0.1.0;',
      '  export run: func();',
      '}',
    ].join('\n');
    expect(worldItems(wit)).toEqual({
      imports: ['wasi:io/poll@0.2.12', 'get-answer', 'inline-thing'],
      exports: ['dativo:plugin/reader@0.1.0', 'run'],
    });
  });
});
