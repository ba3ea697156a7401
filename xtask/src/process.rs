//! Running child processes with a readable banner and a clear error when they fail.

use std::ffi::OsStr;
use std::path::Path;
use std::process::{Command, ExitStatus, Stdio};
use std::time::Instant;

/// Runs `command` to completion, inheriting the terminal, and fails with `what` in the message.
pub fn run(what: &str, command: &mut Command) -> Result<(), String> {
    announced(what, command, |command| {
        command.status().map(|status| (status, ()))
    })
}

/// Runs `command` like [`run`], with its standard output captured: echoed once it ends, and
/// returned.
pub fn run_capturing(what: &str, command: &mut Command) -> Result<String, String> {
    let command = command.stdin(Stdio::null()).stderr(Stdio::inherit());
    announced(what, command, |command| {
        let output = command.output()?;
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        print!("{stdout}");
        Ok((output.status, stdout))
    })
}

/// Prints the banner, runs `command` with `execute`, and reports how it ended and how long
/// it took.
fn announced<T>(
    what: &str,
    command: &mut Command,
    execute: impl FnOnce(&mut Command) -> std::io::Result<(ExitStatus, T)>,
) -> Result<T, String> {
    println!("\n==> {what}");
    println!("    $ {}", describe(command));
    let started = Instant::now();
    let (status, result) = execute(command)
        .map_err(|error| format!("{what}: could not start `{}`: {error}", program(command)))?;
    let seconds = started.elapsed().as_secs_f64();
    if status.success() {
        println!("    ok: {what} ({seconds:.1} s)");
        Ok(result)
    } else {
        Err(format!("{what} failed ({status}) after {seconds:.1} s"))
    }
}

/// Runs `program args` quietly and returns its standard output if it exits successfully.
pub fn output_of(program: impl AsRef<OsStr>, args: &[&str]) -> Option<String> {
    let output = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).into_owned())
}

/// True when an executable exists at `path`.
pub fn is_file(path: &Path) -> bool {
    path.is_file()
}

fn program(command: &Command) -> String {
    command.get_program().to_string_lossy().into_owned()
}

fn describe(command: &Command) -> String {
    let mut words = vec![program(command)];
    words.extend(
        command
            .get_args()
            .map(|arg| arg.to_string_lossy().into_owned()),
    );
    words.join(" ")
}
