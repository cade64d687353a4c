//! Files the user names on the command line or in a dialog: read only when they are regular
//! files under a size cap, and written whole and private.
//!
//! Reading: a path can name `/dev/zero`, a FIFO or a 10 GB log as easily as a PEM file, and
//! reading it would hang or exhaust memory, so a read checks the file's type and size first
//! and then reads at most the cap (the file may grow between the two).
//!
//! Writing: exports with `--include-secrets` and reports may hold what a user would not
//! share, and two windows may export at once, so every file is written under a random
//! temporary name created with `create_new` and mode 0600 from its first byte, synced, and
//! renamed over the target; a crash or an error leaves the target as it was.

use crate::{ApiError, ErrorCode};
use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// Largest PEM file read into a value (certificates and keys are a few KB).
pub const MAX_PEM_BYTES: u64 = 1024 * 1024;

/// What went wrong with which file.
#[derive(Debug, thiserror::Error)]
#[error("{path}: {problem}")]
pub struct Error {
    pub path: String,
    pub problem: Problem,
}

#[derive(Debug, thiserror::Error)]
pub enum Problem {
    #[error("not a regular file ({0}); give the path of a file")]
    NotRegular(&'static str),
    #[error("the file is {size_words}; {purpose} are read up to {cap_words}")]
    TooLarge {
        size_words: String,
        cap_words: String,
        purpose: &'static str,
    },
    #[error("not UTF-8 text (invalid byte at offset {0})")]
    NotText(usize),
    #[error("cannot read: {0}")]
    Read(std::io::Error),
    #[error("cannot write: {0}")]
    Write(std::io::Error),
}

pub type Result<T> = std::result::Result<T, Error>;

impl From<Error> for ApiError {
    fn from(err: Error) -> Self {
        let code = match err.problem {
            Problem::Write(_) => ErrorCode::Io,
            _ => ErrorCode::InputInvalid,
        };
        ApiError::new(code, err.to_string())
    }
}

fn kind_of(meta: &std::fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_char_device() {
            return "a character device";
        }
        if t.is_block_device() {
            return "a block device";
        }
        if t.is_fifo() {
            return "a named pipe";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    if meta.is_dir() {
        "a folder"
    } else {
        "not a plain file"
    }
}

/// A size as people read it: bytes when small, else decimal MB.
fn size_words(bytes: u64) -> String {
    if bytes >= 100_000 {
        format!("{:.1} MB", bytes as f64 / 1e6)
    } else {
        format!("{bytes} bytes")
    }
}

/// A cap as its constant is written: 1 MB is 1024 × 1024 bytes.
fn cap_words(cap: u64) -> String {
    if cap >= 1024 * 1024 && cap % (1024 * 1024) == 0 {
        format!("{} MB", cap / 1024 / 1024)
    } else {
        format!("{cap} bytes")
    }
}

/// The bytes of the regular file at `path`, at most `cap` of them; `purpose` names what
/// such files are for in the error ("PEM files", "model files").
pub fn read_capped(path: &Path, cap: u64, purpose: &'static str) -> Result<Vec<u8>> {
    let fail = |problem| Error {
        path: path.display().to_string(),
        problem,
    };
    let read_err = |e| fail(Problem::Read(e));
    let not_regular = |meta: &std::fs::Metadata| fail(Problem::NotRegular(kind_of(meta)));
    let too_large = |size: Option<u64>| {
        fail(Problem::TooLarge {
            size_words: size.map_or_else(|| format!("over {}", cap_words(cap)), size_words),
            cap_words: cap_words(cap),
            purpose,
        })
    };
    // Checked before opening: opening a FIFO would block until someone writes to it.
    let meta = std::fs::metadata(path).map_err(read_err)?;
    if !meta.is_file() {
        return Err(not_regular(&meta));
    }
    if meta.len() > cap {
        return Err(too_large(Some(meta.len())));
    }
    let file = File::open(path).map_err(read_err)?;
    // The path may have been swapped between the check and the open.
    let meta = file.metadata().map_err(read_err)?;
    if !meta.is_file() {
        return Err(not_regular(&meta));
    }
    let mut bytes = Vec::with_capacity(meta.len().min(cap) as usize);
    file.take(cap + 1)
        .read_to_end(&mut bytes)
        .map_err(read_err)?;
    if bytes.len() as u64 > cap {
        return Err(too_large(None));
    }
    Ok(bytes)
}

/// [`read_capped`] as UTF-8 text.
pub fn read_text_capped(path: &Path, cap: u64, purpose: &'static str) -> Result<String> {
    let bytes = read_capped(path, cap, purpose)?;
    String::from_utf8(bytes).map_err(|e| Error {
        path: path.display().to_string(),
        problem: Problem::NotText(e.utf8_error().valid_up_to()),
    })
}

/// A new file beside `target`, readable only by this user, under a random name.
pub struct PrivateTemp {
    pub file: File,
    pub path: PathBuf,
}

/// Creates a [`PrivateTemp`] beside `target`: `create_new`, mode 0600 from the first byte.
pub fn create_private_temp(target: &Path) -> std::io::Result<PrivateTemp> {
    let dir = target
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let stem = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    for _ in 0..8 {
        let mut id = [0u8; 8];
        getrandom::fill(&mut id).map_err(|e| std::io::Error::other(e.to_string()))?;
        let suffix: String = id.iter().map(|b| format!("{b:02x}")).collect();
        let path = dir.join(format!(".{stem}.{suffix}.tmp"));
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        match options.open(&path) {
            Ok(file) => return Ok(PrivateTemp { file, path }),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::other(
        "could not find a free temporary file name",
    ))
}

/// Syncs a folder, so that a file just linked or renamed into it survives a crash. Best
/// effort: not every platform can open a folder.
pub fn sync_dir(dir: &Path) {
    if let Ok(handle) = File::open(dir) {
        let _ = handle.sync_all();
    }
}

/// Writes `bytes` to `path` whole and private (mode 0600), replacing it in one step; on an
/// error the old file stays as it was and no temporary file is left behind.
pub fn write_private_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let write_err = |e| Error {
        path: path.display().to_string(),
        problem: Problem::Write(e),
    };
    let tmp = create_private_temp(path).map_err(write_err)?;
    let done = (|| {
        let mut file = &tmp.file;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&tmp.path, path)
    })();
    if let Err(e) = done {
        let _ = std::fs::remove_file(&tmp.path);
        return Err(write_err(e));
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        sync_dir(dir);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devices_pipes_and_folders_are_refused_before_they_are_read() {
        let err = read_capped(Path::new("/dev/zero"), 1024, "PEM files").unwrap_err();
        assert!(err.to_string().contains("a character device"), "{err}");
        let dir = tempfile::tempdir().unwrap();
        let err = read_capped(dir.path(), 1024, "PEM files").unwrap_err();
        assert!(err.to_string().contains("a folder"), "{err}");
        #[cfg(unix)]
        {
            let fifo = dir.path().join("fifo");
            let made = std::process::Command::new("mkfifo").arg(&fifo).status();
            if made.is_ok_and(|s| s.success()) {
                let err = read_capped(&fifo, 1024, "PEM files").unwrap_err();
                assert!(err.to_string().contains("a named pipe"), "{err}");
            }
        }
        let err: ApiError = read_capped(Path::new("/nonexistent/x.pem"), 10, "PEM files")
            .unwrap_err()
            .into();
        assert_eq!(err.code, ErrorCode::InputInvalid);
        assert!(err.message.contains("/nonexistent/x.pem"));
    }

    #[test]
    fn a_file_over_the_cap_is_refused_and_one_at_it_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.pem");
        std::fs::write(&path, vec![b'a'; 2048]).unwrap();
        let err = read_capped(&path, 2047, "PEM files")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("the file is 2048 bytes; PEM files are read up to 2047 bytes"),
            "{err}"
        );
        assert_eq!(read_capped(&path, 2048, "PEM files").unwrap().len(), 2048);
        std::fs::write(&path, [0xff, 0xfe]).unwrap();
        assert!(read_text_capped(&path, 10, "PEM files")
            .unwrap_err()
            .to_string()
            .contains("not UTF-8"));
    }

    #[test]
    fn written_files_are_private_whole_and_leave_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("export.json");
        std::fs::write(&path, "old").unwrap();
        write_private_atomically(&path, b"new").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"new");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1, "a temporary file was left behind");
        // A write that cannot happen leaves the folder as it was.
        let missing = dir.path().join("no/such/folder/x.json");
        assert!(write_private_atomically(&missing, b"x").is_err());
    }
}
