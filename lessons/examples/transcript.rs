//! Prints what a lesson's scripts print, the way the lesson tests run them: the cluster from
//! its `cluster:` options, its `kplay-setup` script, then each `kplay` block in order, with no
//! simulated time passing between blocks but what the blocks themselves advance.
//!
//! `cargo run -p kplay-lessons --example transcript -- <slug> [--trace]` (every lesson when no
//! slug is given). A teacher runs it while writing a lesson, to read what each block shows.
//! `-- --script FILE [--cluster 'brokers=1, ...'] [--trace]` runs a draft script instead, on the
//! cluster those options describe.

use kplay_cli::{Script, Shell};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let trace = args.iter().any(|arg| arg == "--trace");
    let value_of = |name: &str| {
        args.iter()
            .position(|arg| arg == name)
            .and_then(|index| args.get(index + 1))
    };
    if let Some(file) = value_of("--script") {
        let text = std::fs::read_to_string(file).expect("a readable script");
        let cluster = value_of("--cluster").map_or("", String::as_str);
        run("script", cluster, &[("script".to_string(), &text)], trace);
        return;
    }
    let slugs: Vec<&String> = args.iter().filter(|arg| !arg.starts_with("--")).collect();
    for lesson in kplay_lessons::LESSONS {
        if !slugs.is_empty() && !slugs.iter().any(|slug| *slug == lesson.slug) {
            continue;
        }
        let blocks: Vec<(String, &str)> = std::iter::once(("setup".to_string(), lesson.setup))
            .chain(
                kplay_lessons::commands(lesson)
                    .iter()
                    .enumerate()
                    .map(|(index, block)| (format!("block {}", index + 1), *block)),
            )
            .collect();
        run(lesson.slug, lesson.cluster, &blocks, trace);
    }
}

fn run(name: &str, cluster: &str, blocks: &[(String, &str)], trace: bool) {
    println!("######## {name} ({cluster})");
    let (config, seed) = match kplay_lessons::cluster_config(cluster) {
        Ok(built) => built,
        Err(error) => {
            println!("cluster options refused: {error}");
            return;
        }
    };
    let mut shell = match Shell::with_config(config, seed) {
        Ok(shell) => shell,
        Err(error) => {
            println!("cluster refused: {error}");
            return;
        }
    };
    for (block, text) in blocks {
        println!("==== {block}");
        match Script::parse(text) {
            Ok(script) => {
                for step in &script.steps {
                    let before = shell.events().len();
                    println!("$ {}", step.words.join(" "));
                    print!("{}", shell.run(&step.invocation).text());
                    if trace {
                        for event in shell.events().iter_from(before) {
                            println!("    | {}", event.trace_line());
                        }
                    }
                }
            }
            Err(error) => println!("PARSE ERROR: {error}"),
        }
    }
    println!("==== end at {} ms", shell.cluster.view().now_ms);
}
