#!/usr/bin/env node
// The `bench` command: loads the TypeScript sources through tsx (no build step).
import { register } from 'tsx/esm/api';

register();
await import('../harness/cli/main.ts');
