//! Does a certificate chain up to one of the given anchors?
//!
//! This is the check behind `x509: certificate signed by unknown authority`:
//! follow issuer names through any intermediates to an anchor and verify each
//! signature on the way.

use x509_parser::certificate::X509Certificate;

/// The outcome of building a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ChainOutcome {
    /// Verified; the subjects from the leaf's issuer up to the anchor.
    Trusted(Vec<String>),
    /// No anchor signed the chain.
    UnknownAuthority,
}

const MAX_DEPTH: usize = 8;

/// Builds a path from `leaf` through `intermediates` to one of `anchors`.
pub(crate) fn verify(
    leaf: &X509Certificate<'_>,
    intermediates: &[X509Certificate<'_>],
    anchors: &[X509Certificate<'_>],
) -> ChainOutcome {
    let mut current = leaf;
    let mut path = Vec::new();
    for _ in 0..MAX_DEPTH {
        let signed_by = |c: &&X509Certificate<'_>| {
            c.subject().as_raw() == current.issuer().as_raw()
                && current.verify_signature(Some(c.public_key())).is_ok()
        };
        if let Some(anchor) = anchors.iter().find(signed_by) {
            path.push(anchor.subject().to_string());
            return ChainOutcome::Trusted(path);
        }
        match intermediates
            .iter()
            .filter(|c| c.is_ca() && !std::ptr::eq(*c, current))
            .find(signed_by)
        {
            Some(next) => {
                path.push(next.subject().to_string());
                current = next;
            }
            None => break,
        }
    }
    ChainOutcome::UnknownAuthority
}
