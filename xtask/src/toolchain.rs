//! Finds the tools the playground is built and tested with, and installs whichever are missing.
//!
//! Everything the project installs itself goes below `.tools/` (gitignored): cargo-installed
//! binaries in `.tools/cargo/bin`, npm's binaryen in `.tools/node`. A tool already on PATH at the
//! right version is used as it is. Nothing here downloads a prebuilt binary from the web: Trunk
//! and the wasm-bindgen CLI are built from crates.io, wasm-opt comes from npm's `binaryen`
//! package, Chromium from Debian (see ../shared/TOOLCHAIN.md for why each is done this way).

use crate::process::{is_file, output_of, run};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Trunk 0.22 needs a newer rustc than these machines have.
const TRUNK_VERSION: &str = "0.21.14";
/// npm's `binaryen` package version; its `wasm-opt --version` prints `version_132`.
const BINARYEN_VERSION: &str = "132";
const WASM_TARGET: &str = "wasm32-unknown-unknown";

/// What a command needs installed.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Needs {
    /// Building and serving the web app.
    Build,
    /// Building plus headless Chromium and ChromeDriver for the browser tests.
    Everything,
}

/// The located tools, and the PATH that puts the project's own tools first.
pub struct Toolchain {
    pub root: PathBuf,
    pub path_variable: String,
    pub chromedriver: Option<PathBuf>,
}

/// The workspace root: the parent of this crate's folder.
pub fn repository_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

impl Toolchain {
    /// Installs whatever `needs` asks for that is missing and returns where everything is.
    pub fn install(needs: Needs) -> Result<Toolchain, String> {
        let root = repository_root();
        let cargo_root = root.join(".tools/cargo");
        let node_root = root.join(".tools/node");
        let path_variable = std::env::join_paths(
            [cargo_root.join("bin"), node_root.join("node_modules/.bin")]
                .into_iter()
                .chain(std::env::split_paths(
                    &std::env::var_os("PATH").unwrap_or_default(),
                )),
        )
        .map_err(|error| format!("cannot build PATH: {error}"))?
        .to_string_lossy()
        .into_owned();
        let toolchain = Toolchain {
            root,
            path_variable,
            chromedriver: None,
        };
        toolchain.ensure_wasm_target()?;
        let bindgen_version = toolchain.wasm_bindgen_version()?;
        toolchain.ensure_cargo_tool("trunk", "trunk", TRUNK_VERSION, true, &cargo_root)?;
        // No --locked: the CLI's own lockfile pins a crate version this registry does not serve.
        toolchain.ensure_cargo_tool(
            "wasm-bindgen",
            "wasm-bindgen-cli",
            &bindgen_version,
            false,
            &cargo_root,
        )?;
        toolchain.ensure_wasm_opt(&node_root)?;
        if needs == Needs::Everything {
            let chromedriver = ensure_chromium()?;
            return Ok(Toolchain {
                chromedriver: Some(chromedriver),
                ..toolchain
            });
        }
        Ok(toolchain)
    }

    /// A `Command` for `program` with the project's tools first on PATH, run from the root.
    pub fn command(&self, program: &str) -> Command {
        let mut command = Command::new(program);
        command
            .current_dir(&self.root)
            .env("PATH", &self.path_variable);
        command
    }

    /// Runs `program --version` through our PATH; true if the output mentions `version`.
    fn has_version(&self, program: &str, version: &str) -> bool {
        let Some(path) = self.find(program) else {
            return false;
        };
        output_of(&path, &["--version"]).is_some_and(|text| text.contains(version))
    }

    /// The first executable called `program` on our PATH.
    fn find(&self, program: &str) -> Option<PathBuf> {
        std::env::split_paths(&self.path_variable)
            .map(|folder| folder.join(program))
            .find(|candidate| is_file(candidate))
    }

    fn ensure_wasm_target(&self) -> Result<(), String> {
        let installed = output_of("rustup", &["target", "list", "--installed"])
            .ok_or("`rustup` was not found: install Rust with rustup (https://rustup.rs)")?;
        if installed.lines().any(|line| line.trim() == WASM_TARGET) {
            println!("found: Rust target {WASM_TARGET}");
            return Ok(());
        }
        run(
            &format!("installing the Rust target {WASM_TARGET}"),
            self.command("rustup").args(["target", "add", WASM_TARGET]),
        )
    }

