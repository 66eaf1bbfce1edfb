/**
 * Starts fetching the graph code (React Flow) while the paths are still loading, so the first graph is not
 * serialised behind them. ELK is not started here: the graph starts it (in a worker) when it is first drawn, and
 * the first paint uses the instant row layout anyway.
 */
export function preloadGraph(): void {
  void import('./HopGraph');
}
