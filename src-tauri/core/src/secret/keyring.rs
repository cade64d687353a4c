//! The OS keyring (Secret Service on Linux, Keychain, Credential Manager) as the home of a
//! database's master key, one entry per database: service `dev.loopstudio.desktop`, account
//! the database's absolute path.
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

/// The keyring account for a database: its absolute path.
pub fn account(db_path: &Path) -> String {
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

/// Reads the master key of `db_path`: `Ok(None)` when the keyring has no entry for it.
pub fn load(db_path: &Path) -> Result<Option<Vec<u8>>, Unavailable> {
    let account = account(db_path);
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

/// Stores the master key of `db_path`, replacing any earlier one.
pub fn store(db_path: &Path, key: &MasterKey) -> Result<(), Unavailable> {
    let account = account(db_path);
    let bytes = zeroize::Zeroizing::new(key.bytes().to_vec());
    with_timeout(move || keyring::Entry::new(KEYRING_SERVICE, &account)?.set_secret(&bytes))?
        .map_err(|e| Unavailable(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_account_is_the_absolute_database_path() {
        let account = account(Path::new("relative/x.db"));
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
