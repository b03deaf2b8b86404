import { DOMParser, type Element } from '@xmldom/xmldom';
import { describe, expect, it } from 'vitest';
import { DeliveryError } from '../delivery-error.ts';
import { readRegistryResponse } from './client.ts';
import { soapXmlOf } from './transport.ts';

const RS = 'urn:oasis:names:tc:ebxml-regrep:xsd:rs:3.0';
const response = (status: string, errors: [string, string][] = []) =>
  new DOMParser().parseFromString(
    `<rs:RegistryResponse xmlns:rs="${RS}" status="urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:${status}">` +
      (errors.length
        ? `<rs:RegistryErrorList>${errors
            .map(
              ([code, severity]) =>
                `<rs:RegistryError errorCode="${code}" codeContext="ctx" severity="urn:oasis:names:tc:ebxml-regrep:ErrorSeverityType:${severity}"/>`,
            )
            .join('')}</rs:RegistryErrorList>`
        : '') +
      `</rs:RegistryResponse>`,
    'text/xml',
  ).documentElement as unknown as Element;

describe('readRegistryResponse', () => {
  it('Success is success', () => {
    expect(readRegistryResponse(response('Success'))).toEqual({ status: 'success', alreadyPresent: false });
  });

  it('a duplicate of the same document is "already delivered"', () => {
    expect(readRegistryResponse(response('Failure', [['XDSDuplicateUniqueIdInRegistry', 'Error']]))).toEqual({
      status: 'success',
      alreadyPresent: true,
    });
  });

  it('XDS errors are not retryable, with the codes in remote and a French reason', () => {
    try {
      readRegistryResponse(
        response('Failure', [
          ['XDSUnknownPatientId', 'Error'],
          ['SomeWarning', 'Warning'],
        ]),
      );
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DeliveryError);
      const error = e as DeliveryError;
      expect(error.retryable).toBe(false);
      expect(error.remote).toBe('XDSUnknownPatientId: ctx; SomeWarning: ctx');
      expect(error.reason).toMatch(/Patient inconnu du DMP/);
    }
  });
});

describe('soapXmlOf', () => {
  it('reads the root part of an MTOM answer like the DMP sample', () => {
    const body = Buffer.from(
      '--uuid:x\r\nContent-Type: application/xop+xml; charset=UTF-8; type="application/soap+xml"\r\nContent-ID: <root>\r\n\r\n<a/>\r\n--uuid:x--',
    );
    expect(
      soapXmlOf({
        status: 200,
        contentType: 'multipart/related; type="application/xop+xml"; boundary="uuid:x"',
        body,
      }),
    ).toBe('<a/>');
    expect(soapXmlOf({ status: 200, contentType: 'application/soap+xml', body: Buffer.from('<b/>') })).toBe(
      '<b/>',
    );
  });
});
