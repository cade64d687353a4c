//! Telling a TLS-inspecting middlebox from a wrong CA in the model. When the chain a server
//! presents does not verify, but its leaf names the host we asked for, either the model holds
//! the wrong CA or something between us and the server (a firewall, a proxy, an antivirus)
//! made a certificate for that name on the fly. Inspection products sign with CAs named after
//! themselves, so their issuer gives them away; where the template expects a public CA, a
//! chain that ends in a private self-signed root points the same way. Where the template
//! names a private CA of its own, another private root cannot be told from a wrong CA in the
//! model, so it is not called interception.
//!
//! Pure: the chain, the template's CAs and the public roots' subjects come in as DER.

use x509_parser::certificate::X509Certificate;
use x509_parser::extensions::GeneralName;

/// Words in the issuer of an inspection product's certificates, and the product they name.
/// Matched case-insensitively against the whole issuer DN.
const PRODUCTS: &[(&str, &str)] = &[
    ("fortinet", "Fortinet FortiGate"),
    ("fortigate", "Fortinet FortiGate"),
    ("zscaler", "Zscaler"),
    ("palo alto networks", "Palo Alto Networks"),
    ("sophos", "Sophos"),
    ("cisco umbrella", "Cisco Umbrella"),
    ("cisco", "Cisco"),
    ("check point", "Check Point"),
    ("checkpoint", "Check Point"),
    ("blue coat", "Blue Coat / Symantec"),
    ("bluecoat", "Blue Coat / Symantec"),
    ("symantec web", "Blue Coat / Symantec"),
    ("netskope", "Netskope"),
    ("forcepoint", "Forcepoint"),
    ("websense", "Forcepoint"),
    ("barracuda", "Barracuda"),
    ("mcafee", "McAfee / Skyhigh"),
    ("skyhigh", "McAfee / Skyhigh"),
    ("kaspersky", "Kaspersky"),
    ("eset", "ESET"),
    ("bitdefender", "Bitdefender"),
    ("avast", "Avast / AVG"),
    ("avg technologies", "Avast / AVG"),
    ("trend micro", "Trend Micro"),
    ("watchguard", "WatchGuard"),
    ("sonicwall", "SonicWall"),
    ("untangle", "Untangle"),
    ("cato networks", "Cato Networks"),
    ("iboss", "iboss"),
    ("menlo security", "Menlo Security"),
    ("lightspeed", "Lightspeed"),
    ("securly", "Securly"),
    ("mitmproxy", "mitmproxy"),
    ("portswigger", "Burp Suite"),
    ("do_not_trust_fiddlerroot", "Fiddler"),
    ("charles proxy", "Charles Proxy"),
];

/// Why a chain looks like a middlebox's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Interception {
    /// The leaf's issuer (or a CA above it) names a TLS-inspection product.
    Product {
        product: &'static str,
        issuer: String,
    },
    /// The template trusts the public roots, and the chain ends in a self-signed CA that is
    /// not one of them.
    PrivateRoot { issuer: String },
}

impl Interception {
    /// The issuer a person should look for, as the certificate names it.
    pub fn issuer(&self) -> &str {
        match self {
            Interception::Product { issuer, .. } | Interception::PrivateRoot { issuer } => issuer,
        }
    }
}

/// The inspection product an issuer DN names, if any.
pub fn product_in(issuer: &str) -> Option<&'static str> {
    let lower = issuer.to_ascii_lowercase();
    // Whole words only, so "eset" does not match "reset" nor "avg" a random string.
    PRODUCTS
        .iter()
        .find(|(needle, _)| {
            lower.match_indices(needle).any(|(at, _)| {
                let before = lower[..at].chars().next_back();
                let after = lower[at + needle.len()..].chars().next();
                !before.is_some_and(char::is_alphanumeric)
                    && !after.is_some_and(char::is_alphanumeric)
            })
        })
        .map(|(_, product)| *product)
}

/// Whether `name` (a DNS SAN, perhaps `*.example.com`) covers `host`.
fn dns_name_covers(name: &str, host: &str) -> bool {
    let (name, host) = (name.to_ascii_lowercase(), host.to_ascii_lowercase());
    match name.strip_prefix("*.") {
        Some(parent) => host
            .split_once('.')
            .is_some_and(|(label, rest)| !label.is_empty() && rest == parent),
        None => name == host,
    }
}

/// Whether the leaf names `host`: a DNS SAN that covers it, or an IP SAN equal to it.
fn leaf_names(leaf: &X509Certificate<'_>, host: &str) -> bool {
    let bare = host.trim_matches(['[', ']']);
    let ip: Option<std::net::IpAddr> = bare.parse().ok();
    let Ok(Some(sans)) = leaf.subject_alternative_name() else {
        return false;
    };
    sans.value.general_names.iter().any(|name| match name {
        GeneralName::DNSName(dns) => ip.is_none() && dns_name_covers(dns, bare),
        GeneralName::IPAddress(bytes) => match (ip, bytes.len()) {
            (Some(std::net::IpAddr::V4(v4)), 4) => v4.octets() == **bytes,
            (Some(std::net::IpAddr::V6(v6)), 16) => v6.octets() == **bytes,
            _ => false,
        },
        _ => false,
    })
}

/// Judges a chain that did not verify: `chain` leaf first (DER), `template_cas` the CAs the
/// template trusts (empty when it trusts the OS roots), `public_roots` the subjects (DER) of
/// the public roots. `None` when the leaf does not name the host (then it is another problem:
/// a wrong host or a misconfigured server) or nothing points at a middlebox.
pub fn judge(
    chain: &[&[u8]],
    host: &str,
    template_cas: &[&[u8]],
    public_roots: &[&[u8]],
) -> Option<Interception> {
    let parsed: Vec<X509Certificate<'_>> = chain
        .iter()
        .filter_map(|der| {
            x509_parser::parse_x509_certificate(der)
                .ok()
                .map(|(_, c)| c)
        })
        .collect();
    let leaf = parsed.first()?;
    if !leaf_names(leaf, host) {
        return None;
    }
    for cert in &parsed {
        let issuer = cert.issuer().to_string();
        if let Some(product) = product_in(&issuer) {
            return Some(Interception::Product { product, issuer });
        }
    }
    // A private root is a sign only where the template expects a public one. A template
    // with a CA of its own talks to a server with a private CA: another private root there
    // is as likely the model's wrong CA as a middlebox, and is left for TLS_UNTRUSTED_CA to
    // name both.
    if !template_cas.is_empty() {
        return None;
    }
    let top = parsed.last()?;
    let self_signed = top.subject().as_raw() == top.issuer().as_raw() && parsed.len() > 1;
    let public = public_roots.contains(&top.subject().as_raw());
    (self_signed && !public).then(|| Interception::PrivateRoot {
        issuer: top.subject().to_string(),
    })
}

#[cfg(test)]
#[path = "interception_tests.rs"]
mod tests;
