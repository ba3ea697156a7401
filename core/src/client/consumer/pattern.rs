//! `subscribe(Pattern)`: a consumer that subscribes to every topic whose name matches a
//! regular expression, as `kafka-console-consumer --include` does.
//!
//! As in `ConsumerCoordinator`, the consumer asks its metadata for every topic
//! (`ConsumerMetadata` sends an all-topics Metadata request), matches the pattern against the
//! topics the answer lists (leaving out the internal ones while `exclude.internal.topics` is
//! true, and never seeing those it may not `DESCRIBE`), and joins its group with the topics that
//! matched. A topic created later joins the subscription only when the consumer's metadata next
//! lists it: at the refresh `metadata.max.age.ms` after the last one (five minutes by default),
//! or sooner when something else refreshes it. The member then rejoins ("subscription has
//! changed") and the leader assigns the new topic's partitions.
//!
//! Simplification, stated in the consumer groups lesson: the pattern is a Rust `regex-lite`
//! expression, not a `java.util.regex` one. They agree on what topic names use (literals,
//! classes such as `[a-z]`, `.`, `*`, `+`, `?`, `|`, groups); Java's lookarounds and
//! `\p{...}` classes are refused as invalid.

use crate::broker::coordinator::TRANSACTION_STATE_TOPIC;
use crate::cluster::context::Ctx;
use crate::cluster::event::EventKind;
use crate::error::{ErrorCode, KafkaError};
use crate::group::coordinator::OFFSETS_TOPIC;

use super::Consumer;

/// A compiled topic pattern.
#[derive(Debug, Clone)]
pub struct TopicPattern {
    source: String,
    regex: regex_lite::Regex,
}

impl TopicPattern {
    /// Compiles `source`; the error says why it is not a pattern (`KafkaConsumer.subscribe`
    /// refuses an empty one).
    pub fn compile(source: &str) -> Result<TopicPattern, KafkaError> {
        if source.is_empty() {
            return Err(KafkaError::new(
                ErrorCode::IllegalArgument,
                "Topic pattern to subscribe to cannot be empty",
            ));
        }
        // `Matcher.matches()`: the whole name must match, not a part of it. regex-lite's
        // reason is left out: its messages are not `PatternSyntaxException`'s.
        let regex = regex_lite::Regex::new(&format!("^(?:{source})$")).map_err(|_| {
            KafkaError::new(
                ErrorCode::IllegalArgument,
                format!("Topic pattern '{source}' is an invalid regex."),
            )
        })?;
        Ok(TopicPattern {
            source: source.to_string(),
            regex,
        })
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// Whether the whole of `topic` matches.
    pub fn matches(&self, topic: &str) -> bool {
        self.regex.is_match(topic)
    }

    /// The names among `topics` that match, leaving out the internal topics if
    /// `exclude_internal` (`exclude.internal.topics`), in the order given.
    pub fn matching<'a>(
        &self,
        topics: impl IntoIterator<Item = &'a String>,
        exclude_internal: bool,
    ) -> Vec<String> {
        topics
            .into_iter()
            .filter(|topic| !(exclude_internal && is_internal_topic(topic)))
            .filter(|topic| self.matches(topic))
            .cloned()
            .collect()
    }
}

/// `Topic.isInternal`: the topics Kafka itself keeps, which a pattern leaves out while
/// `exclude.internal.topics` is true.
pub fn is_internal_topic(topic: &str) -> bool {
    topic == OFFSETS_TOPIC || topic == TRANSACTION_STATE_TOPIC
}

/// A pattern subscription and the topics it matched at the consumer's last metadata answer
/// (`SubscriptionState.subscription` after `subscribeFromPattern`).
#[derive(Debug, Clone)]
pub struct PatternSubscription {
    /// The pattern.
    pub pattern: TopicPattern,
    /// The topics it matched, sorted; empty before the first answer.
    pub matched: Vec<String>,
}

impl PatternSubscription {
    /// A subscription to `pattern` that has matched nothing yet.
    pub fn new(pattern: TopicPattern) -> PatternSubscription {
        PatternSubscription {
            pattern,
            matched: Vec::new(),
        }
    }

    /// `updatePatternSubscription`: matches the pattern against `topics` (the names the
    /// metadata lists, sorted); if that changes the matched topics, returns those it matched
    /// before.
    pub fn rematch<'a>(
        &mut self,
        topics: impl IntoIterator<Item = &'a String>,
        exclude_internal: bool,
    ) -> Option<Vec<String>> {
        let matched = self.pattern.matching(topics, exclude_internal);
        (matched != self.matched).then(|| std::mem::replace(&mut self.matched, matched))
    }
}

