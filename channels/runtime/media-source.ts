/**
 * Which files and URLs a reply's `MEDIA:` lines may send. The model writes those lines,
 * and a model can be talked into anything by what it reads (a web page, a file, another
 * user): without this check `MEDIA:/home/me/.ssh/id_ed25519` would upload a private key
 * to the chat, and `MEDIA:http://192.168.1.1/…` would make this machine fetch from its
 * private network. So the rules of the file tools and of web_fetch apply here too.
 */
import { resolveWorkspacePath } from '../../activities/tools/workspace-path.js';
import { parseFetchUrl, vetUrl } from '../../activities/tools/net-guard.js';
import { ToolError } from '../../activities/tools/tool.js';
import { ChannelSendError } from '../types.js';

/** What deciding a media source needs. */
export interface MediaSourceOptions {
  /** Local files must be inside it (relative paths are resolved against it). */
  workspaceDir: string;
  /** Private or loopback hosts a URL may name anyway (config tools.web.fetch.allowHosts). */
  allowHosts: readonly string[];
  /**
   * `<stateDir>/sandboxes`: a reply of a sandboxed stranger's session may send files of its
   * own sandbox workspace only, never the owner's workspace.
   */
  sandboxesDir?: string;
}

/**
 * The source a channel may send: an absolute real path inside the workspace, or an
 * http(s) URL whose host resolves only to public addresses (or is allowed). Anything else
 * is refused for good (a ChannelSendError that is not retried), with the reason.
 */
export async function safeMediaSource(
  source: string,
  options: MediaSourceOptions,
): Promise<string> {
  try {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(source)) {
      const url = parseFetchUrl(source);
      await vetUrl(url, { allowHosts: options.allowHosts });
      return url.href;
    }
    return await resolveWorkspacePath(options.workspaceDir, source);
  } catch (error) {
    if (!(error instanceof ToolError)) throw error;
    const retryable = error.code === 'DNS_FAILED';
    throw new ChannelSendError(`MEDIA ${source} not sent: ${error.message}`, { retryable });
  }
}
