// The promise hook behind workflow stack traces, only where they are wanted.
//
// Why: @temporalio/worker 1.24.0 installs a V8 promise hook in every workflow thread so that
// the `__stack_trace` query (the Temporal UI's "Stack Trace" tab) can show where a running
// workflow waits. The hook runs on every promise workflow code creates: it builds an Error,
// formats its stack through the source-map-aware prepareStackTrace and matches it against
// regular expressions. Measured here it is about a sixth of the workflow thread's CPU per
// turn (bench/turn-plain with --cpu-prof: the hook's init, formatCallsiteName,
// prepareStackTrace and its RegExp), for a debugging view ClawdBot's users rarely open. No
// SDK option turns it off.
// What changes: the worker thread installs the hook only when CLAWDBOT_WORKFLOW_STACK_TRACES
// is '1' (config temporal.workflowStackTraces, set by cli/runtime/worker.ts before the
// worker starts its threads). Without it the SDK takes its own path for runtimes without
// promise hooks: the stack trace query answers "Workflow stack traces are not enabled on this
// worker". Error stacks, source maps and everything else are unchanged.
//
// Applied by scripts/apply-patches.mjs (postinstall), which checks the package version and
// the exact text of the edit, and is a no-op when the patch is in place already.

/** @type {{ name: string, packageName: string, version: string, files: Record<string, string>, edits: { file: string, find: string, replace: string }[] }} */
export default {
  name: 'temporalio-worker-stack-trace-hook',
  packageName: '@temporalio/worker',
  version: '1.24.0',
  files: {},
  edits: [
    {
      file: 'lib/workflow/vm-shared.js',
      find: `    setPromiseHook() {
        // Track Promise aggregators like \`race\` and \`all\` to link their internally created promises`,
      replace: `    setPromiseHook() {
        // ClawdBot patch: only for workers that answer stack trace queries (see
        // patches/temporalio-worker-stack-trace-hook.mjs).
        if (process.env.CLAWDBOT_WORKFLOW_STACK_TRACES !== '1')
            return;
        // Track Promise aggregators like \`race\` and \`all\` to link their internally created promises`,
    },
  ],
};
