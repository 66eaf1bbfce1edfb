/** Starts fetching the graph code (React Flow, ELK) while the paths are still loading, so the first graph is not serialised behind them. */
export function preloadGraph(): void {
  void import('./HopGraph');
  void import('elkjs/lib/elk.bundled.js');
}