impl Consumer {
    /// After a metadata answer: matches the pattern against the topics it lists
    /// (`maybeUpdateSubscriptionMetadata`), and tells what the consumer now subscribes to.
    pub(crate) fn match_pattern(&mut self, ctx: &mut Ctx) {
        let exclude_internal = self.rules.exclude_internal_topics;
        let Some(subscription) = self.pattern.as_mut() else {
            return;
        };
        // Called once per answer: the first answer is the first match.
        let first = self.metadata.answers == 1;
        let before = subscription.rematch(self.metadata.topics.keys(), exclude_internal);
        if before.is_none() && !first {
            return;
        }
        let before = list(&before.unwrap_or_default());
        let pattern = subscription.pattern.as_str();
        let name = &self.name;
        let now = list(&subscription.matched);
        let joined = self
            .membership
            .as_ref()
            .is_some_and(|membership| membership.joined_topics.is_some());
        let description = if first && subscription.matched.is_empty() {
            format!(
                "{name}: no topic its metadata lists matches its pattern '{pattern}' yet, so it subscribes to nothing, and is assigned nothing until a matching topic shows up in its metadata (refreshed every metadata.max.age.ms, {} ms).",
                self.rules.metadata_max_age_ms
            )
        } else if first {
            format!(
                "{name} matches its pattern '{pattern}' against the topics its metadata lists (all of them, as a pattern needs), and subscribes to {now}."
            )
        } else if joined {
            format!(
                "{name}: its metadata refresh changes what its pattern '{pattern}' matches: {now}, before {before}. It rejoins group {} to be assigned what it matches now.",
                self.rules.group_id.as_deref().unwrap_or_default()
            )
        } else {
            format!(
                "{name}: its metadata refresh changes what its pattern '{pattern}' matches: it now subscribes to {now}, before {before}."
            )
        };
        ctx.emit(EventKind::Client {
            client: Some(self.id),
            trace: format!("pattern client-{} {pattern} {now}", self.id.0),
            description,
        });
    }

    /// `ConsumerCoordinator.poll`: before a pattern subscriber joins, it asks for fresh
    /// metadata (if the backoff allows) and waits for the answer, so that it joins with the
    /// topics the cluster has now; one topic created then costs one rebalance, not one per
    /// member as each notices it. Its first join waits for its first answer.
    pub(crate) fn pattern_ready_to_join(&mut self, ctx: &mut Ctx) -> bool {
        if self.pattern.is_none() {
            return true;
        }
        let answers = self.metadata.answers;
        if let Some(after) = self
            .membership
            .as_ref()
            .and_then(|membership| membership.join_after_answer)
        {
            return answers > after;
        }
        if ctx.now_ms >= self.metadata.retry_at_ms {
            self.metadata.stale = true;
        }
        self.request_metadata(false, ctx);
        // No answer yet: the pattern has not been matched.
        let wait = answers == 0 || self.metadata.stale || self.metadata.in_flight.is_some();
        if wait {
            if let Some(membership) = self.membership.as_mut() {
                membership.join_after_answer = Some(answers);
            }
        }
        !wait
    }
}

/// `[a, b]`, as Java prints a set of topics.
fn list(topics: &[String]) -> String {
    format!("[{}]", topics.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|name| name.to_string()).collect()
    }

    #[test]
    fn a_pattern_matches_whole_names_only() {
        let pattern = TopicPattern::compile("sales-.*").expect("valid");
        assert!(pattern.matches("sales-eu"));
        assert!(pattern.matches("sales-"));
        assert!(!pattern.matches("presales-eu"), "Matcher.matches, not find");
        let pattern = TopicPattern::compile("a|b").expect("valid");
        assert!(pattern.matches("a") && pattern.matches("b"));
        assert!(
            !pattern.matches("ab"),
            "the alternation is grouped before anchoring"
        );
    }

    #[test]
    fn an_empty_or_broken_pattern_is_refused() {
        let error = TopicPattern::compile("").expect_err("empty");
        assert_eq!(
            error.as_exception(),
            "java.lang.IllegalArgumentException: Topic pattern to subscribe to cannot be empty"
        );
        let error = TopicPattern::compile("sales-(").expect_err("unclosed group");
        assert_eq!(error.code, ErrorCode::IllegalArgument);
        assert_eq!(
            error.message,
            "Topic pattern 'sales-(' is an invalid regex."
        );
        // What the lesson says regex-lite refuses where Java accepts.
        for java_only in ["(?=sales).*", "\\p{L}+"] {
            assert!(TopicPattern::compile(java_only).is_err(), "{java_only}");
        }
    }

    #[test]
    fn rematching_reports_changes_and_leaves_out_internal_topics() {
        let mut subscription =
            PatternSubscription::new(TopicPattern::compile("_.*|sales-.*").expect("valid"));
        let cluster = names(&["__consumer_offsets", "_schemas", "orders", "sales-eu"]);
        assert_eq!(subscription.rematch(&cluster, true), Some(Vec::new()));
        assert_eq!(subscription.matched, names(&["_schemas", "sales-eu"]));
        assert_eq!(subscription.rematch(&cluster, true), None);
        let before = subscription.rematch(&cluster, false).expect("a change");
        assert_eq!(before, names(&["_schemas", "sales-eu"]));
        assert_eq!(
            subscription.matched,
            names(&["__consumer_offsets", "_schemas", "sales-eu"])
        );
    }
}
