#!/usr/bin/env node
// Launcher for installed use (`gatehouse` on PATH via package.json "bin"). The server ships as
// TypeScript and runs through tsx's loader, so there is no build step to forget.
// First: refuse an unsupported Node before tsx or any native module loads.
import './preflight.js';
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/index.ts');
