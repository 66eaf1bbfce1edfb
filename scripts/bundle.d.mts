export function bundleEcho(outfile: string): Promise<unknown>;
export const CLI_BUNDLE: string;
export function bundleCli(outfile?: string): Promise<unknown>;
