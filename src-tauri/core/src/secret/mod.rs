//! Sealing secrets (passwords, PSKs, private keys) before they reach the database, and the
//! master key that seals them.
//!
//! DESIGN.md §5: the master key comes from the OS keyring ([`keyring`]), or — where no
//! keyring answers, as on a headless gateway — from a 0600 key file beside the database. The
//! database records which source holds its key (store/keys.rs), so the app and the CLI always
//! agree; `LOOPSTUDIO_KEYRING=off` forces the key file (tests use it). Sealing is
//! XChaCha20-Poly1305 with a random 192-bit nonce per value, and the value's name as
//! associated data, so a sealed value cannot be moved to another variable unnoticed.

mod generate;
pub mod keyring;

pub use generate::{generate_printable, GENERATED_LEN};

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};
use ts_rs::TS;
use zeroize::Zeroizing;

/// Environment variable that forces the key file even where a keyring answers.
pub const KEYRING_ENV: &str = "LOOPSTUDIO_KEYRING";
/// Service name of the master key's keyring entry.
pub const KEYRING_SERVICE: &str = "dev.loopstudio.desktop";

const KEY_LEN: usize = 32;
const NONCE_LEN: usize = 24;
/// First byte of every sealed value: lets a later format change tell old values apart.
const FORMAT_V1: u8 = 1;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot read the key file {path}: {source}")]
    ReadKeyFile {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot create the key file {path}: {source}")]
    WriteKeyFile {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the key file {0} is damaged: it must hold exactly 32 bytes")]
    BadKeyFile(PathBuf),
    #[error("the key file {0} is missing, but this database's secrets were sealed with it; restore the file from a backup")]
    KeyFileMissing(PathBuf),
    #[error("the OS random number generator failed: {0}")]
    Random(String),
    #[error("a sealed secret ({0}) could not be opened: the key is not the one it was sealed with, or the data is damaged")]
    Open(String),
    #[error("this database's master key is kept in the OS keyring, which did not answer: {0}")]
    KeyringUnavailable(String),
    #[error("this database's master key is no longer in the OS keyring (entry {KEYRING_SERVICE} / {0}); its secrets cannot be opened")]
    KeyringEntryMissing(String),
    #[error("the OS keyring holds a damaged master key for this database (not 32 bytes)")]
    KeyringEntryDamaged,
}

pub type Result<T> = std::result::Result<T, Error>;

impl From<Error> for crate::ApiError {
    fn from(err: Error) -> Self {
        crate::ApiError::new(crate::ErrorCode::Secret, err.to_string())
    }
}

/// Where the master key is kept; recorded in the database when the key is created.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", tag = "kind")]
#[ts(export)]
pub enum SecretsLocation {
    /// The OS keyring (Secret Service, Keychain, Credential Manager) under this service name.
    #[serde(rename_all = "camelCase")]
    Keyring { service: String },
    /// A file readable only by this OS user, beside the database.
    #[serde(rename_all = "camelCase")]
    KeyFile { path: String, exists: bool },
    /// No secret stored yet: the first one goes to the OS keyring if it answers, else to
    /// this key file.
    #[serde(rename_all = "camelCase")]
    NotYetChosen { key_file: String },
}

impl SecretsLocation {
    /// One short phrase for a status bar: "key file ~/…/loopstudio.db.key".
    pub fn describe(&self) -> String {
        match self {
            SecretsLocation::Keyring { service } => format!("OS keyring ({service})"),
            SecretsLocation::KeyFile { path, .. } => format!("key file {path}"),
            SecretsLocation::NotYetChosen { key_file } => {
                format!("OS keyring if it answers, else key file {key_file} (chosen with the first secret)")
            }
        }
    }
}

/// The key file that belongs to a database: the database's file name plus `.key`, so two
/// databases in one folder never share a key.
pub fn key_file_for(db_path: &Path) -> PathBuf {
    let mut name = db_path
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_else(|| "loopstudio.db".into());
    name.push(".key");
    db_path.with_file_name(name)
}

/// Where the master key for `db_path` is kept, as far as can be told without opening the
/// database (for `loopcheck info` when no database exists yet): an existing key file, else
/// what the first secret will choose.
pub fn locate(db_path: &Path) -> SecretsLocation {
    let path = key_file_for(db_path);
    if path.is_file() || !keyring::allowed() {
        SecretsLocation::KeyFile {
            exists: path.is_file(),
            path: path.display().to_string(),
        }
    } else {
        SecretsLocation::NotYetChosen {
            key_file: path.display().to_string(),
        }
    }
}

/// The 256-bit key that seals every secret of one database. Zeroed when dropped; never
/// printed.
#[derive(Clone)]
pub struct MasterKey(Zeroizing<[u8; KEY_LEN]>);

impl fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MasterKey(…)")
    }
}

