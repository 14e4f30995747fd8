//! The engines' panic hooks stay with the engines: once loom and shuttle have run in a process,
//! a panic outside them (a failing assertion of a test that runs no engine) is reported by the
//! process's own hook alone, not by shuttle's "Task failed … Tried to get ExecutionState"
//! lines; a panic inside a shuttle run still goes through shuttle's hook.
//!
//! The test runs itself as a child process, whose standard error it reads.

use std::process::Command;

const CHILD: &str = "PANIC_HOOKS_CHILD";

/// In the child: run both engines, panic inside a shuttle run (caught), then outside (caught).
fn child() {
    checks::explore::run_loom(Some(1), || {});
    let inside = std::panic::catch_unwind(|| {
        checks::explore::run_shuttle(shuttle::scheduler::RandomScheduler::new_from_seed(0, 1), || {
            panic!("deliberate panic inside a shuttle run");
        })
    });
    assert!(inside.is_err());
    eprintln!("-- outside --");
    let outside = std::panic::catch_unwind(|| panic!("deliberate panic outside any engine"));
    assert!(outside.is_err());
}

#[test]
fn engine_hooks_see_only_engine_panics() {
    if std::env::var_os(CHILD).is_some() {
        child();
        return;
    }
    let out = Command::new(std::env::current_exe().unwrap())
        .args(["engine_hooks_see_only_engine_panics", "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD, "1")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "the child failed:\n{stderr}");
    let (inside, outside) = stderr.split_once("-- outside --").unwrap_or_else(|| panic!("no marker:\n{stderr}"));
    assert!(inside.contains("deliberate panic inside a shuttle run"), "{stderr}");
    assert!(inside.contains("Task failed"), "shuttle's hook did not see its own panic:\n{stderr}");
    assert!(outside.contains("deliberate panic outside any engine"), "{stderr}");
    assert!(
        !outside.contains("Task failed") && !outside.contains("ExecutionState"),
        "an engine hook saw it:\n{outside}"
    );
}
