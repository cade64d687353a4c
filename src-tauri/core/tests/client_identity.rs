//! Client identities from PEM: every key encoding the OTA template may hold, the passphrase
//! of an encrypted key, and a key that is not the certificate's (fixtures: test-only keys
//! made with openssl, see tests/fixtures/keys/README.md).

use loopstudio_core::net::client_identity::{load, IdentityError, KeyEncoding};

fn fixture(name: &str) -> String {
    std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/keys")
            .join(name),
    )
    .unwrap()
}

#[test]
fn every_key_encoding_loads_and_matches_its_certificate() {
    for (cert, key, encoding) in [
        ("ec.pem", "ec-pkcs8.key", KeyEncoding::Pkcs8),
        ("ec.pem", "ec-sec1.key", KeyEncoding::Sec1),
        ("rsa.pem", "rsa-pkcs8.key", KeyEncoding::Pkcs8),
        ("rsa.pem", "rsa-pkcs1.key", KeyEncoding::Pkcs1),
    ] {
        let identity =
            load(&fixture(cert), &fixture(key), None).unwrap_or_else(|e| panic!("{key}: {e}"));
        assert_eq!(identity.encoding, encoding, "{key}");
        assert_eq!(identity.chain.len(), 1);
    }
    let ec = load(&fixture("ec.pem"), &fixture("ec-pkcs8.key"), None).unwrap();
    assert_eq!(ec.certificate.unwrap().subject, "CN=test-device-ec");
}

#[test]
fn an_encrypted_key_needs_its_passphrase() {
    let (cert, key) = (fixture("ec.pem"), fixture("ec-encrypted.key"));
    let identity = load(&cert, &key, Some("open sesame")).unwrap();
    assert_eq!(identity.encoding, KeyEncoding::EncryptedPkcs8);
    assert_eq!(
        load(&cert, &key, None).unwrap_err(),
        IdentityError::PassphraseMissing
    );
    assert_eq!(
        load(&cert, &key, Some("")).unwrap_err(),
        IdentityError::PassphraseMissing
    );
    assert_eq!(
        load(&cert, &key, Some("close sesame")).unwrap_err(),
        IdentityError::PassphraseWrong
    );
}

#[test]
fn a_key_of_another_certificate_is_a_mismatch() {
    assert_eq!(
        load(&fixture("ec.pem"), &fixture("other-ec.key"), None).unwrap_err(),
        IdentityError::Mismatch
    );
    assert_eq!(
        load(&fixture("rsa.pem"), &fixture("ec-pkcs8.key"), None).unwrap_err(),
        IdentityError::Mismatch
    );
}

#[test]
fn broken_fields_are_named_without_the_key() {
    let key = fixture("ec-pkcs8.key");
    assert_eq!(
        load("", &key, None).unwrap_err(),
        IdentityError::NoCertificate
    );
    assert_eq!(
        load(&fixture("ec.pem"), "not a key", None).unwrap_err(),
        IdentityError::NoKey
    );
    let truncated = key.replace("-----END PRIVATE KEY-----", "");
    let error = load(&fixture("ec.pem"), &truncated, None).unwrap_err();
    assert!(
        matches!(error, IdentityError::BadKey(_) | IdentityError::NoKey),
        "{error:?}"
    );
    let body: String = key.lines().nth(1).unwrap().into();
    assert!(
        !error.to_string().contains(&body),
        "the key's text never reaches an error"
    );
}