impl MasterKey {
    pub fn generate() -> Result<Self> {
        let mut bytes = Zeroizing::new([0u8; KEY_LEN]);
        getrandom::fill(bytes.as_mut()).map_err(|e| Error::Random(e.to_string()))?;
        Ok(MasterKey(bytes))
    }

    pub(crate) fn bytes(&self) -> &[u8] {
        self.0.as_ref()
    }

    pub fn from_bytes(bytes: &[u8]) -> Option<Self> {
        let array: [u8; KEY_LEN] = bytes.try_into().ok()?;
        Some(MasterKey(Zeroizing::new(array)))
    }

    /// Reads the key file, or creates it when `create` is set and it does not exist. Two
    /// processes may race to create it: the new key is written to a private temporary file
    /// (0600 from its first byte, `create_new`), synced, then linked into place, which fails
    /// if the file appeared meanwhile — the loser then reads the winner's key, so both use
    /// one key and no process ever sees half a key file.
    pub fn from_key_file(path: &Path, create: bool) -> Result<Self> {
        match read_key_file(path)? {
            Some(key) => Ok(key),
            None if !create => Err(Error::KeyFileMissing(path.into())),
            None => {
                let key = MasterKey::generate()?;
                let write_err = |source| Error::WriteKeyFile {
                    path: path.into(),
                    source,
                };
                if publish_private_file(path, key.0.as_ref()).map_err(write_err)? {
                    Ok(key)
                } else {
                    read_key_file(path)?.ok_or_else(|| Error::KeyFileMissing(path.into()))
                }
            }
        }
    }

    /// Seals `plaintext`; `name` (the variable or field name) is bound as associated data.
    pub fn seal(&self, name: &str, plaintext: &[u8]) -> Result<Vec<u8>> {
        let mut nonce = [0u8; NONCE_LEN];
        getrandom::fill(&mut nonce).map_err(|e| Error::Random(e.to_string()))?;
        let cipher = XChaCha20Poly1305::new(self.0.as_ref().into());
        let aad = associated_data(name);
        let ciphertext = cipher
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: plaintext,
                    aad: &aad,
                },
            )
            .map_err(|_| Error::Open(name.into()))?;
        let mut out = Vec::with_capacity(1 + NONCE_LEN + ciphertext.len());
        out.push(FORMAT_V1);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&ciphertext);
        Ok(out)
    }

    /// Opens what [`MasterKey::seal`] produced for the same `name`.
    pub fn open(&self, name: &str, sealed: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
        let fail = || Error::Open(name.into());
        let (&format, rest) = sealed.split_first().ok_or_else(fail)?;
        if format != FORMAT_V1 || rest.len() < NONCE_LEN {
            return Err(fail());
        }
        let (nonce, ciphertext) = rest.split_at(NONCE_LEN);
        let cipher = XChaCha20Poly1305::new(self.0.as_ref().into());
        let aad = associated_data(name);
        cipher
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: ciphertext,
                    aad: &aad,
                },
            )
            .map(Zeroizing::new)
            .map_err(|_| fail())
    }

    /// Seals text and opens it back as text.
    pub fn open_text(&self, name: &str, sealed: &[u8]) -> Result<String> {
        let bytes = self.open(name, sealed)?;
        String::from_utf8(bytes.to_vec()).map_err(|_| Error::Open(name.into()))
    }
}

fn associated_data(name: &str) -> Vec<u8> {
    [b"loopstudio:v1:".as_slice(), name.as_bytes()].concat()
}

