// One vm watchdog per workflow activation instead of one per call into the workflow context.
//
// Why: @temporalio/worker 1.24.0 passes `timeout` to vm's runInContext on every call into the
// sandbox (initialize, activate, each tryUnblockConditions round, concludeActivation). Node
// starts and joins a watchdog thread for every such call (~0.3 ms each on these machines,
// against ~0.01 ms without), four or more times per activation, and no SDK option turns it
// off (see shared/reference/temporal-latency.md, lever 2).
// What stays: deadlock detection. The worker thread runs the synchronous part of each
// activation inside ONE outer vm call that carries the timeout; the calls into the workflow
// context made inside it skip their own watchdog. A workflow stuck in a loop is terminated by
// the outer watchdog after the same 5 s and its activation fails exactly as before
// ("Script execution timed out after 5000ms" as the workflow task failure), and the thread
// goes on serving the other workflows. Calls made outside an activation (creating a
// workflow, calls after an await) keep their per-call timeout.
//
// Applied by scripts/apply-patches.mjs (postinstall), which checks the package version and
// the exact text of every edit, and is a no-op when the patch is in place already.

/** The activation deadline, a new file in the SDK's lib/workflow folder (CommonJS, as the SDK). */
const activationDeadline = `"use strict";
// Added by ClawdBot (patches/temporalio-worker-vm-deadline.mjs): one vm watchdog per activation.
Object.defineProperty(exports, "__esModule", { value: true });
exports.insideDeadline = insideDeadline;
exports.runUnderDeadline = runUnderDeadline;
const node_vm_1 = require("node:vm");
// Per worker thread (each thread loads its own copy of this module).
let depth = 0;
const outerContext = node_vm_1.createContext({ run: undefined });
const outerScript = new node_vm_1.Script("run()");
/** Whether a watchdog armed by runUnderDeadline covers the current synchronous call. */
function insideDeadline() {
    return depth > 0;
}
/**
 * Run fn's synchronous part under one vm watchdog of timeoutMs: an endless loop anywhere in
 * it, including in nested runInContext calls without a timeout, throws
 * ERR_SCRIPT_EXECUTION_TIMEOUT here.
 */
function runUnderDeadline(timeoutMs, fn) {
    if (depth > 0 || !(timeoutMs > 0))
        return fn();
    depth++;
    outerContext.run = fn;
    try {
        return outerScript.runInContext(outerContext, { timeout: timeoutMs });
    }
    finally {
        outerContext.run = undefined;
        depth--;
    }
}
`;

const reusableVmCall = {
  find: `                    return callIntoVmScript.runInContext(context, {
                        timeout: isolateExecutionTimeoutMs,
                        displayErrors: true,
                    });`,
  replace: `                    return callIntoVmScript.runInContext(context, {
                        // ClawdBot patch: the activation's own deadline covers this call.
                        timeout: (0, activation_deadline_1.insideDeadline)() ? undefined : isolateExecutionTimeoutMs,
                        displayErrors: true,
                    });`,
};

const vmCall = {
  find: `                    return node_vm_1.default.runInContext(\`__TEMPORAL__.api.\${fn}(...__temporal_args)\`, context, {
                        timeout: isolateExecutionTimeoutMs,
                        displayErrors: true,
                    });`,
  replace: `                    return node_vm_1.default.runInContext(\`__TEMPORAL__.api.\${fn}(...__temporal_args)\`, context, {
                        // ClawdBot patch: the activation's own deadline covers this call.
                        timeout: (0, activation_deadline_1.insideDeadline)() ? undefined : isolateExecutionTimeoutMs,
                        displayErrors: true,
                    });`,
};

/** Import the deadline module beside the SDK's own `require("./vm-shared")`. */
const importDeadline = {
  find: `const vm_shared_1 = require("./vm-shared");`,
  replace: `const vm_shared_1 = require("./vm-shared");
const activation_deadline_1 = require("./activation-deadline"); // ClawdBot patch`,
};

/** @type {{ name: string, packageName: string, version: string, files: Record<string, string>, edits: { file: string, find: string, replace: string }[] }} */
export default {
  name: 'temporalio-worker-vm-deadline',
  packageName: '@temporalio/worker',
  version: '1.24.0',
  files: { 'lib/workflow/activation-deadline.js': activationDeadline },
  edits: [
    { file: 'lib/workflow/reusable-vm.js', ...importDeadline },
    { file: 'lib/workflow/reusable-vm.js', ...reusableVmCall },
    { file: 'lib/workflow/vm.js', ...importDeadline },
    { file: 'lib/workflow/vm.js', ...vmCall },
    {
      file: 'lib/workflow/workflow-worker-thread.js',
      find: `const reusable_vm_1 = require("./reusable-vm");`,
      replace: `const reusable_vm_1 = require("./reusable-vm");
const activation_deadline_1 = require("./activation-deadline"); // ClawdBot patch
let activationTimeoutMs; // ClawdBot patch: the isolate execution timeout, set by 'init'`,
    },
    {
      file: 'lib/workflow/workflow-worker-thread.js',
      find: `        case 'init':
            if (input.reuseV8Context) {`,
      replace: `        case 'init':
            activationTimeoutMs = input.isolateExecutionTimeoutMs; // ClawdBot patch
            if (input.reuseV8Context) {`,
    },
    {
      file: 'lib/workflow/workflow-worker-thread.js',
      find: `            const completion = await workflow.activate(activation);`,
      replace: `            // ClawdBot patch: one watchdog for the whole activation. A timeout fails the
            // activation as the SDK's per-call timeout did (vm-shared activate()'s catch).
            let completion;
            try {
                completion = await (0, activation_deadline_1.runUnderDeadline)(activationTimeoutMs, () => workflow.activate(activation));
            }
            catch (err) {
                if (err?.code !== 'ERR_SCRIPT_EXECUTION_TIMEOUT')
                    throw err;
                completion = {
                    runId: workflow.activator.info.runId,
                    failed: { failure: workflow.activator.errorToFailure(err) },
                };
            }`,
    },
  ],
};
