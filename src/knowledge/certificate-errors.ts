/**
 * Why a certificate chain failed verification, in words: Node reports only OpenSSL's code
 * (TLSSocket.authorizationError); the texts are OpenSSL's own X509_verify_cert_error_string()
 * (crypto/x509/x509_txt.c), which is what curl, Python and `openssl s_client` print. A code not
 * listed here is shown as it is.
 */
export const CERTIFICATE_ERRORS: Readonly<Record<string, string>> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed certificate',
  SELF_SIGNED_CERT_IN_CHAIN: 'self-signed certificate in certificate chain',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'unable to get local issuer certificate',
  UNABLE_TO_GET_ISSUER_CERT: 'unable to get issuer certificate',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'unable to verify the first certificate',
  CERT_HAS_EXPIRED: 'certificate has expired',
  CERT_NOT_YET_VALID: 'certificate is not yet valid',
  CERT_REVOKED: 'certificate revoked',
  CERT_SIGNATURE_FAILURE: 'certificate signature failure',
  CERT_UNTRUSTED: 'certificate not trusted',
  CERT_REJECTED: 'certificate rejected',
  INVALID_CA: 'invalid CA certificate',
  INVALID_PURPOSE: 'unsupported certificate purpose',
  CERT_CHAIN_TOO_LONG: 'certificate chain too long',
  // tls.checkServerIdentity(): the certificate names other hosts than the one we asked for
  ERR_TLS_CERT_ALTNAME_INVALID: "the certificate is not for this host name (subjectAltName does not match)",
};

export function certificateErrorText(code: string): string {
  return CERTIFICATE_ERRORS[code] ?? code.toLowerCase().replace(/_/g, ' ');
}
