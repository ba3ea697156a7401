//! `kplay`: runs a Kafka Playground script against a simulated cluster.
//!
//! `kplay [--seed N] [--brokers N] [--zookeeper] [script.kplay]` runs the file; without a file
//! it runs standard input, or, when that is a terminal, prompts for lines. Exit code 2 when the
//! script does not parse (nothing runs), 0 otherwise.

use std::io::{self, BufRead, IsTerminal, Read, Write};
use std::process::ExitCode;

use kplay_cli::{is_incomplete, Output, Script, Shell, Stream};
use kplay_core::{ClusterConfig, MetadataMode};

/// mimalloc, not the system's malloc: faster at the simulator's many small allocations and
/// frees (the throughput benchmark uses it too).
#[cfg(not(target_arch = "wasm32"))]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The options of the binary.
struct Options {
    seed: u64,
    brokers: i32,
    zookeeper: bool,
    file: Option<String>,
}

const USAGE: &str = "usage: kplay [--seed N] [--brokers N] [--zookeeper] [script.kplay]";

fn parse_options() -> Result<Options, String> {
    let mut options = Options {
        seed: 1,
        brokers: 3,
        zookeeper: false,
        file: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| {
            args.next()
                .ok_or_else(|| format!("{name} needs a value\n{USAGE}"))
        };
        match arg.as_str() {
            "--seed" => {
                options.seed = value("--seed")?
                    .parse()
                    .map_err(|_| format!("--seed expects a number\n{USAGE}"))?
            }
            "--brokers" => {
                options.brokers = value("--brokers")?
                    .parse()
                    .map_err(|_| format!("--brokers expects a number\n{USAGE}"))?
            }
            "--zookeeper" => options.zookeeper = true,
            "--help" | "-h" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            file if options.file.is_none() && !file.starts_with("--") => {
                options.file = Some(file.to_string())
            }
            other => return Err(format!("unknown option {other}\n{USAGE}")),
        }
    }
    Ok(options)
}

fn shell(options: &Options) -> Result<Shell, String> {
    let config = ClusterConfig {
        brokers: options.brokers,
        controller_voters: options.brokers.clamp(1, 3),
        metadata_mode: if options.zookeeper {
            MetadataMode::ZooKeeper
        } else {
            MetadataMode::Kraft
        },
        ..ClusterConfig::default()
    };
    Shell::with_config(config, options.seed).map_err(|error| error.to_string())
}

fn print(output: &Output) {
    let mut stdout = io::stdout().lock();
    let mut stderr = io::stderr().lock();
    for (stream, text) in &output.chunks {
        let _ = match stream {
            Stream::Stdout => stdout
                .write_all(text.as_bytes())
                .and_then(|()| stdout.flush()),
            Stream::Stderr => stderr
                .write_all(text.as_bytes())
                .and_then(|()| stderr.flush()),
        };
    }
}

fn run_text(shell: &mut Shell, text: &str) -> ExitCode {
    match Script::parse(text) {
        Ok(script) => {
            for step in &script.steps {
                print(&shell.run(&step.invocation));
            }
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("{error}");
            ExitCode::from(2)
        }
    }
}

fn interactive(shell: &mut Shell) -> ExitCode {
    println!("Kafka Playground shell (simulated cluster). Type help, or Ctrl-D to leave.");
    let stdin = io::stdin();
    let mut pending = String::new();
    loop {
        print!("{}", if pending.is_empty() { "kplay> " } else { "> " });
        let _ = io::stdout().flush();
        let mut line = String::new();
        match stdin.lock().read_line(&mut line) {
            Ok(0) | Err(_) => return ExitCode::SUCCESS,
            Ok(_) => {}
        }
        pending.push_str(&line);
        if is_incomplete(&pending) {
            continue;
        }
        // A malformed line prints its error and the prompt goes on.
        print(&shell.run_line(&pending));
        pending.clear();
    }
}

fn main() -> ExitCode {
    let options = match parse_options() {
        Ok(options) => options,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let mut shell = match shell(&options) {
        Ok(shell) => shell,
        Err(message) => {
            eprintln!("kplay: {message}");
            return ExitCode::from(2);
        }
    };
    if let Some(file) = &options.file {
        return match std::fs::read_to_string(file) {
            Ok(text) => run_text(&mut shell, &text),
            Err(error) => {
                eprintln!("kplay: cannot read {file}: {error}");
                ExitCode::from(2)
            }
        };
    }
    if io::stdin().is_terminal() {
        return interactive(&mut shell);
    }
    let mut text = String::new();
    if let Err(error) = io::stdin().read_to_string(&mut text) {
        eprintln!("kplay: cannot read standard input: {error}");
        return ExitCode::from(2);
    }
    run_text(&mut shell, &text)
}
