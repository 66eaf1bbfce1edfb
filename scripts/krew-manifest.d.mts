export const KREW_PLATFORMS: [string, string][];
export function krewManifest(options: { tarball: string; uri: string; homepage: string; version: string }): string;
