/** Writes a gate's outputs: gate.json (the record), gate.md (CI summary) and gate.html (report page). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { GateRecord } from '../../run/gate/runner.ts';
import { renderFigures } from '../charts/figure.ts';
import { gateFigures } from './figures.ts';
import { renderGateHtml } from './html.ts';
import { renderGateMarkdown } from './markdown.ts';

export interface GatePaths {
  dir: string;
  json: string;
  markdown: string;
  html: string;
}

export function writeGateOutputs(record: GateRecord, outDir: string): GatePaths {
  const dir = resolve(outDir);
  mkdirSync(dir, { recursive: true });
  const paths = { dir, json: join(dir, 'gate.json'), markdown: join(dir, 'gate.md'), html: join(dir, 'gate.html') };
  writeFileSync(paths.json, JSON.stringify(record, null, 2) + '\n');
  writeFileSync(paths.markdown, renderGateMarkdown(record));
  writeFileSync(paths.html, renderGateHtml(record, renderFigures(gateFigures(record))));
  return paths;
}
