// Next.js calls register() once when the server starts. Reading the configuration here stops the server at once on
// an invalid setting, instead of letting it pass /healthz and fail every API request later.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME === 'nodejs') {
    const { config } = await import('./lib/config');
    try {
      config();
    } catch (err) {
      console.error(`hopscope: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    }
  }
}
