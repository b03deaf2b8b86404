/** Security header values the portal and the API both send (one list, one home). */

/** Browser features nobody needs from Rayon, switched off. */
export const PERMISSIONS_POLICY = [
  'accelerometer=()',
  'autoplay=()',
  'browsing-topics=()',
  'camera=()',
  'display-capture=()',
  'geolocation=()',
  'gyroscope=()',
  'hid=()',
  'magnetometer=()',
  'microphone=()',
  'midi=()',
  'payment=()',
  'publickey-credentials-get=()',
  'serial=()',
  'usb=()',
  'xr-spatial-tracking=()',
].join(', ');

/** Two years, sub-domains included (the HSTS preload list's minimum is one year); over TLS only. */
export const HSTS = 'max-age=63072000; includeSubDomains';
