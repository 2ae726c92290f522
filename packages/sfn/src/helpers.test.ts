/**
 * Unit tests of the API-layer helpers: Jackson wording for bad input, variable references, mock shapes,
 * names and ARNs.
 */
import { describe, expect, it } from 'vitest';
import { parseArn } from './arns.js';
import { jacksonError } from './jackson.js';
import { validateMockResult } from './mock-shapes.js';
import { isValidName } from './names.js';
import { variableReferences } from './variable-references.js';

describe('jacksonError', () => {
  it.each([
    [
      'not some json',
      "Unrecognized token 'not': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')",
    ],
    ["{'not': 'json'", "Unexpected character (''' (code 39)): was expecting double-quote to start field name"],
    ['{"a" 1}', "Unexpected character ('1' (code 49)): was expecting a colon to separate field name and value"],
    ['[1 2]', "Unexpected character ('2' (code 50)): was expecting comma to separate Array entries"],
  ])('%s', (text, message) => {
    expect(jacksonError(text)).toBe(message);
  });
});

describe('variableReferences', () => {
  it('collects JSONPath variable reads per state, nested states included', () => {
    const def = JSON.stringify({
      StartAt: 'A',
      States: {
        A: { Type: 'Pass', Assign: { x: 1 }, Parameters: { 'v.$': '$x', lit: '$y' }, Next: 'M' },
        M: {
          Type: 'Map',
          ItemsPath: '$list',
          ItemProcessor: {
            StartAt: 'I',
            States: { I: { Type: 'Pass', Parameters: { 'f.$': "States.Format('{}', $tmpl)" }, End: true } },
          },
          End: true,
        },
      },
    });
    expect(variableReferences(def)).toEqual({ A: ['x'], M: ['list'], I: ['tmpl'] });
  });

  it('collects JSONata variable reads, not $states, functions or lambda parameters', () => {
    const def = JSON.stringify({
      QueryLanguage: 'JSONata',
      StartAt: 'A',
      States: {
        A: { Type: 'Pass', Output: '{% $map($states.input, function($v) { $v + $bias }) ~> $count() %}', End: true },
      },
    });
    expect(variableReferences(def)).toEqual({ A: ['bias'] });
  });

  it('is undefined without references', () => {
    expect(variableReferences('{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}')).toBeUndefined();
  });
});

describe('validateMockResult', () => {
  it.each([
    ['arn:aws:states:::lambda:invoke', { StatusCode: '200' }, 'STRICT', "Field 'StatusCode' must be a number"],
    ['arn:aws:states:::states:startExecution', {}, 'STRICT', "Required field 'ExecutionArn' is missing"],
    ['arn:aws:states:::states:startExecution', {}, 'PRESENT', undefined],
    [
      'arn:aws:states:::events:putEvents',
      { Entries: [{ EventId: 'a' }, { EventId: [1] }] },
      'PRESENT',
      "Field 'EventId' must be a string",
    ],
    [
      'arn:aws:states:::aws-sdk:s3:getObject',
      { StorageClass: 'Papyrus' },
      'STRICT',
      "Field 'StorageClass' is not an expected value",
    ],
    [
      'arn:aws:states:::aws-sdk:lambda:getFunction',
      { Configuration: { MemorySize: 127 } },
      'STRICT',
      "Field 'MemorySize' is less than the minimum value",
    ],
    ['arn:aws:states:::lambda:invoke', { StatusCode: '200' }, 'NONE', undefined],
    ['arn:aws:states:::events:putEvents', { random: 'json' }, 'STRICT', undefined],
  ] as const)('%s %j (%s)', (resource, value, mode, problem) => {
    expect(validateMockResult(resource, value, mode)).toBe(problem);
  });
});

describe('names and ARNs', () => {
  it.each([
    ['activity1', true],
    ['state.machine_1', true],
    ['activity name', false],
    ['a:b', false],
    ['\u0000activity', false],
    ['x'.repeat(80), true],
    ['x'.repeat(81), false],
  ])('isValidName(%j) = %s', (name, valid) => {
    expect(isValidName(name)).toBe(valid);
  });

  it('parses qualified state machine ARNs', () => {
    expect(parseArn('arn:aws:states:us-east-1:111111111111:stateMachine:sm:live')).toMatchObject({
      resourceType: 'stateMachine',
      parts: ['sm', 'live'],
    });
    expect(parseArn('not-an-arn')).toBeUndefined();
  });
});
