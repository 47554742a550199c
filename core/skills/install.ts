/**
 * Turning a skill's `install` specs into a command for this machine. Which spec fits
 * depends on the OS and on the installer being present (brew, npm, go, uv, apt-get); a
 * `download` spec, or none that fits, is explained for the user to do by hand.
 */
import type { InstallSpec } from './frontmatter.js';

/** One way to install, as it applies here. */
export interface InstallPlan {
  id: string;
  kind: InstallSpec['kind'];
  label: string;
  /** The command to run, when this machine can run it. */
  command?: string[];
  /** Why it cannot run here, or what to do by hand. */
  note?: string;
  /** Binaries it provides. */
  bins: string[];
}

/** What the planner checks about the machine. */
export interface InstallHost {
  platform: NodeJS.Platform;
  hasBin(name: string): boolean;
  /** Whether this process runs as root (apt-get then needs no sudo). */
  isRoot: boolean;
}

function installer(
  spec: InstallSpec,
  host: InstallHost,
): { tool: string; command: string[] } | string {
  switch (spec.kind) {
    case 'brew':
      if (spec.formula === undefined) return 'the spec names no formula';
      return { tool: 'brew', command: ['brew', 'install', spec.formula] };
    case 'node':
      if (spec.package === undefined) return 'the spec names no package';
      return { tool: 'npm', command: ['npm', 'install', '--global', spec.package] };
    case 'go': {
      if (spec.module === undefined) return 'the spec names no module';
      const module = spec.module.includes('@') ? spec.module : `${spec.module}@latest`;
      return { tool: 'go', command: ['go', 'install', module] };
    }
    case 'uv':
      if (spec.package === undefined) return 'the spec names no package';
      return { tool: 'uv', command: ['uv', 'tool', 'install', spec.package] };
    case 'apt': {
      if (spec.package === undefined) return 'the spec names no package';
      const command = ['apt-get', 'install', '--yes', spec.package];
      return { tool: 'apt-get', command: host.isRoot ? command : ['sudo', ...command] };
    }
    case 'download':
      return spec.url === undefined
        ? 'the spec names no URL'
        : `download ${spec.url}${spec.archive !== undefined || spec.extract === true ? ', extract it' : ''} and put its binaries on your PATH${spec.targetDir !== undefined ? ` (suggested folder: ${spec.targetDir})` : ''}`;
  }
}

/** Every spec of a skill, with the command to run here or the reason it does not apply. */
export function installPlans(specs: readonly InstallSpec[], host: InstallHost): InstallPlan[] {
  return specs.map((spec, index) => {
    const plan: InstallPlan = {
      id: spec.id ?? `${spec.kind}-${index}`,
      kind: spec.kind,
      label: spec.label ?? `Install with ${spec.kind}`,
      bins: spec.bins ?? [],
    };
    if (spec.os !== undefined && !spec.os.includes(host.platform)) {
      return { ...plan, note: `only for ${spec.os.join(', ')}` };
    }
    const how = installer(spec, host);
    if (typeof how === 'string') return { ...plan, note: how };
    if (!host.hasBin(how.tool)) {
      return {
        ...plan,
        note: `${how.tool} is not installed here; run by hand: ${how.command.join(' ')}`,
      };
    }
    return { ...plan, command: how.command };
  });
}
