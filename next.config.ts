import type { NextConfig } from 'next';

const nextConfig: NextConfig = {
  output: 'standalone',
  poweredByHeader: false,
  // client-node pulls in optional native/ws bits; keep it out of the server bundle.
  serverExternalPackages: ['@kubernetes/client-node', 'pino', 'prom-client'],
};

export default nextConfig;
