export function bundleEcho(outfile: string): Promise<void>;
