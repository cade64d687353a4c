//! The OS keyring (Secret Service on Linux, Keychain, Credential Manager) as the home of a
//! database's master key, one entry per database: service `dev.loopstudio.desktop`, account
//! a random key id recorded in the database ([`new_account`]) — not the database's path, so
//! a moved or copied database still finds its key and two databases never share one.
//! Databases made before the id was recorded use their absolute path ([`legacy_account`]).
//!
//! Every call runs on a helper thread with a timeout: Secret Service can block for a long
//! time (a locked collection waiting for a prompt nobody sees), and opening a store must not
//! hang. A call that times out is abandoned, never retried in a loop.

use super::{MasterKey, KEYRING_ENV, KEYRING_SERVICE};
use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

/// How long one keyring call may take before the keyring counts as not answering.
pub const TIMEOUT: Duration = Duration::from_secs(3);

/// Whether the keyring may be used: not when `LOOPSTUDIO_KEYRING=off`.
pub fn allowed() -> bool {
    std::env::var(KEYRING_ENV).map_or(true, |v| v != "off")
}

/// A fresh keyring account for a new master key: `loopstudio-` and 128 random bits in hex.
pub fn new_account() -> Result<String, Unavailable> {
    let mut id = [0u8; 16];
    getrandom::fill(&mut id).map_err(|e| Unavailable(format!("no random numbers: {e}")))?;
    let hex: String = id.iter().map(|b| format!("{b:02x}")).collect();
    Ok(format!("loopstudio-{hex}"))
}

/// The keyring account of a database made before key ids were recorded: its absolute path.
pub fn legacy_account(db_path: &Path) -> String {
    std::path::absolute(db_path)
        .unwrap_or_else(|_| db_path.to_path_buf())
        .display()
        .to_string()
}

/// Why the keyring could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unavailable(pub String);

fn with_timeout<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, Unavailable> {
    let (tx, rx) = mpsc::channel();
    std::thread::Builder::new()
        .name("loopstudio-keyring".into())
        .spawn(move || {
            let _ = tx.send(work());
        })
        .map_err(|e| Unavailable(format!("cannot start a thread for the keyring: {e}")))?;
    rx.recv_timeout(TIMEOUT)
        .map_err(|_| Unavailable(format!("no answer within {} s", TIMEOUT.as_secs())))
}

/// Reads the master key under `account`: `Ok(None)` when the keyring has no entry for it.
pub fn load(account: &str) -> Result<Option<Vec<u8>>, Unavailable> {
    let account = account.to_string();
    with_timeout(move || {
        let entry = keyring::Entry::new(KEYRING_SERVICE, &account)?;
        match entry.get_secret() {
            Ok(bytes) => Ok(Some(bytes)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(e),
        }
    })?
    .map_err(|e| Unavailable(e.to_string()))
}

/// Stores a master key under `account`, replacing any earlier one.
pub fn store(account: &str, key: &MasterKey) -> Result<(), Unavailable> {
    let account = account.to_string();
    let bytes = zeroize::Zeroizing::new(key.bytes().to_vec());
    with_timeout(move || keyring::Entry::new(KEYRING_SERVICE, &account)?.set_secret(&bytes))?
        .map_err(|e| Unavailable(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_accounts_are_random_ids_and_legacy_ones_the_absolute_path() {
        let (a, b) = (new_account().unwrap(), new_account().unwrap());
        assert!(a.starts_with("loopstudio-") && a.len() == 11 + 32, "{a}");
        assert_ne!(a, b);
        let account = legacy_account(Path::new("relative/x.db"));
        assert!(Path::new(&account).is_absolute());
        assert!(account.ends_with("relative/x.db"));
    }

    #[test]
    fn a_call_that_never_answers_times_out() {
        let started = std::time::Instant::now();
        let result = with_timeout(|| std::thread::sleep(Duration::from_secs(60)));
        assert!(result.is_err());
        assert!(started.elapsed() < Duration::from_secs(10));
    }
}
