//! A lesson's Markdown body, turned into HTML, with its playground scripts taken out.
//!
//! Used by the build script (through `#[path]`) and unit-tested natively by the library (with
//! `pulldown-cmark` as a dev-dependency), so the browser bundle carries no Markdown parser.
//!
//! Two fenced code blocks are the playground's:
//! - ```` ```kplay-setup ````: the script (in the `kplay-cli` language) that builds the lesson's
//!   starting state. At most one; it is not rendered.
//! - ```` ```kplay ````: commands the learner can run, rendered as
//!   `<pre class="kplay-command"><code class="language-kplay">…</code></pre>` (escaped), to
//!   which the UI adds a "Run" button.
//!
//! Both need the `playground` live view, and `kplay` blocks need its `terminal` panel.
//!
//! In a table, inline code may break after a `.` or `_` (`<wbr>`): a table of config names
//! such as `heartbeat.interval.ms` then fits a phone and the lesson's column.

use pulldown_cmark::{
    html, CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd,
};

/// The info string of the setup block.
pub const SETUP_BLOCK: &str = "kplay-setup";
/// The info string of a command block.
pub const COMMAND_BLOCK: &str = "kplay";

/// What the lesson's live view offers, which decides the blocks it may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Context {
    /// The lesson uses the `playground` live view.
    pub playground: bool,
    /// Its panels include the terminal (or it shows every panel).
    pub terminal: bool,
}

/// A rendered body.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Body {
    /// The HTML, without the setup block.
    pub html: String,
    /// The `kplay-setup` script; "" when there is none.
    pub setup: String,
    /// The text of each `kplay` block, in order.
    pub commands: Vec<String>,
}

/// Renders `markdown`; the error says what is wrong, the caller adds the file name.
pub fn render(markdown: &str, context: Context) -> Result<Body, String> {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let mut body = Body::default();
    let mut setup_blocks = 0;
    let mut open_block: Option<(&'static str, String)> = None;
    let mut events: Vec<Event> = Vec::new();
    let mut in_table = false;
    for event in Parser::new_ext(markdown, options) {
        if let Some((kind, text)) = open_block.as_mut() {
            match event {
                Event::Text(more) => text.push_str(&more),
                Event::End(_) => {
                    let (kind, text) = open_block.take().unwrap_or_default();
                    if text.trim().is_empty() {
                        return Err(format!("a ```{kind} block is empty"));
                    }
                    if kind == SETUP_BLOCK {
                        body.setup = text;
                    } else {
                        events.push(Event::Html(CowStr::from(command_html(&text))));
                        body.commands.push(text);
                    }
                }
                _ => return Err(format!("a ```{kind} block holds something other than text")),
            }
            continue;
        }
        match &event {
            Event::Start(Tag::Heading {
                level: HeadingLevel::H1,
                ..
            }) => {
                return Err("use `##` and deeper for headings: the page title (`# ...`) comes from the `title:` field".to_owned());
            }
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. })
                if dest_url.starts_with('/') && !dest_url.starts_with("//") =>
            {
                return Err(format!(
                    "link {dest_url:?} starts with '/': use a relative address (for another lesson: #/lessons/<slug>) so the site works from any folder"
                ));
            }
            Event::Start(Tag::Table(_)) => in_table = true,
            Event::End(TagEnd::Table) => in_table = false,
            Event::Code(code) if in_table => {
                events.push(Event::Html(CowStr::from(table_code_html(code))));
                continue;
            }
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => {
                if let Some(kind) = playground_block(info, context)? {
                    if kind == SETUP_BLOCK {
                        setup_blocks += 1;
                        if setup_blocks > 1 {
                            return Err(format!("a lesson has at most one ```{SETUP_BLOCK} block"));
                        }
                    }
                    open_block = Some((kind, String::new()));
                    continue;
                }
            }
            _ => {}
        }
        events.push(event);
    }
    html::push_html(&mut body.html, events.into_iter());
    Ok(body)
}

/// Which playground block an info string opens, if any; a misspelt `kplay...` is refused.
fn playground_block(info: &str, context: Context) -> Result<Option<&'static str>, String> {
    let info = info.trim();
    let kind = match info {
        SETUP_BLOCK => SETUP_BLOCK,
        COMMAND_BLOCK => COMMAND_BLOCK,
        other if other.starts_with(COMMAND_BLOCK) => {
            return Err(format!(
                "unknown code block ```{other}: playground blocks are ```{COMMAND_BLOCK} (commands to run) and ```{SETUP_BLOCK} (the starting state)"
            ));
        }
        _ => return Ok(None),
    };
    if !context.playground {
        return Err(format!(
            "a ```{kind} block needs `simulation: playground`: other live views have no terminal"
        ));
    }
    if kind == COMMAND_BLOCK && !context.terminal {
        return Err(format!(
            "a ```{COMMAND_BLOCK} block needs the `terminal` panel: add it to `panels:`"
        ));
    }
    Ok(Some(kind))
}

