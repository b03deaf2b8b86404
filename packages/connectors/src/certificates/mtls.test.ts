/**
 * mtlsPost against a local mutual-TLS server: kept-alive connections per certificate, a renewed
 * certificate on a connection of its own, a stale kept-alive socket sent again on another one,
 * and the handshake diagnosis on a reused socket.
 */
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { createIgcSanteTestChain, issueClientCertificate } from '@rayon/test-pki';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closeMtlsConnections, MtlsError, mtlsPost } from './mtls.ts';
import { OrganisationCertificate } from './organisation-certificate.ts';

const chain = createIgcSanteTestChain(Date.now(), 'SERVEUR MTLS TEST');
const certificate = (cn: string) => {
  const c = issueClientCertificate({
    issuer: chain.intermediate,
    validity: chain.leafValidity,
    subject: [
      { shortName: 'C', value: 'FR' },
      { shortName: 'O', value: 'IMAGERIE TEST' },
      { shortName: 'OU', value: '1750000000' },
      { shortName: 'CN', value: cn },
    ],
    friendlyName: cn,
    passphrase: 'test',
  });
  return OrganisationCertificate.fromPem({ certPem: c.certPem, keyPem: c.keyPem, chainPem: c.chainPem });
};

describe('mtlsPost', () => {
  let server: Server;
  let url: URL;
  /** TLS connections the server accepted, and the client certificate's CN on each request. */
  let connections = 0;
  let seen: string[] = [];
  /** The server drops the next request on a reused connection without answering. */
  let dropNextReused = false;
  const requestsOn = new WeakMap<TLSSocket, number>();

  beforeAll(async () => {
    server = createServer(
      {
        cert: chain.pems.server.certPem,
        key: chain.pems.server.keyPem,
        ca: chain.pems.caChainPem,
        requestCert: true,
        rejectUnauthorized: true,
      },
      (req, res) => {
        const socket = req.socket as TLSSocket;
        const n = (requestsOn.get(socket) ?? 0) + 1;
        requestsOn.set(socket, n);
        seen.push(String(socket.getPeerCertificate().subject.CN));
        if (n > 1 && dropNextReused) {
          dropNextReused = false;
          socket.destroy();
          return;
        }
        req.resume();
        req.on('end', () => res.end('ok'));
      },
    );
    server.on('secureConnection', () => connections++);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = new URL(`https://127.0.0.1:${(server.address() as AddressInfo).port}/service`);
  });
  afterEach(() => {
    closeMtlsConnections();
    connections = 0;
    seen = [];
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const post = (cert: OrganisationCertificate, ca: string[] = chain.pems.caChainPem) =>
    mtlsPost({
      url,
      certificate: cert,
      ca,
      timeoutMs: 10_000,
      maxResponseBytes: 1024,
      headers: { 'Content-Type': 'text/plain' },
      body: Buffer.from('bonjour'),
    });

  it('reuses one TLS connection for the calls of one certificate to one server', async () => {
    const cert = certificate('RAYON A');
    for (let i = 0; i < 3; i++) expect((await post(cert)).body.toString()).toBe('ok');
    expect(connections).toBe(1);
    expect(seen).toEqual(['RAYON A', 'RAYON A', 'RAYON A']);
  });

  it('never reuses a connection opened with another certificate (a renewed one)', async () => {
    await post(certificate('RAYON ANCIEN'));
    await post(certificate('RAYON RENOUVELE'));
    expect(connections).toBe(2);
    expect(seen).toEqual(['RAYON ANCIEN', 'RAYON RENOUVELE']);
  });

  it('sends again on another socket when a kept-alive one was closed before any answer', async () => {
    const cert = certificate('RAYON B');
    await post(cert);
    dropNextReused = true;
    const r = await post(cert);
    expect(r.body.toString()).toBe('ok');
    // The dropped request, then the same one on a new connection.
    expect(seen).toEqual(['RAYON B', 'RAYON B', 'RAYON B']);
    expect(connections).toBe(2);
  });

  it('a certificate the server refuses is still diagnosed in the handshake', async () => {
    const stranger = issueClientCertificate({
      issuer: chain.other,
      validity: chain.leafValidity,
      subject: [{ shortName: 'CN', value: 'INCONNU' }],
      friendlyName: 'x',
      passphrase: 'x',
    });
    const cert = OrganisationCertificate.fromPem({
      certPem: stranger.certPem,
      keyPem: stranger.keyPem,
      chainPem: stranger.chainPem,
    });
    const error = await post(cert).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MtlsError);
    expect((error as MtlsError).failure).toMatchObject({ kind: 'transport', answered: false });
    expect(seen).toEqual([]);
  });
});
