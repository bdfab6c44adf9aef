import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  afterFailure,
  describeFailure,
  linkTo,
  MAX_ATTEMPTS,
  messageIdFor,
  renderBody,
  taskNoticeRoles,
} from './outbox.rules.ts';

const now = new Date('2026-11-26T10:00:00Z');
const minutesLater = (decision: ReturnType<typeof afterFailure>) =>
  decision.kind === 'retry' ? (decision.at.getTime() - now.getTime()) / 60_000 : 'give up';

describe('the outbox’s retry rules', () => {
  test('waits 1, 2, 4 … minutes after each failure, never more than 6 hours, and gives up after the 12th', () => {
    const waits = Array.from({ length: MAX_ATTEMPTS }, (_, i) => minutesLater(afterFailure(i + 1, now)));
    assert.deepEqual(waits, [1, 2, 4, 8, 16, 32, 64, 128, 256, 360, 360, 'give up']);
  });

  test('an attempt count beyond the last still gives up', () => {
    assert.equal(afterFailure(MAX_ATTEMPTS + 3, now).kind, 'give-up');
  });
});

describe('e-mail bodies and identity', () => {
  test('a stored link is made whole with the public address, whatever its trailing slash', () => {
    const body = `There is new work for Riverside Surgery in Jointly. Sign in to see it: ${linkTo('/tasks')}`;
    assert.equal(
      renderBody(body, 'https://jointly.example.nhs.uk/'),
      'There is new work for Riverside Surgery in Jointly. Sign in to see it: https://jointly.example.nhs.uk/tasks',
    );
    assert.equal(
      renderBody(`${linkTo('/a')} and ${linkTo('/b?x=1')}`, 'http://localhost:3000'),
      'http://localhost:3000/a and http://localhost:3000/b?x=1',
    );
  });

  test('a link must be a path within Jointly', () => {
    assert.throws(() => linkTo('https://elsewhere.example/tasks'), /must be a path/);
    assert.throws(() => linkTo('/tasks }}'), /must be a path/);
  });

  test('every attempt at one e-mail carries the same Message-ID', () => {
    const id = '0b6f3c4e-2a8e-4d1c-9f55-6f7a1d2c3b4a';
    assert.equal(messageIdFor(id), `<${id}@jointly>`);
    assert.equal(messageIdFor(id), messageIdFor(id));
  });

  test('a refusal is kept on one line and shortened', () => {
    assert.equal(describeFailure(new Error('450 4.2.1\n  Mailbox busy')), '450 4.2.1 Mailbox busy');
    assert.equal(describeFailure(new Error('x'.repeat(900))).length, 500);
  });

  test('tasks are told to the clinical staff, not to administrators or the clinical safety officer', () => {
    assert.ok(taskNoticeRoles.includes('gp'));
    assert.ok(taskNoticeRoles.includes('nurse_specialist'));
    assert.ok(!taskNoticeRoles.includes('service_administrator'));
    assert.ok(!taskNoticeRoles.includes('clinical_safety_officer'));
  });
});
