import { compileMachine } from '../src/compile.ts';
import { step } from '../src/step.ts';

const execution = {
  executionArn: 'a',
  executionName: 'e',
  stateMachineArn: 's',
  stateMachineName: 'sm',
  roleArn: null,
  startTime: 0,
  redriveCount: 0,
  region: 'us-east-1',
  accountId: '1',
};
async function runAll(def: unknown, input: string) {
  const m = compileMachine(def);
  let r = await step(m, undefined, { type: 'Start', at: 0, input, execution, seed: 1 });
  let n = r.events.length;
  while (r.commands.some((c) => c.type === 'Continue')) {
    r = await step(m, r.snapshot, { type: 'Continue', at: 0 });
    n += r.events.length;
  }
  return n;
}
const loop = {
  StartAt: 'Inc',
  States: {
    Inc: { Type: 'Pass', Parameters: { 'n.$': 'States.MathAdd($.n, 1)' }, Next: 'Check' },
    Check: { Type: 'Choice', Choices: [{ Variable: '$.n', NumericLessThan: 5000, Next: 'Inc' }], Default: 'Done' },
    Done: { Type: 'Succeed' },
  },
};
const map = {
  StartAt: 'M',
  States: {
    M: {
      Type: 'Map',
      ItemProcessor: { StartAt: 'P', States: { P: { Type: 'Pass', Parameters: { 'v.$': '$' }, End: true } } },
      End: true,
    },
  },
};
const jl = {
  QueryLanguage: 'JSONata',
  StartAt: 'Inc',
  States: {
    Inc: { Type: 'Pass', Output: { n: '{% $states.input.n + 1 %}' }, Next: 'Check' },
    Check: { Type: 'Choice', Choices: [{ Condition: '{% $states.input.n < 2000 %}', Next: 'Inc' }], Default: 'Done' },
    Done: { Type: 'Succeed' },
  },
};
for (const [name, def, input] of [
  ['pass/choice loop 10k states', loop, '{"n":0}'],
  ['map 2000 items', map, JSON.stringify(Array.from({ length: 2000 }, (_, i) => i))],
  ['jsonata loop 4k states', jl, '{"n":0}'],
] as const) {
  const t0 = performance.now();
  const n = await runAll(def, input);
  const dt = performance.now() - t0;
  console.log(name, n, 'events', dt.toFixed(0), 'ms', ((n / dt) * 1000).toFixed(0), 'ev/s');
}