/// The key in the file at `path`, `None` when there is no such file.
fn read_key_file(path: &Path) -> Result<Option<MasterKey>> {
    match std::fs::read(path) {
        Ok(bytes) => {
            let bytes = Zeroizing::new(bytes);
            MasterKey::from_bytes(&bytes)
                .map(Some)
                .ok_or_else(|| Error::BadKeyFile(path.into()))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(Error::ReadKeyFile {
            path: path.into(),
            source,
        }),
    }
}

/// Writes `bytes` to a new file at `path`, readable only by this user, and never replaces
/// one that exists: `Ok(false)` when `path` was there first. The file appears whole (it is
/// written and synced under a temporary name, then hard-linked into place) and survives a
/// crash (the folder is synced too).
fn publish_private_file(path: &Path, bytes: &[u8]) -> std::io::Result<bool> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let tmp = crate::files::create_private_temp(path)?;
    let written = (|| {
        let mut file = &tmp.file;
        file.write_all(bytes)?;
        file.sync_all()?;
        match std::fs::hard_link(&tmp.path, path) {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
            Err(e) => Err(e),
        }
    })();
    let _ = std::fs::remove_file(&tmp.path);
    let published = written?;
    crate::files::sync_dir(dir);
    Ok(published)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_file_sits_beside_the_database() {
        assert_eq!(
            key_file_for(Path::new("/data/loopstudio.db")),
            PathBuf::from("/data/loopstudio.db.key")
        );
    }

    #[test]
    fn locate_reports_an_existing_key_file() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("x.db");
        assert!(matches!(
            locate(&db),
            SecretsLocation::KeyFile { exists: false, .. } | SecretsLocation::NotYetChosen { .. }
        ));
        std::fs::write(key_file_for(&db), b"k").unwrap();
        assert!(matches!(
            locate(&db),
            SecretsLocation::KeyFile { exists: true, .. }
        ));
    }

    #[test]
    fn location_serialises_with_a_kind_tag() {
        let loc = SecretsLocation::KeyFile {
            path: "/d/x.db.key".into(),
            exists: false,
        };
        assert_eq!(
            serde_json::to_value(&loc).unwrap(),
            serde_json::json!({"kind": "keyFile", "path": "/d/x.db.key", "exists": false})
        );
        assert_eq!(loc.describe(), "key file /d/x.db.key");
    }

    #[test]
    fn seal_and_open_round_trip_and_hide_the_plaintext() {
        let key = MasterKey::generate().unwrap();
        let sealed = key.seal("MQTT_PASSWORD", b"hunter2hunter2").unwrap();
        assert!(!sealed.windows(7).any(|w| w == b"hunter2"));
        assert_eq!(
            key.open_text("MQTT_PASSWORD", &sealed).unwrap(),
            "hunter2hunter2"
        );
        // Same plaintext, fresh nonce, different bytes.
        assert_ne!(
            sealed,
            key.seal("MQTT_PASSWORD", b"hunter2hunter2").unwrap()
        );
    }

    #[test]
    fn a_sealed_value_is_bound_to_its_name_and_key() {
        let key = MasterKey::generate().unwrap();
        let sealed = key.seal("MQTT_PASSWORD", b"pw").unwrap();
        assert!(key.open("LWM2M_PSK_VALUE", &sealed).is_err());
        assert!(MasterKey::generate()
            .unwrap()
            .open("MQTT_PASSWORD", &sealed)
            .is_err());
        let mut tampered = sealed.clone();
        *tampered.last_mut().unwrap() ^= 1;
        assert!(key.open("MQTT_PASSWORD", &tampered).is_err());
        assert!(key.open("MQTT_PASSWORD", &[]).is_err());
        let err = key.open("MQTT_PASSWORD", &[9, 9]).unwrap_err().to_string();
        assert!(err.contains("MQTT_PASSWORD") && !err.contains("pw"));
    }

    #[test]
    fn racing_creators_of_the_key_file_all_end_up_with_the_winners_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.db.key");
        let start = std::sync::Arc::new(std::sync::Barrier::new(8));
        let keys: Vec<MasterKey> = (0..8)
            .map(|_| {
                let (path, start) = (path.clone(), start.clone());
                std::thread::spawn(move || {
                    start.wait();
                    MasterKey::from_key_file(&path, true).unwrap()
                })
            })
            .collect::<Vec<_>>()
            .into_iter()
            .map(|t| t.join().unwrap())
            .collect();
        let sealed = keys[0].seal("n", b"v").unwrap();
        for key in &keys {
            assert_eq!(key.open("n", &sealed).unwrap().as_slice(), b"v");
        }
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "temporary key files were left behind");
    }

    #[test]
    fn the_key_file_is_created_once_with_mode_0600() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/x.db.key");
        assert!(matches!(
            MasterKey::from_key_file(&path, false),
            Err(Error::KeyFileMissing(_))
        ));
        let key = MasterKey::from_key_file(&path, true).unwrap();
        let sealed = key.seal("n", b"v").unwrap();
        let again = MasterKey::from_key_file(&path, true).unwrap();
        assert_eq!(again.open("n", &sealed).unwrap().as_slice(), b"v");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        std::fs::write(&path, b"short").unwrap();
        assert!(matches!(
            MasterKey::from_key_file(&path, true),
            Err(Error::BadKeyFile(_))
        ));
        assert_eq!(format!("{key:?}"), "MasterKey(…)");
    }
}
