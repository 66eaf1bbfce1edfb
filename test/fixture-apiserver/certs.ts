import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import forge from 'node-forge';

export interface ServingCertificates {
  caPem: string;
  certPem: string;
  keyPem: string;
}

// Keys come from node:crypto (fast, native); node-forge only assembles and signs the X.509 structures,
// which node:crypto cannot create.
function rsaKeyPair() {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privatePem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  return { privateKey: forge.pki.privateKeyFromPem(privatePem), publicKey: forge.pki.publicKeyFromPem(publicPem), privatePem };
}

function newCertificate(publicKey: forge.pki.PublicKey, subjectCN: string, days: number) {
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  // A positive serial in minimal DER: a first byte of 0x01–0x7f needs no 0x00 pad. ('00' + random bytes broke one
  // run in ~250: node-forge drops only one redundant zero, and OpenSSL rejects "00 0x…" as illegal padding.)
  const serial = randomBytes(16);
  serial[0] = (serial[0]! % 0x7f) + 1;
  cert.serialNumber = serial.toString('hex');
  const now = Date.now();
  cert.validity.notBefore = new Date(now - 60_000);
  cert.validity.notAfter = new Date(now + days * 86_400_000);
  cert.setSubject([{ name: 'commonName', value: subjectCN }]);
  return cert;
}

/**
 * A throwaway CA and a server certificate signed by it, valid for `altNames` (IPs and DNS names).
 * Generated at start-up so no key material is ever committed.
 */
export function generateServingCertificates(altNames: string[]): ServingCertificates {
  const ca = rsaKeyPair();
  const caCert = newCertificate(ca.publicKey, 'hopscope-fixture-ca', 7);
  caCert.setIssuer(caCert.subject.attributes);
  caCert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  caCert.sign(ca.privateKey, forge.md.sha256.create());

  const server = rsaKeyPair();
  const serverCert = newCertificate(server.publicKey, 'hopscope-fixture-apiserver', 7);
  serverCert.setIssuer(caCert.subject.attributes);
  const unique = [...new Set(altNames)];
  serverCert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: unique.map((n) => (isIP(n) ? { type: 7, ip: n } : { type: 2, value: n })),
    },
  ]);
  serverCert.sign(ca.privateKey, forge.md.sha256.create());

  return {
    caPem: forge.pki.certificateToPem(caCert),
    certPem: forge.pki.certificateToPem(serverCert),
    keyPem: server.privatePem,
  };
}
