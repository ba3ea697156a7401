//! `curl`, for one server only: the simulated schema registry at `http://localhost:8081`
//! ([`crate::registry`]), as Confluent's documentation drives it.
//!
//! The options are curl's: `-X`/`--request`, `-H`/`--header`, `-d`/`--data` (also
//! `--data-raw`, `--data-binary`, and `@-` for standard input), `--json`, `-s`/`--silent`,
//! `-S`, `-f`/`--fail` and `-i`/`--include`. As curl does, data without `-X` makes a POST, and
//! `-d` without a `Content-Type` header sends `application/x-www-form-urlencoded`, which the
//! registry refuses (HTTP 415): give `-H "Content-Type: application/vnd.schemaregistry.v1+json"`
//! or use `--json`. curl prints the answer's body whatever its status (`--fail` prints curl's
//! error 22 instead for a status of 400 or more).

use crate::error::ParseError;
use crate::options::Opt;
use crate::output::Output;
use crate::parser::Invocation;
use crate::registry::{store, Request};
use crate::shell::Shell;

/// The tool's name.
pub const NAME: &str = "curl";

/// What the tool does.
pub const ABOUT: &str =
    "Transfer a URL: here, a request to the simulated schema registry at http://localhost:8081.";

/// The options it understands.
pub const SPECS: &[Opt] = &[
    Opt::text(
        "data",
        "(-d) HTTP POST data; @- reads it from standard input. Also --data-raw and --data-binary.",
    ),
    Opt::flag("fail", "(-f) Fail fast with no output on HTTP errors."),
    Opt::text(
        "header",
        "(-H) Pass custom header(s) to server, as \"Name: value\".",
    ),
    Opt::flag(
        "include",
        "(-i) Include the HTTP status line and headers in the output.",
    ),
    Opt::text(
        "json",
        "HTTP POST JSON (sets Content-Type and Accept to application/json).",
    ),
    Opt::text(
        "request",
        "(-X) Specify request method to use (GET, POST, PUT, DELETE).",
    ),
    Opt::flag(
        "silent",
        "(-s) Silent mode: no progress meter (curl draws none here anyway).",
    ),
];

/// What the playground adds to the help.
pub const NOTES: &str = "\
Only the simulated schema registry answers, at http://localhost:8081 (also
http://schema-registry:8081): Confluent Schema Registry's REST API for Avro schemas.
  curl http://localhost:8081/subjects
  curl -X POST -H \"Content-Type: application/vnd.schemaregistry.v1+json\" \\
    --data '{\"schema\": \"{\\\"type\\\": \\\"string\\\"}\"}' http://localhost:8081/subjects/orders-value/versions
Paths: /subjects, /subjects/S/versions[/V[/schema]], /schemas/ids/ID[/versions], /config[/S],
/compatibility/subjects/S/versions/V[?verbose=true]. -X DELETE on /subjects/S or
/subjects/S/versions/V soft-deletes (?permanent=true then deletes for good), and on /config/S
removes the subject's level; ?deleted=true shows soft-deleted subjects and versions. The messages for a body that is not JSON or has no
schema are the playground's own words.";

/// A parsed `curl` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CurlArgs {
    /// `-X`, or POST with data and GET without.
    pub method: String,
    /// The URL.
    pub url: String,
    /// The `Content-Type` header sent with the data.
    pub content_type: Option<String>,
    /// The request's body (`-d`, `--json`).
    pub data: Option<String>,
    /// `-f`: curl's error 22 instead of an error's body.
    pub fail: bool,
    /// `-i`: the status line and headers before the body.
    pub include: bool,
}

fn usage(word: &str, message: impl Into<String>) -> ParseError {
    ParseError::new(0, word, message)
}