    /// The `wasm-bindgen` version in Cargo.lock, which the CLI must match exactly; Trunk.toml
    /// pins the same version so Trunk never tries to fetch another.
    fn wasm_bindgen_version(&self) -> Result<String, String> {
        let lock = std::fs::read_to_string(self.root.join("Cargo.lock"))
            .map_err(|error| format!("cannot read Cargo.lock: {error}"))?;
        let version = locked_version(&lock, "wasm-bindgen")
            .ok_or("Cargo.lock has no wasm-bindgen package: run `cargo generate-lockfile`")?;
        let trunk_toml = std::fs::read_to_string(self.root.join("Trunk.toml"))
            .map_err(|error| format!("cannot read Trunk.toml: {error}"))?;
        if !trunk_toml.contains(&format!("wasm_bindgen = \"{version}\"")) {
            return Err(format!(
                "Trunk.toml must pin `wasm_bindgen = \"{version}\"` under [tools], the version in Cargo.lock"
            ));
        }
        Ok(version)
    }

    fn ensure_cargo_tool(
        &self,
        binary: &str,
        krate: &str,
        version: &str,
        locked: bool,
        cargo_root: &Path,
    ) -> Result<(), String> {
        if self.has_version(binary, version) {
            println!("found: {binary} {version}");
            return Ok(());
        }
        let mut command = self.command("cargo");
        command.args(["install", krate, "--version", version, "--root"]);
        command.arg(cargo_root);
        if locked {
            command.arg("--locked");
        }
        run(
            &format!("installing {krate} {version} into .tools/ (a few minutes, once)"),
            &mut command,
        )
    }

    fn ensure_wasm_opt(&self, node_root: &Path) -> Result<(), String> {
        if self.has_version("wasm-opt", &format!("version_{BINARYEN_VERSION}")) {
            println!("found: wasm-opt version_{BINARYEN_VERSION}");
            return Ok(());
        }
        if self.find("npm").is_none() {
            install_debian_packages(&["nodejs", "npm"], "npm, to install wasm-opt (binaryen)")?;
        }
        std::fs::create_dir_all(node_root)
            .map_err(|error| format!("cannot create {}: {error}", node_root.display()))?;
        let mut command = self.command("npm");
        command.args(["install", "--no-audit", "--no-fund", "--prefix"]);
        command
            .arg(node_root)
            .arg(format!("binaryen@{BINARYEN_VERSION}"));
        run(
            &format!("installing wasm-opt (npm binaryen@{BINARYEN_VERSION}) into .tools/"),
            &mut command,
        )
    }
}

/// Finds Debian's Chromium and ChromeDriver, installing them when running as root.
fn ensure_chromium() -> Result<PathBuf, String> {
    let chromium = Path::new("/usr/bin/chromium");
    let chromedriver = Path::new("/usr/bin/chromedriver");
    if is_file(chromium) && is_file(chromedriver) {
        println!(
            "found: {} and {}",
            chromium.display(),
            chromedriver.display()
        );
        return Ok(chromedriver.to_path_buf());
    }
    install_debian_packages(
        &["chromium", "chromium-driver"],
        "headless Chromium and ChromeDriver, for the browser tests",
    )?;
    Ok(chromedriver.to_path_buf())
}

/// Installs Debian packages with apt-get when running as root; otherwise says what to install.
fn install_debian_packages(packages: &[&str], purpose: &str) -> Result<(), String> {
    let is_root = output_of("id", &["-u"]).is_some_and(|uid| uid.trim() == "0");
    if !is_root {
        return Err(format!(
            "{purpose} are missing. Install them and run again:\n    sudo apt-get update && sudo apt-get install -y {}",
            packages.join(" ")
        ));
    }
    run(
        "updating Debian's package lists",
        Command::new("apt-get").args(["update", "-q"]),
    )?;
    run(
        &format!("installing {} ({purpose})", packages.join(" ")),
        Command::new("apt-get")
            .env("DEBIAN_FRONTEND", "noninteractive")
            .args(["install", "-y", "-q"])
            .args(packages),
    )
}

/// The version of `package` in a Cargo.lock text (the first entry with that exact name).
fn locked_version(lock: &str, package: &str) -> Option<String> {
    let name_line = format!("name = \"{package}\"");
    let mut lines = lock.lines();
    lines.find(|line| line.trim() == name_line)?;
    let version_line = lines.next()?.trim();
    let version = version_line
        .strip_prefix("version = \"")?
        .strip_suffix('"')?;
    Some(version.to_string())
}

#[cfg(test)]
mod tests {
    use super::locked_version;

    #[test]
    fn reads_the_exact_package_version_from_a_lockfile() {
        let lock = "[[package]]\nname = \"wasm-bindgen-test\"\nversion = \"0.3.80\"\n\n\
                    [[package]]\nname = \"wasm-bindgen\"\nversion = \"0.2.130\"\n";
        assert_eq!(
            locked_version(lock, "wasm-bindgen").as_deref(),
            Some("0.2.130")
        );
        assert_eq!(locked_version(lock, "leptos"), None);
    }
}
