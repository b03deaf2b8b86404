import type { NextConfig } from 'next';

const nextConfig: NextConfig = {
  // Workspace packages are consumed from their TypeScript sources (`.ts` extension imports).
  // `@rayon/api` is only imported as a type (AppRouter); listing it keeps any accidental value
  // import compiled rather than externalised.
  transpilePackages: ['@rayon/domain', '@rayon/api'],
  poweredByHeader: false,
  reactStrictMode: true,
};

export default nextConfig;