/// Parses curl's options.
pub fn parse(args: &[String], stdin: Option<String>) -> Result<Invocation, ParseError> {
    let mut method = None;
    let mut url = None;
    let mut content_type = None;
    let mut data: Option<String> = None;
    let (mut fail, mut include) = (false, false);
    let mut words = args.iter();
    while let Some(word) = words.next() {
        let mut value = |name: &str| {
            words
                .next()
                .cloned()
                .ok_or_else(|| usage(word, format!("curl: option {name}: requires parameter")))
        };
        match word.as_str() {
            "-X" | "--request" => method = Some(value(word)?.to_ascii_uppercase()),
            "-H" | "--header" => {
                let header = value(word)?;
                if let Some((name, rest)) = header.split_once(':') {
                    if name.trim().eq_ignore_ascii_case("content-type") {
                        content_type = Some(rest.trim().to_string());
                    }
                }
            }
            "-d" | "--data" | "--data-raw" | "--data-binary" | "--json" => {
                let text = value(word)?;
                let text = match text.as_str() {
                    "@-" if word != "--data-raw" => stdin.clone().unwrap_or_default(),
                    _ if text.starts_with('@') && word != "--data-raw" => {
                        return Err(usage(
                            &text,
                            "curl: the playground has no files: give the data inline, or @- with a here-document or a pipe",
                        ))
                    }
                    _ => text,
                };
                // `-d` strips newlines from what it reads (`--data-binary` keeps them).
                let text = if word == "-d" || word == "--data" {
                    text.replace(['\r', '\n'], "")
                } else {
                    text
                };
                if word == "--json" {
                    content_type = Some("application/json".into());
                }
                // Several -d are joined with '&', as curl joins them.
                data = Some(match data {
                    Some(before) => format!("{before}&{text}"),
                    None => text,
                });
            }
            "-s" | "--silent" | "-S" | "--show-error" | "-sS" | "-Ss" => {}
            "-f" | "--fail" | "-sf" | "-fs" | "-sSf" => fail = true,
            "-i" | "--include" | "-si" | "-is" => include = true,
            other if other.starts_with('-') => {
                return Err(usage(
                    other,
                    format!("curl: option {other}: is unknown here (see curl --help)"),
                ))
            }
            _ if url.is_none() => url = Some(word.clone()),
            other => return Err(usage(other, "curl: one URL at a time in the playground")),
        }
    }
    let Some(url) = url else {
        return Err(usage("", "curl: no URL specified!"));
    };
    let method = method.unwrap_or_else(|| if data.is_some() { "POST" } else { "GET" }.into());
    Ok(Invocation::Curl(CurlArgs {
        method,
        url,
        content_type: content_type.or_else(|| {
            data.as_ref()
                .map(|_| "application/x-www-form-urlencoded".to_string())
        }),
        data,
        fail,
        include,
    }))
}

/// The media types the registry's resources consume (`Versions`).
const ACCEPTED: &[&str] = &[
    "application/vnd.schemaregistry.v1+json",
    "application/vnd.schemaregistry+json",
    "application/json",
    "application/octet-stream",
];

/// Runs the request.
pub fn run(shell: &mut Shell, args: &CurlArgs) -> Output {
    let mut output = Output::new();
    let rest = args
        .url
        .strip_prefix("http://")
        .or_else(|| args.url.strip_prefix("https://"))
        .unwrap_or(&args.url);
    let (authority, target) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let (host, port) = authority.split_once(':').unwrap_or((authority, "80"));
    if !store::HOSTS.contains(&host) {
        output.eprintln(format!("curl: (6) Could not resolve host: {host}"));
        return output;
    }
    let refused = |mut output: Output| {
        output.eprintln(format!(
            "curl: (7) Failed to connect to {host} port {port} after 0 ms: Couldn't connect to server"
        ));
        output
    };
    if port != store::PORT || args.url.starts_with("https://") {
        return refused(output);
    }
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let media = args
        .content_type
        .as_deref()
        .map(|t| t.split(';').next().unwrap_or(t).trim().to_ascii_lowercase());
    let response = match (&args.data, &media) {
        (Some(_), Some(media)) if !ACCEPTED.contains(&media.as_str()) => {
            crate::registry::Response {
                status: 415,
                body: r#"{"error_code":415,"message":"HTTP 415 Unsupported Media Type"}"#.into(),
            }
        }
        _ => {
            let request = Request {
                method: &args.method,
                path,
                query,
                body: args.data.as_deref(),
            };
            let served = store::request(shell, request);
            match served {
                Ok(response) => response,
                // The registry could not start (its topic or producer): nothing listens.
                Err(why) => {
                    let mut output = refused(output);
                    output.eprintln(format!("(The schema registry did not start: {why})"));
                    return output;
                }
            }
        }
    };
    if args.fail && response.status >= 400 {
        output.eprintln(format!(
            "curl: (22) The requested URL returned error: {}",
            response.status
        ));
        return output;
    }
    if args.include {
        output.println(format!(
            "HTTP/1.1 {} {}",
            response.status,
            reason(response.status)
        ));
        output.println("Content-Type: application/vnd.schemaregistry.v1+json");
        output.println("");
    }
    output.println(response.body);
    output
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        415 => "Unsupported Media Type",
        422 => "Unprocessable Entity",
        _ => "",
    }
}
