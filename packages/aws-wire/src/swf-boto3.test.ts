/**
 * A boto3 decider and worker complete a workflow against a real Statecraft HTTP server. Skipped with a
 * message when python3 or boto3 is missing.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { serve } from './node/index.js';
import { createStatecraft } from './statecraft.js';

const probe = spawnSync('python3', ['-c', 'import boto3'], { encoding: 'utf8' });
const available = probe.status === 0;
if (!available) {
  console.warn(
    `[statecraft] Skipping the boto3 SWF test: python3 with boto3 is not available (${probe.error?.message ?? probe.stderr.trim()}).`,
  );
}

const SCRIPT = `
import json, sys, boto3
from botocore.config import Config
swf = boto3.client('swf', endpoint_url=sys.argv[1], region_name='us-east-1',
                   config=Config(read_timeout=70, retries={'max_attempts': 0}))
d = 'boto3-domain'
swf.register_domain(name=d, workflowExecutionRetentionPeriodInDays='1')
swf.register_workflow_type(domain=d, name='wf', version='1', defaultTaskList={'name': 'deciders'},
    defaultChildPolicy='TERMINATE', defaultExecutionStartToCloseTimeout='300', defaultTaskStartToCloseTimeout='30')
swf.register_activity_type(domain=d, name='double', version='1', defaultTaskList={'name': 'workers'},
    defaultTaskScheduleToStartTimeout='60', defaultTaskScheduleToCloseTimeout='120',
    defaultTaskStartToCloseTimeout='60', defaultTaskHeartbeatTimeout='NONE')
run = swf.start_workflow_execution(domain=d, workflowId='boto3-1', workflowType={'name': 'wf', 'version': '1'}, input='21')
task = swf.poll_for_decision_task(domain=d, taskList={'name': 'deciders'}, identity='py-decider')
assert task['previousStartedEventId'] == 0, task
swf.respond_decision_task_completed(taskToken=task['taskToken'], decisions=[{
    'decisionType': 'ScheduleActivityTask',
    'scheduleActivityTaskDecisionAttributes': {'activityType': {'name': 'double', 'version': '1'},
        'activityId': 'double-1', 'input': task['events'][0]['workflowExecutionStartedEventAttributes']['input']}}])
act = swf.poll_for_activity_task(domain=d, taskList={'name': 'workers'}, identity='py-worker')
hb = swf.record_activity_task_heartbeat(taskToken=act['taskToken'], details='working')
swf.respond_activity_task_completed(taskToken=act['taskToken'], result=str(int(act['input']) * 2))
task = swf.poll_for_decision_task(domain=d, taskList={'name': 'deciders'}, identity='py-decider')
done = [e for e in task['events'] if e['eventType'] == 'ActivityTaskCompleted'][0]
swf.respond_decision_task_completed(taskToken=task['taskToken'], decisions=[{
    'decisionType': 'CompleteWorkflowExecution',
    'completeWorkflowExecutionDecisionAttributes': {'result': done['activityTaskCompletedEventAttributes']['result']}}])
info = swf.describe_workflow_execution(domain=d, execution={'workflowId': 'boto3-1', 'runId': run['runId']})
hist = swf.get_workflow_execution_history(domain=d, execution={'workflowId': 'boto3-1', 'runId': run['runId']})
try:
    swf.describe_domain(name='nope')
    fault = None
except swf.exceptions.UnknownResourceFault as e:
    fault = e.response['Error']['Message']
print(json.dumps({
    'closeStatus': info['executionInfo']['closeStatus'],
    'cancelRequested': hb['cancelRequested'],
    'result': hist['events'][-1]['workflowExecutionCompletedEventAttributes']['result'],
    'types': [e['eventType'] for e in hist['events']],
    'timestampType': type(hist['events'][0]['eventTimestamp']).__name__,
    'fault': fault,
}))
`;

describe.skipIf(!available)('SWF with boto3 against the HTTP server', () => {
  it('completes a workflow with a decider and an activity worker', async () => {
    const sc = createStatecraft();
    const server = await serve(sc, { port: 0 });
    try {
      const { spawn } = await import('node:child_process');
      const child = spawn('python3', ['-c', SCRIPT, server.url], {
        env: {
          ...process.env,
          AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
          AWS_SECRET_ACCESS_KEY: 'secret',
          AWS_EC2_METADATA_DISABLED: 'true',
        },
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (b) => (out += b));
      child.stderr.on('data', (b) => (err += b));
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect(err, 'python stderr').toBe('');
      expect(code).toBe(0);
      expect(JSON.parse(out)).toEqual({
        closeStatus: 'COMPLETED',
        cancelRequested: false,
        result: '42',
        types: [
          'WorkflowExecutionStarted',
          'DecisionTaskScheduled',
          'DecisionTaskStarted',
          'DecisionTaskCompleted',
          'ActivityTaskScheduled',
          'ActivityTaskStarted',
          'ActivityTaskCompleted',
          'DecisionTaskScheduled',
          'DecisionTaskStarted',
          'DecisionTaskCompleted',
          'WorkflowExecutionCompleted',
        ],
        timestampType: 'datetime',
        fault: 'Unknown domain: nope',
      });
    } finally {
      await server.close();
      await sc.close();
    }
  }, 120_000);
});
