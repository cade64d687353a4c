use super::*;
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};

/// A CA named `dn` (CN and O), and a leaf for `names` it signed: (leaf DER, CA DER).
fn chain(ca_cn: &str, ca_o: &str, names: &[&str]) -> (Vec<u8>, Vec<u8>) {
    let ca_key = KeyPair::generate().unwrap();
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name.push(DnType::CommonName, ca_cn);
    ca.distinguished_name.push(DnType::OrganizationName, ca_o);
    let ca_cert = ca.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca, ca_key);
    let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
    let leaf = CertificateParams::new(names)
        .unwrap()
        .signed_by(&KeyPair::generate().unwrap(), &issuer)
        .unwrap();
    (leaf.der().to_vec(), ca_cert.der().to_vec())
}

#[test]
fn a_product_s_issuer_is_interception_when_the_leaf_names_the_host() {
    let (leaf, ca) = chain("mitmproxy", "mitmproxy", &["mqtt.acme.example"]);
    let found = judge(&[&leaf], "mqtt.acme.example", &[], &[]);
    assert_eq!(
        found,
        Some(Interception::Product {
            product: "mitmproxy",
            issuer: "CN=mitmproxy, O=mitmproxy".into()
        })
    );
    // The same with the CA sent along.
    assert!(matches!(
        judge(&[&leaf, &ca], "mqtt.acme.example", &[], &[]),
        Some(Interception::Product {
            product: "mitmproxy",
            ..
        })
    ));
    // A leaf for another name is not a middlebox's answer to our name.
    assert_eq!(judge(&[&leaf], "other.example", &[], &[]), None);
}

#[test]
fn products_are_found_as_whole_words_in_the_issuer() {
    assert_eq!(
        product_in("CN=FortiGate CA, O=Fortinet"),
        Some("Fortinet FortiGate")
    );
    assert_eq!(
        product_in("CN=Zscaler Intermediate Root CA"),
        Some("Zscaler")
    );
    assert_eq!(product_in("O=ESET, spol. s r.o."), Some("ESET"));
    assert_eq!(product_in("CN=Reset Labs CA"), None, "eset inside a word");
    assert_eq!(product_in("CN=Acme Root CA, O=Acme"), None);
}

#[test]
fn a_private_root_is_interception_only_where_the_template_expects_a_public_one() {
    let (leaf, ca) = chain("Corp Inspection Root", "Corp", &["*.acme.example"]);
    let found = judge(&[&leaf, &ca], "mqtt.acme.example", &[], &[]);
    assert_eq!(
        found,
        Some(Interception::PrivateRoot {
            issuer: "CN=Corp Inspection Root, O=Corp".into()
        })
    );
    // The template names a private CA of its own: another private root is as likely the
    // model's wrong CA (TLS_UNTRUSTED_CA names both), and its own at the top is no middlebox.
    let (_, other_ca) = chain("Acme Broker CA", "Acme", &[]);
    assert_eq!(
        judge(&[&leaf, &ca], "mqtt.acme.example", &[&other_ca], &[]),
        None
    );
    assert_eq!(judge(&[&leaf, &ca], "mqtt.acme.example", &[&ca], &[]), None);
    // A product's CA is interception whatever the template trusts.
    let (mitm_leaf, _) = chain("mitmproxy", "mitmproxy", &["mqtt.acme.example"]);
    assert!(judge(&[&mitm_leaf], "mqtt.acme.example", &[&other_ca], &[]).is_some());
    // A public root at the top: not a private middlebox.
    let (_, parsed) = x509_parser::parse_x509_certificate(&ca).unwrap();
    let subject = parsed.subject().as_raw().to_vec();
    assert_eq!(
        judge(&[&leaf, &ca], "mqtt.acme.example", &[], &[&subject]),
        None
    );
    // Only the leaf came: nothing says whose root it is.
    assert_eq!(judge(&[&leaf], "mqtt.acme.example", &[], &[]), None);
}

#[test]
fn names_cover_hosts_by_wildcard_one_label_deep_and_ips_exactly() {
    assert!(dns_name_covers("*.acme.example", "mqtt.acme.example"));
    assert!(!dns_name_covers("*.acme.example", "a.b.acme.example"));
    assert!(!dns_name_covers("*.acme.example", "acme.example"));
    assert!(dns_name_covers("MQTT.acme.example", "mqtt.ACME.example"));
    let (leaf, _) = chain("mitmproxy", "mitmproxy", &["127.0.0.1"]);
    assert!(judge(&[&leaf], "127.0.0.1", &[], &[]).is_some());
    assert!(judge(&[&leaf], "127.0.0.2", &[], &[]).is_none());
    assert!(judge(&[b"not a certificate".as_slice()], "h", &[], &[]).is_none());
}
