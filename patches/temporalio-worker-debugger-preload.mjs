// The workflow bundle is preloaded on the main thread only when a debugger can attach.
//
// Why: @temporalio/worker 1.24.0 (parseWorkflowCode in lib/worker.js) compiles the whole
// workflow bundle (~2 MB) on the main thread and runs it in a throwaway vm context at every
// worker start, and keeps both for 10 s, only so that a debugger attached to the process
// resolves breakpoints in workflow code sooner ("Preloading the script makes breakpoints
// significantly more reliable"). The workflows themselves run from the bundle in the
// workflow thread and never use this copy. Without a debugger it is start-up time and a few
// MB of memory held through the first seconds after start.
// What changes: the preload runs only when the inspector is open (`node --inspect`, or
// inspector.open() before the worker starts), i.e. when a debugger may attach.
// `inspector.url()` is undefined otherwise, including for in-process inspector sessions
// (cli/runtime/startup-garbage.ts uses one), which open no port.
//
// Applied by scripts/apply-patches.mjs (postinstall), which checks the package version and
// the exact text of every edit, and is a no-op when the patch is in place already.

/** @type {{ name: string, packageName: string, version: string, files: Record<string, string>, edits: { file: string, find: string, replace: string }[] }} */
export default {
  name: 'temporalio-worker-debugger-preload',
  packageName: '@temporalio/worker',
  version: '1.24.0',
  files: {},
  edits: [
    {
      file: 'lib/worker.js',
      find: `    // Preloading the script makes breakpoints significantly more reliable and more responsive
    let script = new vm.Script(code, { filename });`,
      replace: `    // ClawdBot patch (patches/temporalio-worker-debugger-preload.mjs): only for a debugger.
    if (require('node:inspector').url() === undefined)
        return { code, sourceMap, filename };
    // Preloading the script makes breakpoints significantly more reliable and more responsive
    let script = new vm.Script(code, { filename });`,
    },
  ],
};
