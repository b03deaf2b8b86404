/**
 * What `node:net` is in the browser bundles: stand-ins that refuse. `@rayon/domain`'s network
 * helpers use BlockList and isIP on the server (the API, the gateway); client components import
 * the domain barrel for its schemas and constants, never these helpers.
 */
const serverOnly = () => {
  throw new Error('node:net is not available in the browser');
};

export class BlockList {
  constructor() {
    serverOnly();
  }
}

export const isIP = (): number => serverOnly();
