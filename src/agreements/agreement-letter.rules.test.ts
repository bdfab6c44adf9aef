import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { PlainDate } from '../kernel/dates.ts';
import { shippedProtocol } from '../protocols/shipped.ts';
import { type LetterFacts, requestLetter, UNCONFIRMED } from './agreement-letter.rules.ts';

const methotrexate = shippedProtocol('methotrexate-oral-jia')!;
const facts: LetterFacts = {
  today: '2026-11-26' as PlainDate,
  specialistCentre: 'Northfield Children’s Rheumatology Centre',
  gpPractice: { name: 'Riverside Surgery', code: 'GP001' },
  child: {
    givenName: 'Amelia',
    familyName: 'Hart',
    nhsNumber: '9990000018',
    dateOfBirth: '2016-03-14' as PlainDate,
  },
  state: 'requested',
  requestedOn: '2026-11-26' as PlainDate,
  responseDueOn: '2026-12-10' as PlainDate,
  transferDate: null,
  protocol: methotrexate,
  doses: ['Methotrexate: 6 × 2.5 mg tablets (15 mg) once weekly on Monday'],
  firstDoseStarted: '2026-11-02' as PlainDate,
  answerPath: '/patients/p/agreements/a',
};
const text = (facts: LetterFacts) => {
  const letter = requestLetter(facts);
  return [
    letter.title,
    letter.about,
    letter.draftMark,
    ...letter.sections.flatMap((s) => [s.heading, ...s.paragraphs, ...s.bullets]),
  ].join('\n');
};

describe('the request letter', () => {
  test('names the child, the dose, the protocol and its version, and the date to answer by', () => {
    const letter = text(facts);
    assert.match(letter, /About Amelia Hart, NHS number 999 000 0018, born 14 March 2016/);
    assert.match(letter, /once weekly on Monday/);
    assert.match(letter, /version 1\.1, effective 26 November 2026/);
    assert.match(
      letter,
      /10 December 2026: the protocol allows 14 days to answer, with a reminder on day 7\./,
    );
    assert.match(letter, /Proposed transfer date: 25 January 2027/);
  });

  test('marks every number that awaits local confirmation, and only those', () => {
    const letter = text(facts);
    assert.match(letter, new RegExp(`Dose stable for 12 weeks ${UNCONFIRMED.replace(/[[\]]/g, '\\$&')}`));
    assert.doesNotMatch(letter, /14 days \[unconfirmed/);
  });

  test('a draft says it has not been sent', () => {
    assert.equal(
      requestLetter({ ...facts, state: 'draft' }).draftMark,
      'DRAFT: this request has not been sent yet.',
    );
    assert.equal(requestLetter(facts).draftMark, null);
  });
});
