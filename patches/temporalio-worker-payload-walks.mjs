// Payload walks that cannot change anything are skipped.
//
// Why: @temporalio/worker 1.24.0 walks every payload of every workflow activation three times
// on the worker's main thread, and every activity task once, whether or not the data
// converter has anything to do: a walk that looks for External Storage references (to fail
// with TMPRL1105 when no external storage is configured), then the payload codecs' decode
// walk on the activation and their encode walk on the completion. The walkers are generic
// and reflective: measured here, 0.19 + 0.06 + 0.17 ms per activation (of which the codec
// walks are most of the last two), five to six activations a one-tool turn, each on the
// path to the next server step. ClawdBot configures neither codecs nor external storage.
// What changes:
// - the reference walk runs only when the task's bytes contain the reference message type
//   (`temporal.api.sdk.v1.ExternalStorageReference`, EXTSTORE_REFERENCE_MESSAGE_TYPE in
//   @temporalio/common): a reference payload carries that string verbatim in its metadata,
//   so without it in the bytes there is no reference to find. With it (a reference, or a
//   user string that happens to contain it) the walk runs and fails as before;
// - with no payload codecs the codec walks are skipped: decoding and encoding through zero
//   codecs returns every payload unchanged, and the contexts the walks record exist only to
//   hand to codecs. The protobuf conversions around the walks stay.
// With external storage or codecs configured, everything runs as before.
//
// Applied by scripts/apply-patches.mjs (postinstall), which checks the package version and
// the exact text of every edit, and is a no-op when the patch is in place already.

/** @type {{ name: string, packageName: string, version: string, files: Record<string, string>, edits: { file: string, find: string, replace: string }[] }} */
export default {
  name: 'temporalio-worker-payload-walks',
  packageName: '@temporalio/worker',
  version: '1.24.0',
  files: {},
  edits: [
    {
      file: 'lib/worker.js',
      find: `const proto_1 = require("@temporalio/proto");`,
      replace: `const proto_1 = require("@temporalio/proto");
/**
 * ClawdBot patch (patches/temporalio-worker-payload-walks.mjs): whether a task's protobuf
 * bytes may hold an External Storage reference payload, i.e. contain its message type.
 */
const externalReferenceMarker = Buffer.from('temporal.api.sdk.v1.ExternalStorageReference');
function mayHoldExternalReference(encoded) {
    const bytes = encoded instanceof Uint8Array ? encoded : new Uint8Array(encoded);
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).includes(externalReferenceMarker);
}
/** ClawdBot patch: activations whose bytes hold no External Storage reference. */
const activationsWithoutReferences = new WeakSet();`,
    },
    {
      file: 'lib/worker.js',
      find: `            const activation = proto_1.coresdk.workflow_activation.WorkflowActivation.decode(new Uint8Array(buffer));
            this.logger.trace('Got workflow activation', activation);`,
      replace: `            const activation = proto_1.coresdk.workflow_activation.WorkflowActivation.decode(new Uint8Array(buffer));
            // ClawdBot patch: the reference walk is needed only where the marker is in the bytes.
            if (!mayHoldExternalReference(buffer))
                activationsWithoutReferences.add(activation);
            this.logger.trace('Got workflow activation', activation);`,
    },
    {
      file: 'lib/worker.js',
      find: `            await (0, internal_non_workflow_1.visit)(activation, internal_non_workflow_1.walkWorkflowActivation, (0, internal_non_workflow_1.extstoreInboundOptions)(externalStorage, { metrics: downloadMetrics }));`,
      replace: `            // ClawdBot patch: without external storage, walk only an activation that may hold a reference.
            if (externalStorage || !activationsWithoutReferences.has(activation))
                await (0, internal_non_workflow_1.visit)(activation, internal_non_workflow_1.walkWorkflowActivation, (0, internal_non_workflow_1.extstoreInboundOptions)(externalStorage, { metrics: downloadMetrics }));`,
    },
    {
      file: 'lib/worker.js',
      find: `                            await (0, internal_non_workflow_1.visit)(task, internal_non_workflow_1.walkActivityTask, (0, internal_non_workflow_1.extstoreInboundOptions)(loadedDataConverter.externalStorage));`,
      replace: `                            // ClawdBot patch: without external storage, walk only a task that may hold a reference.
                            if (loadedDataConverter.externalStorage || mayHoldExternalReference(protobufEncodedTask))
                                await (0, internal_non_workflow_1.visit)(task, internal_non_workflow_1.walkActivityTask, (0, internal_non_workflow_1.extstoreInboundOptions)(loadedDataConverter.externalStorage));`,
    },
    {
      file: 'lib/workflow-codec-runner.js',
      find: `        const decodedActivation = proto_1.coresdk.workflow_activation.WorkflowActivation.fromObject(activation);
        await`,
      replace: `        const decodedActivation = proto_1.coresdk.workflow_activation.WorkflowActivation.fromObject(activation);
        // ClawdBot patch (patches/temporalio-worker-payload-walks.mjs): zero codecs change nothing.
        if (this.codecs.length === 0)
            return decodedActivation;
        await`,
    },
    {
      file: 'lib/workflow-codec-runner.js',
      find: `        const encodedCompletion = proto_1.coresdk.workflow_completion.WorkflowActivationCompletion.fromObject(completion);
        await`,
      replace: `        const encodedCompletion = proto_1.coresdk.workflow_completion.WorkflowActivationCompletion.fromObject(completion);
        // ClawdBot patch: zero codecs change nothing.
        if (this.codecs.length === 0)
            return encodedCompletion;
        await`,
    },
  ],
};
