/**
 * Starts fetching the graph code (React Flow) while the paths are still loading, so the first graph is not
 * serialised behind them. ELK is left out on purpose: evaluating it takes long enough to delay the first paint,
 * which uses the instant row layout anyway.
 */
export function preloadGraph(): void {
  void import('./HopGraph');
}