/// A command block as the UI expects it.
pub fn command_html(text: &str) -> String {
    format!(
        "<pre class=\"kplay-command\"><code class=\"language-kplay\">{}</code></pre>\n",
        escape(text)
    )
}

/// Inline code in a table cell, which may break after a `.` or `_`.
fn table_code_html(code: &str) -> String {
    let mut html = String::from("<code>");
    for c in code.chars() {
        html.push_str(&escape(c.encode_utf8(&mut [0; 4])));
        if c == '.' || c == '_' {
            html.push_str("<wbr>");
        }
    }
    html.push_str("</code>");
    html
}

/// Escapes text for HTML element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            c => escaped.push(c),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLAYGROUND: Context = Context {
        playground: true,
        terminal: true,
    };

    #[test]
    fn the_setup_block_is_taken_out_and_command_blocks_are_marked() {
        let markdown = "Intro.\n\n```kplay-setup\nkafka-topics --create --topic t\n```\n\nRun:\n\n```kplay\necho 'a <b> & \"c\"'\n```\n\n```text\nplain\n```\n";
        let body = render(markdown, PLAYGROUND).expect("valid");
        assert_eq!(body.setup, "kafka-topics --create --topic t\n");
        assert_eq!(body.commands, vec!["echo 'a <b> & \"c\"'\n"]);
        assert!(!body.html.contains("kafka-topics"), "{}", body.html);
        assert!(body.html.contains(
            "<pre class=\"kplay-command\"><code class=\"language-kplay\">echo &#39;a &lt;b&gt; &amp; &quot;c&quot;&#39;\n</code></pre>"
        ), "{}", body.html);
        assert!(body.html.contains("<code class=\"language-text\">plain"));
    }

    #[test]
    fn blocks_need_the_playground_and_its_terminal() {
        let setup = "```kplay-setup\nkplay status\n```\n";
        let command = "```kplay\nkplay status\n```\n";
        let other_view = Context {
            playground: false,
            terminal: false,
        };
        assert!(render(setup, other_view)
            .unwrap_err()
            .contains("simulation: playground"));
        let no_terminal = Context {
            playground: true,
            terminal: false,
        };
        assert!(render(setup, no_terminal).is_ok());
        assert!(render(command, no_terminal)
            .unwrap_err()
            .contains("`terminal` panel"));
    }

    #[test]
    fn mistakes_in_blocks_are_named() {
        let twice = "```kplay-setup\nkplay status\n```\n\n```kplay-setup\nkplay status\n```\n";
        assert!(render(twice, PLAYGROUND)
            .unwrap_err()
            .contains("at most one"));
        let empty = "```kplay\n```\n";
        assert!(render(empty, PLAYGROUND).unwrap_err().contains("is empty"));
        let typo = "```kplay-setpu\nkplay status\n```\n";
        assert!(render(typo, PLAYGROUND)
            .unwrap_err()
            .contains("unknown code block"));
    }

    #[test]
    fn headings_and_root_links_are_refused() {
        assert!(render("# Title\n", PLAYGROUND)
            .unwrap_err()
            .contains("`##`"));
        assert!(render("[x](/a)\n", PLAYGROUND)
            .unwrap_err()
            .contains("relative address"));
        assert!(render("[x](#/lessons/a)\n", PLAYGROUND).is_ok());
    }

    #[test]
    fn code_in_a_table_may_break_after_dots_and_underscores() {
        let table = "| config | default |\n| --- | --- |\n| `max.poll.records` | `read_<x>` |\n";
        let html = render(table, PLAYGROUND).expect("renders").html;
        assert!(
            html.contains("<code>max.<wbr>poll.<wbr>records</code>"),
            "{html}"
        );
        assert!(html.contains("<code>read_<wbr>&lt;x&gt;</code>"), "{html}");
        let prose = render("`max.poll.records`\n", PLAYGROUND)
            .expect("renders")
            .html;
        assert!(prose.contains("<code>max.poll.records</code>"), "{prose}");
    }
}
