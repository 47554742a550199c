// A new workflow is created in the workflow thread together with its first activation.
//
// Why: @temporalio/worker 1.24.0 (VMWorkflowThreadProxy.create in lib/workflow/threaded-vm.js)
// creates each workflow run with a request of its own to the workflow thread
// ('create-workflow'), awaited before the run's first activation is sent. That is one more
// postMessage round trip per run, and the run's initialisation (initRuntime, a call into the
// sandbox outside any activation) starts and joins a vm watchdog thread of its own (~0.3 ms
// here; patches/temporalio-worker-vm-deadline.mjs covers only calls inside an activation). A
// session runs one turn per run, so that is paid on every turn, on the path of the new run's
// first task, which announces the previous turn's end.
// What changes: the proxy keeps the run's creation options and sends them with its first
// activation; the thread creates the run and activates it under that activation's one
// watchdog. A workflow stuck in its initialisation is stopped by that watchdog as it was by
// its own, and fails the activation; a creator whose creation is asynchronous (no V8 context
// reuse) creates first, then activates, as before. The thread's workflow count, which picks
// the thread for a new run, is kept as the 'create-workflow' request kept it.
//
// Applied by scripts/apply-patches.mjs (postinstall), which checks the package version and
// the exact text of every edit, and is a no-op when the patch is in place already. It uses
// the deadline module of patches/temporalio-worker-vm-deadline.mjs, applied before it.

/** @type {{ name: string, packageName: string, version: string, files: Record<string, string>, edits: { file: string, find: string, replace: string }[] }} */
export default {
  name: 'temporalio-worker-workflow-creation',
  packageName: '@temporalio/worker',
  version: '1.24.0',
  files: {},
  edits: [
    {
      file: 'lib/workflow/threaded-vm.js',
      find: `        delete options.info.unsafe.now;
        delete options.info.unsafe.random;
        await workerThreadClient.send({ type: 'create-workflow', options });
        return new this(workerThreadClient, options.info.runId);
    }`,
      replace: `        delete options.info.unsafe.now;
        delete options.info.unsafe.random;
        // ClawdBot patch (patches/temporalio-worker-workflow-creation.mjs): created with its
        // first activation; counted now, as the 'create-workflow' request counted it.
        workerThreadClient.activeWorkflowCount++;
        const proxy = new this(workerThreadClient, options.info.runId);
        proxy.createOptions = options;
        return proxy;
    }`,
    },
    {
      file: 'lib/workflow/threaded-vm.js',
      find: `    async activate(activation) {
        const output = await this.workerThreadClient.send({
            type: 'activate-workflow',`,
      replace: `    async activate(activation) {
        // ClawdBot patch: the run's creation travels with its first activation.
        const createOptions = this.createOptions;
        this.createOptions = undefined;
        const output = await this.workerThreadClient.send({
            ...(createOptions !== undefined ? { createOptions } : {}),
            type: 'activate-workflow',`,
    },
    {
      file: 'lib/workflow/workflow-worker-thread.js',
      find: `        case 'activate-workflow': {
            const workflow = workflowGetter(input.runId);`,
      replace: `        case 'activate-workflow': {
            // ClawdBot patch (patches/temporalio-worker-workflow-creation.mjs): a new run
            // comes with its first activation. Created here, under a watchdog that also
            // covers the activation below (nested deadlines share the outer one): handled
            // again inside it, without the options. A creator that creates asynchronously
            // (no V8 context reuse) has no run yet after the synchronous part: it finishes
            // creating, then the run is activated as any other.
            if (input.createOptions !== undefined) {
                const { createOptions, ...activate } = input;
                return (0, activation_deadline_1.runUnderDeadline)(activationTimeoutMs, () => {
                    const creating = workflowCreator.createWorkflow(createOptions);
                    if (workflowGetter(input.runId) !== undefined)
                        return handleRequest({ requestId, input: activate });
                    return creating.then(() => handleRequest({ requestId, input: activate }));
                });
            }
            const workflow = workflowGetter(input.runId);`,
    },
  ],
};
