// A workflow activation's sink calls come back with its completion from the workflow thread.
//
// Why: @temporalio/worker 1.24.0 (handleWorkflowActivations in lib/worker.js) asks the
// workflow thread for the activation's sink calls in a second request after every
// activation ('extract-sink-calls'), whether the workflow called a sink or not, and only then
// sends the completion to Core. That is one more postMessage round trip to the workflow
// thread (~0.2 ms here, waking an idle thread twice) on every workflow task, three to four
// times per turn, each one on the path to the next server step.
// What changes: the thread takes the sink calls (stripped for postMessage exactly as the
// 'extract-sink-calls' handler strips them) right after a successful activation and sends
// them in the same response; the proxy hands them to the worker's getAndResetSinkCalls
// without asking the thread. The calls, their order and the replay rules are unchanged (the
// worker still filters them in processSinkCalls). When an activation fails in the thread no
// calls came back, and getAndResetSinkCalls asks the thread as before.
//
// Applied by scripts/apply-patches.mjs (postinstall), which checks the package version and
// the exact text of every edit, and is a no-op when the patch is in place already.

/** @type {{ name: string, packageName: string, version: string, files: Record<string, string>, edits: { file: string, find: string, replace: string }[] }} */
export default {
  name: 'temporalio-worker-sink-calls',
  packageName: '@temporalio/worker',
  version: '1.24.0',
  files: {},
  edits: [
    {
      file: 'lib/workflow/workflow-worker-thread.js',
      find: `function ok(requestId) {
    return { requestId, result: { type: 'ok' } };
}`,
      replace: `function ok(requestId) {
    return { requestId, result: { type: 'ok' } };
}
/**
 * ClawdBot patch (patches/temporalio-worker-sink-calls.mjs): a workflow's pending sink
 * calls, stripped for postMessage as the 'extract-sink-calls' request strips them.
 */
async function takeSinkCalls(workflow) {
    const calls = await workflow.getAndResetSinkCalls();
    calls.forEach((call) => {
        call.workflowInfo = { ...call.workflowInfo, unsafe: { ...call.workflowInfo.unsafe } };
        delete call.workflowInfo.unsafe.now;
        delete call.workflowInfo.unsafe.random;
        if ('structuredClone' in globalThis) {
            call.workflowInfo = structuredClone(call.workflowInfo);
        }
    });
    return calls;
}`,
    },
    {
      file: 'lib/workflow/workflow-worker-thread.js',
      find: `                    output: {
                        type: 'activation-completion',
                        completion: maybeEncodedCompletion,
                    },`,
      replace: `                    output: {
                        type: 'activation-completion',
                        completion: maybeEncodedCompletion,
                        // ClawdBot patch: the activation's sink calls, no second request.
                        sinkCalls: await takeSinkCalls(workflow),
                    },`,
    },
    {
      file: 'lib/workflow/threaded-vm.js',
      find: `    async getAndResetSinkCalls() {
        const output = await this.workerThreadClient.send({`,
      replace: `    async getAndResetSinkCalls() {
        // ClawdBot patch: the calls that came back with the last activation's completion.
        const taken = this.sinkCalls;
        this.sinkCalls = undefined;
        if (taken !== undefined) {
            taken.forEach((call) => {
                call.workflowInfo.unsafe.now = Date.now;
                call.workflowInfo.unsafe.random = (0, random_helpers_1.createUnsafeRandomSource)(Math.random);
            });
            return taken;
        }
        const output = await this.workerThreadClient.send({`,
    },
    {
      file: 'lib/workflow/threaded-vm.js',
      find: `        if (output?.type !== 'activation-completion') {
            throw new TypeError(\`Got invalid response output from Workflow Worker thread \${output}\`);
        }`,
      replace: `        if (output?.type !== 'activation-completion') {
            throw new TypeError(\`Got invalid response output from Workflow Worker thread \${output}\`);
        }
        this.sinkCalls = output.sinkCalls; // ClawdBot patch: see getAndResetSinkCalls`,
    },
  ],
};
