//! Helpers shared by the integration tests: `mod common;` in a test file, then the helpers it
//! needs. Each test binary uses a subset, hence the `dead_code` allowance.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// The insta settings of every snapshot test: snapshots live in the repository's `snapshots/`
/// directory and are named by the name the test gives them, with no module prefix (the
/// gate's unreferenced-snapshot check looks those names up in the tests).
pub fn snapshot_settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.set_snapshot_path(concat!(env!("CARGO_MANIFEST_DIR"), "/../snapshots"));
    s.set_prepend_module_to_snapshot(false);
    s
}

/// `rel` under the `checks` crate.
pub fn manifest(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// `rel` under the repository root.
pub fn repo(rel: &str) -> PathBuf {
    manifest("..").join(rel)
}

/// `rel` under `checks/tests/fixtures/sources/`.
pub fn fixture(rel: &str) -> PathBuf {
    manifest("tests/fixtures/sources").join(rel)
}

/// A fresh, empty directory for one test: `<test binary>-<name>-<pid>` under cargo's temporary
/// directory for tests, so that test binaries and concurrent runs never share one.
pub fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "{}-{name}-{}",
        env!("CARGO_CRATE_NAME"),
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create a scratch directory");
    dir
}

/// Runs the `verify` binary with `args`: its exit code (-1 when killed by a signal), standard
/// output and standard error.
pub fn verify(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_verify")).args(args).output().expect("verify runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}
