import { tools } from '../../activities/tools/index.js';
import { auditSecurity, type Finding } from '../../core/security/audit.js';
import { fixPermissions, octal } from '../../core/security/file-permissions.js';
import { commandContext } from '../context.js';

/** Flags of `clawdbot security audit`. */
export interface SecurityAuditFlags {
  stateDir?: string;
  json?: boolean;
  fix?: boolean;
}

const marks = { critical: '✗', warning: '!', info: '·' } as const;

/**
 * `clawdbot security audit [--json] [--fix]`: what is exposed, with severities and fixes.
 * --fix applies the safe fixes (file permissions) first, then reports what remains.
 * Exit code 1 when a critical finding remains.
 */
export function runSecurityAudit(flags: SecurityAuditFlags): number {
  const { config, paths } = commandContext(
    flags.stateDir !== undefined ? { stateDir: flags.stateDir } : {},
  );
  const fixed = flags.fix ? fixPermissions(paths) : [];
  const findings: Finding[] = auditSecurity({
    config,
    paths,
    toolNames: tools.map((tool) => tool.name),
    ...(process.getuid ? { uid: process.getuid() } : {}),
  });
  const fixes = fixed.map((entry) => ({
    path: entry.path,
    from: octal(entry.mode),
    to: octal(entry.expected),
  }));
  if (flags.json) {
    console.log(JSON.stringify({ findings, fixed: fixes }, null, 2));
  } else {
    for (const fix of fixes) console.log(`fixed: ${fix.path} ${fix.from} → ${fix.to}`);
    if (findings.length === 0) console.log('Nothing exposed.');
    for (const finding of findings) {
      console.log(`${marks[finding.severity]} ${finding.severity}: ${finding.message}`);
      if (finding.fix)
        console.log(`    fix: ${finding.fix}${finding.fixable ? ' (--fix does it)' : ''}`);
    }
  }
  return findings.some((finding) => finding.severity === 'critical') ? 1 : 0;
}
