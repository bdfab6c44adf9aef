#!/usr/bin/env node
// Runs the TypeScript entry point directly (no build step), wherever the command is called from.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
