//! An upload's `_state` token: HMAC-SHA256 of the repository and upload id
//! with `http.secret`, truncated to 128 bits. Replicas sharing the secret
//! accept each other's upload URLs; a tampered URL is refused, and the
//! check takes the same time however much of a forged token is right.

use hmac::{KeyInit, Mac};

use crate::registry::names::{RepoName, UploadId};

type HmacSha256 = hmac::Hmac<sha2::Sha256>;

fn mac(secret: &[u8], name: &RepoName, id: &UploadId) -> HmacSha256 {
    let mut mac =
        <HmacSha256 as KeyInit>::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(name.as_str().as_bytes());
    mac.update(b"\n");
    mac.update(id.as_str().as_bytes());
    mac
}

/// The token for an upload, as hex.
pub(crate) fn sign(secret: &[u8], name: &RepoName, id: &UploadId) -> String {
    let full = mac(secret, name, id).finalize().into_bytes();
    hex::encode(full.get(..16).unwrap_or_default())
}

/// Whether a client's token is this upload's, compared in constant time.
pub(crate) fn verify(secret: &[u8], name: &RepoName, id: &UploadId, token: &str) -> bool {
    let Ok(bytes) = hex::decode(token) else {
        return false;
    };
    // A truncated MAC shorter than what `sign` gives is not accepted.
    bytes.len() == 16 && mac(secret, name, id).verify_truncated_left(&bytes).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signs_and_verifies_only_its_own_upload() {
        let name = RepoName::parse("team/app").unwrap();
        let id = UploadId::parse("3f0c1c2e-4a5b-4c6d-8e9f-0a1b2c3d4e5f").unwrap();
        let other = RepoName::parse("team/other").unwrap();
        let token = sign(b"secret", &name, &id);
        assert_eq!(token.len(), 32);
        assert!(verify(b"secret", &name, &id, &token));
        assert!(!verify(b"other secret", &name, &id, &token));
        assert!(!verify(b"secret", &other, &id, &token));
        assert!(
            !verify(b"secret", &name, &id, &token[..2]),
            "a prefix is no token"
        );
        assert!(!verify(b"secret", &name, &id, ""));
        assert!(!verify(b"secret", &name, &id, "zz"));
    }
}
