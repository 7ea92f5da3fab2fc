import { describe, expect, it } from 'vitest';
import { parseCommand } from './args';
import { UsageError } from './cli-error';

describe('parseCommand', () => {
  it.each([
    [['register', '--domain', 'localhost'], { name: 'register', domain: 'localhost' }],
    [
      ['register', '--domain=localhost', '--password', 'pw'],
      { name: 'register', domain: 'localhost', password: 'pw' },
    ],
    [
      ['register_identified', '--user', 'alice', '--domain', 'localhost', '--password', 'pw'],
      { name: 'register_identified', jid: 'alice@localhost', password: 'pw' },
    ],
    [
      ['retrieve_personal_data', '--jid', 'alice@localhost', '--out', 'alice.zip'],
      { name: 'retrieve_personal_data', jid: 'alice@localhost', out: 'alice.zip' },
    ],
    [['unregister', '--jid', 'alice@localhost'], { name: 'unregister', jid: 'alice@localhost' }],
    [['jobs'], { name: 'jobs' }],
    [['job', 'abc'], { name: 'job', id: 'abc', json: false }],
    [['job', '--json', 'abc'], { name: 'job', id: 'abc', json: true }],
    [['--help'], { name: 'help' }],
  ])('reads %j', (argv, expected) => {
    expect(parseCommand(argv)).toEqual(expected);
  });

  it.each([
    [[], /^missing command/],
    [['deregister'], /^unknown command 'deregister'/],
    [['register'], /^missing --domain; usage: sottoctl register --domain D \[--password P\]$/],
    [['register', '--domain'], /^--domain needs a value;/],
    [['register', '--domain', ' '], /^--domain is empty;/],
    [['register', '--domain', 'd', '--jid', 'x'], /^unknown option --jid;/],
    [['register', '--domain', 'd', 'extra'], /^unexpected argument 'extra';/],
    [
      ['register_identified', '--user', 'a@b', '--domain', 'd', '--password', 'p'],
      /part before the @/,
    ],
    [['register_identified', '--user', 'a', '--domain', 'd'], /^missing --password;/],
    [['retrieve_personal_data', '--jid', 'a@b'], /^missing --out;/],
    [['unregister'], /^missing --jid; usage: sottoctl unregister --jid J$/],
    [['jobs', 'all'], /^unexpected argument 'all';/],
    [['job'], /^missing the job ID;/],
    [['job', 'a', 'b'], /^unexpected argument 'b';/],
    [['job', 'a', '--json=yes'], /^--json takes no value;/],
  ])('refuses %j as a usage error', (argv, message) => {
    const error: unknown = (() => {
      try {
        return parseCommand(argv);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).exitStatus).toBe(2);
    expect((error as UsageError).message).toMatch(message);
    expect((error as UsageError).message).not.toContain('\n');
  });
});
