import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Reporter, TestModule } from 'vitest/node';

/**
 * Prints when each test file started and how long it ran, seconds from the run's start, and the ten longest, and
 * writes them to test-output/timeline.json: CI has 2 cores and a time limit, and the suite's length is decided by
 * how the files share them, which the default reporter's per-file durations do not show.
 */
export default class TimelineReporter implements Reporter {
  private readonly runStart = Date.now();
  private readonly started = new Map<string, number>();
  private readonly rows: { file: string; project: string; start: number; seconds: number }[] = [];

  onTestModuleStart(module: TestModule) {
    this.started.set(module.moduleId, Date.now());
  }

  onTestModuleEnd(module: TestModule) {
    const start = this.started.get(module.moduleId) ?? Date.now();
    this.rows.push({
      file: module.relativeModuleId,
      project: module.project.name,
      start: Math.round((start - this.runStart) / 1000),
      seconds: Math.round((Date.now() - start) / 1000),
    });
  }

  onTestRunEnd() {
    const rows = [...this.rows].sort((a, b) => a.start - b.start);
    mkdirSync('test-output', { recursive: true });
    writeFileSync(join('test-output', 'timeline.json'), `${JSON.stringify(rows, null, 1)}\n`);
    const total = Math.round((Date.now() - this.runStart) / 1000);
    const longest = [...rows].sort((a, b) => b.seconds - a.seconds).slice(0, 10);
    console.log(`\nTimeline (s from start, ${total} s in all): the ten longest files`);
    for (const row of longest)
      console.log(
        `  ${String(row.start).padStart(5)} +${String(row.seconds).padStart(4)}  ${row.project} ${row.file}`,
      );
  }
}
