import type { NextConfig } from 'next';

const nextConfig: NextConfig = {
  // Workspace packages are consumed from their TypeScript sources (`.ts` extension imports).
  // `@rayon/api` is only imported as a type (AppRouter); listing it keeps any accidental value
  // import compiled rather than externalised.
  transpilePackages: ['@rayon/domain', '@rayon/schemas', '@rayon/api'],
  poweredByHeader: false,
  reactStrictMode: true,
  experimental: {
    // Server actions take form posts of at most 1 MB by default; the viewer of received CDA
    // documents reads files of up to 20 MB (MAX_RECEIVED_CDA_BYTES), plus the multipart envelope.
    serverActions: { bodySizeLimit: '21mb' },
  },
};

export default nextConfig;
