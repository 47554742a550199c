#!/usr/bin/env node
// The `clawdbot` command. ClawdBot ships as TypeScript source and runs it through tsx's
// loader, so there is no build step between editing and running.
import { register } from 'tsx/esm/api';

register();
await import('../cli/main.ts');
