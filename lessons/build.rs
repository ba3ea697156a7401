//! Turns `content/NN-slug.md` into `LESSONS`, a static table of HTML pages, at build time, so the
//! WASM bundle carries no Markdown parser.
//!
//! Each lesson file starts with a front matter block:
//!
//! ```text
//! ---
//! slug: topics-partitions-keys
//! title: Topics, partitions and keys
//! summary: One sentence for the lesson list.
//! simulation: partitioning
//! cluster: brokers=1, seed=42          (optional: the simulated cluster's options)
//! panels: cluster, terminal, events    (optional, playground only: the panels shown)
//! ---
//! ```
//!
//! The body may hold one ```` ```kplay-setup ```` block (the script that builds the starting
//! state, taken out of the page) and ```` ```kplay ```` blocks (commands the learner can run).
//! Any mistake fails the build with a message naming the file and what is wrong.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::{env, fs, process};

#[path = "src/cluster_options.rs"]
#[allow(dead_code)]
mod cluster_options;
#[path = "src/front_matter.rs"]
mod front_matter;
#[path = "src/markdown.rs"]
#[allow(dead_code)]
mod markdown;
#[path = "src/panels.rs"]
mod panels;
#[path = "src/simulations.rs"]
mod simulations;

struct Lesson {
    slug: String,
    title: String,
    summary: String,
    simulation: String,
    cluster: String,
    panels: Vec<String>,
    setup: String,
    commands: Vec<String>,
    html: String,
}

fn main() {
    let manifest_dir = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let content_dir = manifest_dir.join("content");
    println!("cargo:rerun-if-changed={}", content_dir.display());
    for module in [
        "cluster_options",
        "front_matter",
        "markdown",
        "panels",
        "simulations",
    ] {
        println!("cargo:rerun-if-changed=src/{module}.rs");
    }
    match build_lessons(&content_dir) {
        Ok(lessons) => {
            let out_dir = PathBuf::from(env::var_os("OUT_DIR").expect("set by cargo"));
            let generated = generate_rust(&lessons);
            fs::write(out_dir.join("lessons.rs"), generated).expect("OUT_DIR is writable");
        }
        Err(message) => {
            eprintln!("error: {message}");
            process::exit(1);
        }
    }
}

fn build_lessons(content_dir: &Path) -> Result<Vec<Lesson>, String> {
    let mut paths = lesson_paths(content_dir)?;
    paths.sort();
    let mut lessons: Vec<Lesson> = Vec::new();
    for path in paths {
        // Every file is watched too: some platforms do not report edits through the folder.
        println!("cargo:rerun-if-changed={}", path.display());
        let name = path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let text = fs::read_to_string(&path)
            .map_err(|error| format!("lessons/content/{name}: cannot read it: {error}"))?;
        let lesson =
            parse_lesson(&text).map_err(|error| format!("lessons/content/{name}: {error}"))?;
        if let Some(other) = lessons.iter().find(|other| other.slug == lesson.slug) {
            return Err(format!(
                "lessons/content/{name}: slug `{}` is already used by the lesson \"{}\"",
                lesson.slug, other.title
            ));
        }
        lessons.push(lesson);
    }
    if lessons.is_empty() {
        return Err("lessons/content/ holds no lesson (files named NN-slug.md)".to_owned());
    }
    Ok(lessons)
}

/// Lesson files are the `.md` files whose name starts with a digit, so a README can sit beside them.
fn lesson_paths(content_dir: &Path) -> Result<Vec<PathBuf>, String> {
    let entries = fs::read_dir(content_dir)
        .map_err(|error| format!("cannot read {}: {error}", content_dir.display()))?;
    let mut paths = Vec::new();
    for entry in entries {
        let path = entry.map_err(|error| error.to_string())?.path();
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        if name.ends_with(".md") && name.starts_with(|c: char| c.is_ascii_digit()) {
            paths.push(path);
        }
    }
    Ok(paths)
}

fn parse_lesson(text: &str) -> Result<Lesson, String> {
    let (front_matter, body) = front_matter::parse(text, simulations::SIMULATIONS)?;
    let context = markdown::Context {
        playground: front_matter.simulation == front_matter::PLAYGROUND,
        terminal: front_matter.panels.is_empty()
            || front_matter.panels.iter().any(|panel| panel == "terminal"),
    };
    let body = markdown::render(body, context)?;
    Ok(Lesson {
        slug: front_matter.slug,
        title: front_matter.title,
        summary: front_matter.summary,
        simulation: front_matter.simulation,
        cluster: front_matter.cluster,
        panels: front_matter.panels,
        setup: body.setup,
        commands: body.commands,
        html: body.html,
    })
}

fn generate_rust(lessons: &[Lesson]) -> String {
    let mut rust = String::from(
        "/// Every lesson, in the order of their file names.\npub static LESSONS: &[Lesson] = &[\n",
    );
    for lesson in lessons {
        // `{:?}` of a str is a valid Rust string literal with every special character escaped.
        let _ = writeln!(
            rust,
            "    Lesson {{ slug: {:?}, title: {:?}, summary: {:?}, simulation: {:?}, cluster: {:?}, panels: &{:?}, setup: {:?}, html: {:?} }},",
            lesson.slug,
            lesson.title,
            lesson.summary,
            lesson.simulation,
            lesson.cluster,
            lesson.panels,
            lesson.setup,
            lesson.html
        );
    }
    rust.push_str("];\n\n");
    rust.push_str(
        "/// The `kplay` blocks of each lesson, in the order of `LESSONS`.\nstatic COMMANDS: &[&[&str]] = &[\n",
    );
    for lesson in lessons {
        let _ = writeln!(rust, "    &{:?},", lesson.commands);
    }
    rust.push_str("];\n");
    rust
}
