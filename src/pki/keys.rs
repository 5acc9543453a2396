//! Private keys: generation for every supported type, and loading of the PEM
//! encodings people actually have (PKCS#8, OpenSSL's PKCS#1 `RSA PRIVATE KEY`
//! and SEC1 `EC PRIVATE KEY`).

use std::fmt;
use std::str::FromStr;

use pkcs8::der::{Decode, Encode};
use rcgen::{KeyPair, SignatureAlgorithm};
use rustls_pki_types::PrivatePkcs8KeyDer;

use super::PkiError;

/// Key algorithms regctl can generate. ECDSA P-256 is the default: every
/// client supports it and it is fast.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum KeyType {
    #[default]
    P256,
    P384,
    Ed25519,
    Rsa2048,
    Rsa4096,
}

impl KeyType {
    pub(crate) fn rsa_bits(self) -> Option<usize> {
        match self {
            KeyType::Rsa2048 => Some(2048),
            KeyType::Rsa4096 => Some(4096),
            _ => None,
        }
    }
}

impl FromStr for KeyType {
    type Err = PkiError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().replace(['-', '_'], "").as_str() {
            "p256" | "ecdsa" | "ecdsap256" => Ok(KeyType::P256),
            "p384" | "ecdsap384" => Ok(KeyType::P384),
            "ed25519" => Ok(KeyType::Ed25519),
            "rsa2048" | "rsa" => Ok(KeyType::Rsa2048),
            "rsa4096" => Ok(KeyType::Rsa4096),
            _ => Err(PkiError::UnknownKeyType(s.to_string())),
        }
    }
}

impl fmt::Display for KeyType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            KeyType::P256 => "p256",
            KeyType::P384 => "p384",
            KeyType::Ed25519 => "ed25519",
            KeyType::Rsa2048 => "rsa2048",
            KeyType::Rsa4096 => "rsa4096",
        })
    }
}

/// Generates a fresh key of `kind`.
pub(crate) fn generate(kind: KeyType) -> Result<KeyPair, PkiError> {
    let alg: &'static SignatureAlgorithm = match kind {
        KeyType::P256 => &rcgen::PKCS_ECDSA_P256_SHA256,
        KeyType::P384 => &rcgen::PKCS_ECDSA_P384_SHA384,
        KeyType::Ed25519 => &rcgen::PKCS_ED25519,
        KeyType::Rsa2048 | KeyType::Rsa4096 => {
            // ring cannot generate RSA keys; the RustCrypto implementation can.
            let bits = kind.rsa_bits().unwrap_or(2048);
            let key = rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, bits)
                .map_err(|e| PkiError::KeyGeneration(e.to_string()))?;
            let der = rsa::pkcs8::EncodePrivateKey::to_pkcs8_der(&key)
                .map_err(|e| PkiError::KeyGeneration(e.to_string()))?;
            return KeyPair::from_pkcs8_der_and_sign_algo(
                &PrivatePkcs8KeyDer::from(der.as_bytes()),
                &rcgen::PKCS_RSA_SHA256,
            )
            .map_err(|e| PkiError::KeyGeneration(e.to_string()));
        }
    };
    let key = KeyPair::generate_for(alg).map_err(|e| PkiError::KeyGeneration(e.to_string()))?;
    if kind != KeyType::Ed25519 {
        return Ok(key);
    }
    // ring writes Ed25519 keys as PKCS#8 v2 (with the public key), which
    // OpenSSL 3.0 and other tools cannot read; store the RFC 8410 v1 form.
    let v2 = key.serialize_der();
    let mut info =
        pkcs8::PrivateKeyInfo::from_der(&v2).map_err(|e| PkiError::KeyGeneration(e.to_string()))?;
    info.public_key = None;
    let v1 = info
        .to_der()
        .map_err(|e| PkiError::KeyGeneration(e.to_string()))?;
    KeyPair::from_pkcs8_der_and_sign_algo(&PrivatePkcs8KeyDer::from(v1.as_slice()), alg)
        .map_err(|e| PkiError::KeyGeneration(e.to_string()))
}

/// Loads the first private key found in PEM text.
pub(crate) fn load_pem(pem_text: &str) -> Result<KeyPair, PkiError> {
    let blocks = pem::parse_many(pem_text).map_err(|e| PkiError::NotPem(e.to_string()))?;
    let block = blocks
        .iter()
        .find(|b| b.tag().ends_with("PRIVATE KEY"))
        .ok_or(PkiError::NoPrivateKey)?;
    let pkcs8_der: Vec<u8> = match block.tag() {
        "PRIVATE KEY" => block.contents().to_vec(),
        "RSA PRIVATE KEY" => {
            let key = <rsa::RsaPrivateKey as rsa::pkcs1::DecodeRsaPrivateKey>::from_pkcs1_der(
                block.contents(),
            )
            .map_err(|e| PkiError::BadKey(e.to_string()))?;
            rsa::pkcs8::EncodePrivateKey::to_pkcs8_der(&key)
                .map_err(|e| PkiError::BadKey(e.to_string()))?
                .as_bytes()
                .to_vec()
        }
        "EC PRIVATE KEY" => sec1_to_pkcs8(block.contents())?,
        "ENCRYPTED PRIVATE KEY" => return Err(PkiError::EncryptedKey),
        other => return Err(PkiError::UnsupportedKeyFormat(other.to_string())),
    };
    KeyPair::try_from(pkcs8_der.as_slice()).map_err(|e| PkiError::BadKey(e.to_string()))
}

/// Wraps an OpenSSL `EC PRIVATE KEY` (SEC1) in PKCS#8, which ring requires.
fn sec1_to_pkcs8(der: &[u8]) -> Result<Vec<u8>, PkiError> {
    let key = sec1::EcPrivateKey::from_der(der).map_err(|e| PkiError::BadKey(e.to_string()))?;
    let curve = key
        .parameters
        .and_then(|p| p.named_curve())
        .ok_or_else(|| PkiError::BadKey("EC key without a named curve".into()))?;
    let curve_der = curve
        .to_der()
        .map_err(|e| PkiError::BadKey(e.to_string()))?;
    let params = pkcs8::der::asn1::AnyRef::from_der(&curve_der)
        .map_err(|e| PkiError::BadKey(e.to_string()))?;
    let info = pkcs8::PrivateKeyInfo {
        algorithm: pkcs8::AlgorithmIdentifierRef {
            oid: sec1::ALGORITHM_OID,
            parameters: Some(params),
        },
        private_key: der,
        public_key: None,
    };
    info.to_der().map_err(|e| PkiError::BadKey(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_keys_round_trip_through_pem() {
        for kind in [
            KeyType::P256,
            KeyType::P384,
            KeyType::Ed25519,
            KeyType::Rsa2048,
        ] {
            let key = generate(kind).unwrap();
            let again = load_pem(&key.serialize_pem()).unwrap();
            assert_eq!(key.public_key_raw(), again.public_key_raw(), "{kind}");
        }
    }

    #[test]
    fn key_type_names_parse() {
        for name in ["p256", "p384", "ed25519", "rsa2048", "rsa4096"] {
            assert_eq!(name.parse::<KeyType>().unwrap().to_string(), name);
        }
        assert!("dsa".parse::<KeyType>().is_err());
    }
}
